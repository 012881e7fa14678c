/**
 * Zammad's "CTI (generic)" API (app/controllers/integration/cti_controller.rb, app/models/cti/driver/base.rb and
 * cti/log.rb; docs api/generic-cti), so PBX scripts written for Zammad work unchanged: the same parameters, causes,
 * checks in the same order and the same replies. Each request becomes envelopes of the internal protocol
 * (source `zammad`, ids derived from callId + event so a retried webhook is a duplicate, time = server now).
 */
import { z } from 'zod';
import { CallEvent, type CallEventInput } from '../../common/calls/envelope';
import { CALL_END_CAUSES, type CallEndCause } from '../../common/domain';

export const ZAMMAD_SOURCE = 'zammad';

/** Zammad's own error texts. */
export const ZAMMAD_ERRORS = {
  disabled: 'Feature is disabled, please contact your administrator!',
  token: 'Invalid token, please contact your admin!',
  direction: 'Invalid direction!',
  event: 'Invalid event!',
  callId: 'Missing callId!',
} as const;

/** Form and JSON values alike: JSON scripts send numbers for ids and numbers now and then. */
const Scalar = z.union([z.string(), z.number()]).transform(String);
const Users = z.union([Scalar, z.array(Scalar).max(100)]);

const ZammadParams = z.looseObject({
  event: Scalar.optional(),
  direction: Scalar.optional(),
  from: Scalar.optional(),
  to: Scalar.optional(),
  callId: Scalar.optional(),
  call_id: Scalar.optional(),
  user: Users.optional(),
  queue: Scalar.optional(),
  answeringNumber: Scalar.optional(),
  cause: Scalar.optional(),
});

export type ZammadRequest =
  | { ok: true; event: 'newCall' | 'answer' | 'hangup'; direction: 'in' | 'out'; envelope: CallEventInput }
  | { ok: false; status: 400 | 422; body: { error: string; details?: unknown } };

const EVENTS = ['newCall', 'answer', 'hangup'] as const;
type ZammadEvent = (typeof EVENTS)[number];
const isEvent = (s: string | undefined): s is ZammadEvent => (EVENTS as readonly string[]).includes(s ?? '');

const fail = (status: 400 | 422, error: string, details?: unknown): ZammadRequest => ({
  ok: false,
  status,
  body: details === undefined ? { error } : { error, details },
});

/** A cause Zammad knows (normalClearing, busy, cancel, noAnswer, congestion, notFound, forwarded); else `failed`. */
function causeOf(cause: string | undefined): CallEndCause {
  if (!cause) return 'normalClearing';
  return (CALL_END_CAUSES as readonly string[]).includes(cause) ? (cause as CallEndCause) : 'failed';
}

const list = (users: string | string[] | undefined): string[] =>
  (Array.isArray(users) ? users : users === undefined ? [] : [users]).map((u) => u.trim()).filter((u) => u !== '');

/** The agent who answered: `answeringNumber` (extension, username…), else the one `user` named. */
function answeredBy(answeringNumber: string | undefined, users: string[]): string | undefined {
  if (answeringNumber?.trim()) return answeringNumber.trim();
  return users.length === 1 ? users[0] : undefined;
}

/** Validates a request's parameters as Zammad does (direction first) and maps it to one envelope. */
export function parseZammadRequest(body: unknown, now: Date): ZammadRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(400, 'invalid_request', { reason: 'expected an object of parameters' });
  }
  const parsed = ZammadParams.safeParse(body);
  if (!parsed.success) return fail(400, 'invalid_request', parsed.error.issues);
  const p = parsed.data;
  if (p.direction !== 'in' && p.direction !== 'out') return fail(422, ZAMMAD_ERRORS.direction);
  if (!isEvent(p.event)) return fail(422, ZAMMAD_ERRORS.event);
  const callId = (p.callId ?? p.call_id)?.trim();
  if (!callId) return fail(422, ZAMMAD_ERRORS.callId);

  const users = list(p.user);
  const base = {
    v: 1 as const,
    eventId: `${ZAMMAD_SOURCE}:${callId}:${p.event}`,
    callId,
    ts: now.toISOString(),
    source: ZAMMAD_SOURCE,
    direction: p.direction === 'in' ? ('inbound' as const) : ('outbound' as const),
    ...(p.from !== undefined ? { from: p.from } : {}),
    ...(p.to !== undefined ? { to: p.to } : {}),
  };
  let envelope: CallEventInput;
  if (p.event === 'newCall') {
    envelope = {
      ...base,
      type: 'call.ringing',
      from: p.from ?? '',
      ...(p.queue ? { queue: p.queue } : {}),
      ...(users.length > 0 ? { offeredTo: users } : {}),
    };
  } else if (p.event === 'answer') {
    const by = answeredBy(p.answeringNumber, users);
    envelope = { ...base, type: 'call.answered', ...(by ? { answeredBy: by } : {}) };
  } else {
    envelope = { ...base, type: 'call.ended', cause: causeOf(p.cause) };
  }
  // The envelope's own rules (lengths, no control characters, valid Unicode) apply to Zammad's fields too.
  const checked = CallEvent.safeParse(envelope);
  if (!checked.success) return fail(400, 'invalid_request', checked.error.issues);
  return { ok: true, event: p.event, direction: p.direction, envelope };
}

/** The hangup Zammad's reject implies (the PBX refuses the call): the record ends at once as blocked. */
export function rejectedEnvelope(ringing: CallEventInput): CallEventInput {
  return {
    v: 1,
    eventId: `${ringing.eventId}:rejected`,
    callId: ringing.callId,
    ts: ringing.ts,
    source: ringing.source,
    ...(ringing.direction ? { direction: ringing.direction } : {}),
    ...(ringing.from !== undefined ? { from: ringing.from } : {}),
    ...(ringing.to !== undefined ? { to: ringing.to } : {}),
    type: 'call.ended',
    cause: 'rejected',
  };
}
