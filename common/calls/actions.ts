/**
 * What agents do to a call record (claim a callback, record its result, wrap up, link): pure reducers shared by
 * the desk's optimistic copy and the server, like the ticket mutations. Rejections name the reason.
 */
import type { z } from 'zod';
import type { Call } from '../domain';
import { MutationRejected } from '../mutations';
import type { CALL_MUTATION_ARGS, CallActionName } from './args';

export type CallAction = {
  [N in CallActionName]: { name: N; args: z.output<(typeof CALL_MUTATION_ARGS)[N]> };
}[CallActionName];

export interface CallActionContext {
  actorId: string;
  now: Date;
  /** How to name the agent holding a claim in a rejection (the server knows names; default: the id). */
  nameOf?: (userId: string) => string;
}

export function isCallAction(m: { name: string }): m is CallAction {
  return (
    m.name === 'call.claimCallback' ||
    m.name === 'call.callbackResult' ||
    m.name === 'call.wrapUp' ||
    m.name === 'call.link'
  );
}

export function applyCallAction(call: Call | undefined, m: CallAction, ctx: CallActionContext): Call {
  if (!call) throw new MutationRejected('not_found', `Call ${m.args.id} does not exist`);
  const c = structuredClone(call);
  const now = ctx.now.toISOString();
  switch (m.name) {
    case 'call.claimCallback': {
      if (c.callback.state === 'none')
        throw new MutationRejected('not_missed', 'This call is not in the callback queue');
      if (c.callback.state === 'done') throw new MutationRejected('callback_done', 'This call has been called back');
      if (c.callback.state === 'claimed') {
        if (c.callback.claimedBy === ctx.actorId) return call;
        const who = c.callback.claimedBy ? (ctx.nameOf?.(c.callback.claimedBy) ?? c.callback.claimedBy) : '?';
        throw new MutationRejected('callback_claimed', `${who} is already calling back this number`);
      }
      c.callback = { ...c.callback, state: 'claimed', claimedBy: ctx.actorId, claimedAt: now };
      return c;
    }
    case 'call.callbackResult': {
      const cb = c.callback;
      if (cb.state === 'none') throw new MutationRejected('not_missed', 'This call is not in the callback queue');
      if (cb.state === 'done') throw new MutationRejected('callback_done', 'This call has been called back');
      if (cb.state === 'claimed' && cb.claimedBy !== ctx.actorId) {
        const who = cb.claimedBy ? (ctx.nameOf?.(cb.claimedBy) ?? cb.claimedBy) : '?';
        throw new MutationRejected('callback_claimed', `${who} is already calling back this number`);
      }
      // "No answer" keeps the call in the queue (released for the next try); any other result ends the callback.
      c.callback =
        m.args.result === 'no_answer'
          ? { ...cb, state: 'open', claimedBy: null, claimedAt: null, result: 'no_answer', note: m.args.note }
          : { ...cb, state: 'done', claimedBy: ctx.actorId, result: m.args.result, note: m.args.note, doneAt: now };
      return c;
    }
    case 'call.wrapUp': {
      c.disposition = m.args.disposition;
      if (m.args.notes) c.notes = m.args.notes;
      linkTickets(c, m.args.ticketIds);
      return c;
    }
    case 'call.link': {
      if (m.args.ticketId) linkTickets(c, [m.args.ticketId]);
      if (m.args.residentId) {
        c.residentId = m.args.residentId;
        c.residentConfidence = 'known';
      }
      return c;
    }
  }
}

function linkTickets(c: Call, ids: readonly string[]): void {
  c.ticketIds = [...new Set([...c.ticketIds, ...ids])];
  c.ticketId ??= c.ticketIds[0] ?? null;
}
