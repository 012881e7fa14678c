/**
 * A call record as it leaves the server and as the desk keeps it (issue 11 §4): its numbers masked
 * (common/residents/phone maskPhone) with their keyed hashes beside them, and no E.164. Idempotent: a masked
 * record keeps the hashes it came with, so each layer may apply it to what it passes on.
 */
import type { Call } from '../domain';
import type { CallEvent } from './envelope';
import type { PhoneHasher } from '../residents/phone-hash';
import { isMaskedPhone, maskPhone, maskPhoneOrNull, phoneHashOf } from '../residents/phone';

/** Seven digits or more: a phone number, not an extension (a transfer's target may be either). */
const OUTSIDE_NUMBER = /(?:\d\D*){7}/;

export function maskCall<C extends Call>(c: C, hash: PhoneHasher): C {
  const hashOf = (raw: string | null, e164: string | null, known: string | null) =>
    raw === null ? null : isMaskedPhone(raw) ? known : phoneHashOf(hash, e164 ?? raw);
  return {
    ...c,
    from: maskPhoneOrNull(c.from),
    to: maskPhoneOrNull(c.to),
    fromE164: null,
    fromHash: hashOf(c.from, c.fromE164, c.fromHash),
    toHash: hashOf(c.to, null, c.toHash),
    transfers: c.transfers.map((t) => (OUTSIDE_NUMBER.test(t.target) ? { ...t, target: maskPhone(t.target) } : t)),
  };
}

/**
 * A reported event with its numbers masked: what the desk correlates with its (masked) records — two reports of
 * one number mask alike. The event itself goes to the server whole.
 */
export function maskCallEvent(e: CallEvent): CallEvent {
  return {
    ...e,
    ...(e.from !== undefined && { from: maskPhone(e.from) }),
    ...(e.to !== undefined && { to: maskPhone(e.to) }),
  };
}
