/**
 * The one check both resident flows share: the digits typed at the kiosk must match a phone on file, with wrong
 * tries counted per kiosk and per subject (./failures). The answer to a wrong try never says which part was wrong.
 */
import { KIOSK_ERRORS } from '../../common/kiosk/api';
import type { Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { isLockedOut, kioskSubject, recordFailure, type FailureLimits } from './failures';

/** Digits only, so "138 0013 8000", "+8613800138000" and "021-6234 5678" all end in their last four. */
export function endsWithDigits(phone: string | null | undefined, last4: string): boolean {
  return typeof phone === 'string' && phone.replace(/\D/g, '').endsWith(last4);
}

export const tooManyTries = () =>
  new HttpError(429, KIOSK_ERRORS.tooManyTries, { message: 'Too many wrong tries: please ask at the counter' });
export const notMatched = () =>
  new HttpError(422, KIOSK_ERRORS.notMatched, { message: 'The details do not match our records' });

/**
 * Runs `match` (true when the details fit) under the limits of this kiosk and `subject`; a miss is counted and
 * refused. The counts are written outside the caller's transaction so a refusal cannot roll them back.
 */
export async function guardedMatch<T>(
  q: Queryable,
  opts: { kioskUserId: string; subject: string; limits: FailureLimits; now: Date },
  match: () => Promise<T | null>,
): Promise<T> {
  const kiosk = kioskSubject(opts.kioskUserId);
  if (
    (await isLockedOut(q, kiosk, opts.limits.kiosk, opts.now)) ||
    (await isLockedOut(q, opts.subject, opts.limits.subject, opts.now))
  ) {
    throw tooManyTries();
  }
  const found = await match();
  if (found !== null) return found;
  await recordFailure(q, kiosk, opts.limits.kiosk, opts.now);
  await recordFailure(q, opts.subject, opts.limits.subject, opts.now);
  throw notMatched();
}
