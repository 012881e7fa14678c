/**
 * The one internal call-event protocol (DESIGN.md §6): every adapter (PBX webhook, Zammad-compatible endpoint,
 * the desk's local hook, baresip, Asterisk AMI) turns what it hears into these envelopes. Pure zod: the server,
 * the desk host and the tests parse the same schema.
 */
import { z } from 'zod';
import { CallDirection, CallEndCause } from '../domain';
import { isoDateTime, line } from '../input';

export { CallEndCause };

export const CALL_EVENT_VERSION = 1;

export const CALL_EVENT_TYPES = [
  'call.ringing',
  'call.answered',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.ended',
  'call.recording',
] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/**
 * Reporters whose ids never become a call's primary id when a PBX reported the same call (§6 "one call, many
 * reporters"): the agent's own softphone, directly (baresip) or through the local hook.
 */
export const SOFTPHONE_SOURCES = ['baresip', 'hook', 'softphone'] as const;
export function isSoftphoneSource(source: string): boolean {
  return (SOFTPHONE_SOURCES as readonly string[]).includes(source);
}

// Every text is one printable line of valid Unicode (common/input line): a PBX's garbage must not reach the database.
const Id = line(128, { trim: true, min: 1 });
/** A phone number or SIP user as reported ("13800138000", "+86 21 5555 1234", "anonymous"). */
const Number = line(64, { trim: true });
/** An agent as the reporter names them: username, display name, extension or user id. */
const AgentRef = line(64, { trim: true, min: 1 });
const Iso = isoDateTime();

/**
 * Facts every event may carry, so that a call first heard of by its hangup (§6: `ended` without `ringing` still
 * creates a record) still has its direction and numbers.
 */
const common = {
  v: z.literal(CALL_EVENT_VERSION),
  eventId: Id,
  callId: Id,
  /** One reporter's channel of the call (an AMI channel, a softphone's dialog); defaults to `source:callId`. */
  legId: Id.optional(),
  ts: Iso,
  /** Who reported it: `pbx`, `zammad`, `ami`, `baresip`, `hook`, … (free text; softphones see SOFTPHONE_SOURCES). */
  source: line(32, { trim: true, min: 1 }),
  /** The SIP Call-ID where the reporter knows it: the strongest correlation key between reporters. */
  sipCallId: line(256).optional(),
  direction: CallDirection.optional(),
  from: Number.optional(),
  to: Number.optional(),
  /**
   * The agent this reporter speaks for (a softphone's extension): with the caller's number, what ties a
   * softphone's report to the PBX's when there is no SIP Call-ID (common/calls/correlate).
   */
  agent: AgentRef.optional(),
};

export const CallRinging = z.object({
  ...common,
  type: z.literal('call.ringing'),
  direction: CallDirection,
  from: Number,
  to: Number.optional(),
  callerName: line(128).optional(),
  queue: line(64).optional(),
  /** The agents the call is offered to (extension, username, display name or id). */
  offeredTo: z.array(AgentRef).max(100).optional(),
});
export const CallAnswered = z.object({ ...common, type: z.literal('call.answered'), answeredBy: AgentRef.optional() });
export const CallHeld = z.object({ ...common, type: z.literal('call.held') });
export const CallResumed = z.object({ ...common, type: z.literal('call.resumed') });
export const CallTransferred = z.object({
  ...common,
  type: z.literal('call.transferred'),
  kind: z.enum(['blind', 'attended']),
  target: AgentRef,
});
export const CallEnded = z.object({
  ...common,
  type: z.literal('call.ended'),
  cause: CallEndCause.default('normalClearing'),
  /** ITU-T Q.850 cause code where the PBX gives one (16 normal clearing, 17 busy, 19 no answer, …). */
  q850: z.number().int().min(0).max(127).optional(),
});
export const CallRecording = z.object({ ...common, type: z.literal('call.recording'), url: line(2048).pipe(z.url()) });

export const CallEvent = z.discriminatedUnion('type', [
  CallRinging,
  CallAnswered,
  CallHeld,
  CallResumed,
  CallTransferred,
  CallEnded,
  CallRecording,
]);
export type CallEvent = z.infer<typeof CallEvent>;
export type CallEventInput = z.input<typeof CallEvent>;
export type CallEventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;

/** `POST /api/v1/cti/events` and the local hook take one envelope or a batch. */
export const MAX_CALL_EVENT_BATCH = 100;
export const CallEventBatch = z.union([CallEvent, z.array(CallEvent).min(1).max(MAX_CALL_EVENT_BATCH)]);

/** The leg id of an event: its own, or one per reporter and reporter's call id. */
export function legIdOf(e: Pick<CallEvent, 'legId' | 'source' | 'callId'>): string {
  return e.legId ?? `${e.source}:${e.callId}`;
}
