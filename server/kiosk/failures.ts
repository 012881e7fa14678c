/**
 * Wrong-digits limits of the kiosk (issue 12 §4): the last four digits of a phone are only 10,000 guesses, so
 * wrong tries are counted per kiosk and per ticket (or unit) in the database — they survive a restart and hold
 * across server nodes — and a subject over its limit is refused before its digits are even compared.
 */
import type { Queryable } from '../db/driver';
import { toIso, type Row } from '../db/rows';

export interface FailureLimit {
  /** Wrong tries allowed in one window. */
  max: number;
  windowMs: number;
}

/** A kiosk serves a whole lobby: more slack than one ticket, which only its resident has reason to try. */
export const KIOSK_FAILURE_LIMITS = {
  kiosk: { max: 20, windowMs: 15 * 60_000 },
  subject: { max: 5, windowMs: 15 * 60_000 },
} as const satisfies Record<string, FailureLimit>;

export type FailureLimits = { kiosk: FailureLimit; subject: FailureLimit };

export const kioskSubject = (kioskUserId: string) => `kiosk:${kioskUserId}`;

/** Whether `subject` used up its wrong tries in the current window. */
export async function isLockedOut(q: Queryable, subject: string, limit: FailureLimit, now: Date): Promise<boolean> {
  const { rows } = await q.query<Row>('SELECT window_start, failures FROM kiosk_failed_attempts WHERE subject = $1', [
    subject,
  ]);
  const row = rows[0];
  if (!row) return false;
  const fresh = now.getTime() - new Date(toIso(row.window_start)).getTime() < limit.windowMs;
  return fresh && Number(row.failures) >= limit.max;
}

/** Counts one wrong try; a window that has run out starts again at this one. */
export async function recordFailure(q: Queryable, subject: string, limit: FailureLimit, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - limit.windowMs).toISOString();
  await q.query(
    `INSERT INTO kiosk_failed_attempts (subject, window_start, failures) VALUES ($1, $2, 1)
     ON CONFLICT (subject) DO UPDATE SET
       failures = CASE WHEN kiosk_failed_attempts.window_start <= $3 THEN 1 ELSE kiosk_failed_attempts.failures + 1 END,
       window_start = CASE WHEN kiosk_failed_attempts.window_start <= $3 THEN $2 ELSE kiosk_failed_attempts.window_start END`,
    [subject, now.toISOString(), cutoff],
  );
}
