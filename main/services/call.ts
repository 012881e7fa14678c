/** Call logging at the desk: an outbox mutation like any other, so it works offline and arrives exactly once. */
import { randomUUID } from 'node:crypto';
import type { MethodOutput, ParsedInput } from '../../common/contract';
import { parseMutation } from '../../common/mutations';
import type { CallRepo } from '../cache';
import { DeskError } from '../session';
import type { Outbox } from '../sync/outbox';

export interface CallService {
  log(input: ParsedInput<'calls.log'>): MethodOutput<'calls.log'>;
  recent(input: ParsedInput<'calls.recent'>): MethodOutput<'calls.recent'>;
}

export function createCallService(deps: {
  calls: CallRepo;
  outbox: Outbox;
  actorId(): string | null;
  /** After each local write: schedule a push. */
  onLocalChange(callId: string): void;
}): CallService {
  return {
    log(input) {
      const actor = deps.actorId();
      if (!actor) throw new DeskError('unauthenticated', 'Log in first');
      // The id is the call's identity on the server too (call_id): a replayed push inserts nothing twice.
      const { effect } = deps.outbox.enqueue(parseMutation('call.log', { ...input, id: randomUUID() }), actor);
      const call = effect.calls[0];
      if (!call) throw new Error('call.log produced no call');
      deps.onLocalChange(call.id);
      return call;
    },
    recent: ({ limit }) => deps.calls.recent(limit),
  };
}
