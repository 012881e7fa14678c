/**
 * Records as clients get them (issue 11 §4, minimum necessary): every phone number masked (common/residents/phone
 * maskPhone), with its keyed hash where a console matches numbers; the whole number only through an audited reveal
 * (./reveal.ts). The kiosk, a shared lobby device, gets no number at all. The pull's tickets are masked in the
 * database instead (the wire column, migration 0010), from the same function; calls by common/calls/mask.
 */
import type { Resident, ResidentSummary, Role, Ticket } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { maskPhone, maskPhoneOrNull, phoneHashOf } from '../../common/residents/phone';

/** Roles that see no number, not even masked. */
const NO_NUMBERS: readonly Role[] = ['kiosk'];

export function ticketForClient(t: Ticket, role: Role): Ticket {
  return { ...t, phone: NO_NUMBERS.includes(role) ? null : maskPhoneOrNull(t.phone), phoneHash: null };
}

export function residentSummary(r: Resident, hash: PhoneHasher): ResidentSummary {
  return { ...r, phones: r.phones.map((p) => ({ shown: maskPhone(p.raw), hash: phoneHashOf(hash, p.e164 ?? p.raw) })) };
}
