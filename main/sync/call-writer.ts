/**
 * The optimistic effect of call events, call actions and presence at the desk (the outbox's non-ticket half):
 * the same pure functions as the server (common/calls), over the cached records. A local softphone's event joins
 * the record the server already sent for the same call (correlation), so the agent never sees the call twice.
 * The cache keeps numbers masked (issue 11 §4): the event is correlated by its masked numbers, applied whole (the
 * repository hashes, then masks what it writes) and the record comes back as kept.
 */
import { applyCallAction, isCallAction } from '../../common/calls/actions';
import { correlate, matchAgent } from '../../common/calls/correlate';
import { callRecordId } from '../../common/calls/ids';
import { maskCallEvent } from '../../common/calls/mask';
import { applyCallEvent } from '../../common/calls/machine';
import { presenceAfter } from '../../common/calls/presence';
import type { CallMutation, MutationEffect } from '../../common/mutations';
import { toE164 } from '../../common/residents/phone';
import type { CacheRepos } from '../cache';

/** Correlation candidates: calls not ended, and those started this recently. */
const CANDIDATE_WINDOW_MS = 15 * 60_000;

export interface CallWriter {
  write(m: CallMutation, actorId: string, now: Date): MutationEffect;
}

export function createCallWriter(repos: Pick<CacheRepos, 'calls' | 'presence' | 'staff'>): CallWriter {
  const { calls, presence, staff } = repos;
  const resolveAgent = (ref: string) => matchAgent(ref, staff.users())?.id ?? null;
  const nameOf = (id: string) => staff.users().find((u) => u.id === id)?.name ?? id;
  const none: MutationEffect = { ticket: null, events: [], deleted: null, calls: [] };

  return {
    write(m, actorId, now) {
      if (m.name === 'call.event') {
        const e = m.args.event;
        const known = correlate(maskCallEvent(e), calls.live(CANDIDATE_WINDOW_MS), toE164);
        const call = applyCallEvent(known, e, {
          newId: () => callRecordId(e.source, e.callId),
          now,
          resolveAgent,
          toE164,
        });
        return { ...none, calls: [calls.put(call, true)] };
      }
      if (isCallAction(m)) {
        const call = applyCallAction(calls.get(m.args.id), m, { actorId, now, nameOf });
        return { ...none, calls: [calls.put(call, true)] };
      }
      if (m.name === 'presence.set') {
        presence.put(presenceAfter(m.args, actorId, now), true);
        return none;
      }
      throw new Error(`${m.name} is not a call mutation`);
    },
  };
}
