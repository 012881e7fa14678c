/**
 * The call and presence mutations' arguments (DESIGN.md §5: intents, never whole records). Separate from
 * common/mutations.ts's reducers so both it and common/calls/actions.ts can import them without a cycle.
 */
import { z } from 'zod';
import { CALLBACK_RESULTS, PresenceState } from '../domain';
import { Uuid, line, text } from '../input';
import { CallEvent } from './envelope';

/** An event a desk adapter (baresip, the local hook, AMI at the desk) heard: travels through the outbox. */
export const CallEventArgs = z.object({ event: CallEvent });
/** Take a missed call's callback: the first claim wins, a second is rejected naming who has it. */
export const CallClaimCallbackArgs = z.object({ id: Uuid });
export const CallCallbackResultArgs = z.object({
  id: Uuid,
  result: z.enum(CALLBACK_RESULTS),
  note: text(2000).default(''),
});
/** After-call work: a disposition code, notes and the tickets the call led to. */
export const CallWrapUpArgs = z.object({
  id: Uuid,
  disposition: line(32, { trim: true, min: 1 }),
  notes: text(5000).default(''),
  ticketIds: z.array(Uuid).max(20).default([]),
});
/** Links a call to a ticket and/or to the resident the agent picked among the caller-ID candidates. */
export const CallLinkArgs = z.object({
  id: Uuid,
  ticketId: Uuid.optional(),
  residentId: line(64, { trim: true, min: 1 }).optional(),
});
export const PresenceSetArgs = z.object({
  state: PresenceState,
  /** The call that put the agent on_call / wrap_up. */
  callId: Uuid.nullable().default(null),
  /** Seconds of wrap-up before the agent is available again (wrap_up only). */
  wrapUpSeconds: z.number().int().min(0).max(3600).optional(),
});

export const CALL_MUTATION_ARGS = {
  'call.event': CallEventArgs,
  'call.claimCallback': CallClaimCallbackArgs,
  'call.callbackResult': CallCallbackResultArgs,
  'call.wrapUp': CallWrapUpArgs,
  'call.link': CallLinkArgs,
} as const;
export type CallActionName = Exclude<keyof typeof CALL_MUTATION_ARGS, 'call.event'>;
