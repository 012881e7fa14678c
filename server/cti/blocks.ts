/**
 * The block list (callers refused at the Zammad-compatible endpoint, kept by leads and admins, each with a reason
 * and an optional expiry) and the outbound caller-ID rules (admins; Zammad's routing table: a destination pattern
 * with `*` wildcards → the caller ID to present). Numbers are stored as E.164 where they parse.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { User } from '../../common/domain';
import { isoDateTime, line } from '../../common/input';
import type { Queryable } from '../db/driver';
import { toIsoOrNull, type Row } from '../db/rows';
import { HttpError } from '../http/errors';
import { toE164 } from '../residents/phone';

export const NewBlock = z.object({
  number: line(32, { trim: true, min: 3 }),
  reason: line(200, { trim: true, min: 1 }),
  expiresAt: isoDateTime().nullable().default(null),
});

export interface CallBlock {
  id: string;
  e164: string;
  reason: string;
  expiresAt: string | null;
  createdBy: string | null;
  createdAt: string;
}

const blockFromRow = (r: Row): CallBlock => ({
  id: String(r.id),
  e164: String(r.e164),
  reason: String(r.reason),
  expiresAt: toIsoOrNull(r.expires_at),
  createdBy: r.created_by == null ? null : String(r.created_by),
  createdAt: toIsoOrNull(r.created_at) ?? '',
});

/** The key a number is blocked under: its E.164 form, else its digits as written (e.g. a short internal number). */
export function blockKey(number: string): string | null {
  const e164 = toE164(number);
  if (e164) return e164;
  const digits = number.replace(/[^\d+]/g, '');
  return digits.length >= 3 ? digits : null;
}

export async function listBlocks(q: Queryable, now: Date): Promise<CallBlock[]> {
  const { rows } = await q.query<Row>(
    `SELECT id, e164, reason, expires_at, created_by, created_at FROM call_blocks
      WHERE expires_at IS NULL OR expires_at > $1 ORDER BY created_at DESC, id`,
    [now.toISOString()],
  );
  return rows.map(blockFromRow);
}

/** Blocks a number (again: a new reason and expiry replace the old ones). */
export async function addBlock(
  q: Queryable,
  input: z.output<typeof NewBlock>,
  by: User,
  now: Date,
): Promise<CallBlock> {
  const key = blockKey(input.number);
  if (!key) throw new HttpError(400, 'invalid_request', { reason: 'not_a_phone_number' });
  if (input.expiresAt !== null && Date.parse(input.expiresAt) <= now.getTime()) {
    throw new HttpError(400, 'invalid_request', { reason: 'expiry_in_the_past' });
  }
  const { rows } = await q.query<Row>(
    `INSERT INTO call_blocks (id, e164, reason, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (e164) DO UPDATE SET reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at,
       created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at
     RETURNING id, e164, reason, expires_at, created_by, created_at`,
    [randomUUID(), key, input.reason, input.expiresAt, by.id, now.toISOString()],
  );
  return blockFromRow(rows[0] as Row);
}

export async function removeBlock(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM call_blocks WHERE id = $1 RETURNING id', [id])).rows.length > 0;
}

/** Whether the caller is on the block list now. */
export async function isBlocked(q: Queryable, from: string, now: Date): Promise<boolean> {
  return (await areBlocked(q, [{ from, now }]))[0] ?? false;
}

/** isBlocked for many callers, each at its own time, in one statement. */
export async function areBlocked(q: Queryable, asks: ReadonlyArray<{ from: string; now: Date }>): Promise<boolean[]> {
  const keys = asks.map((a) => blockKey(a.from));
  const wanted = asks.flatMap((a, i) => (keys[i] ? [i] : []));
  if (wanted.length === 0) return asks.map(() => false);
  const { rows } = await q.query<{ n: number }>(
    `SELECT t.n FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS t(e164, at, n)
      WHERE EXISTS (SELECT 1 FROM call_blocks b WHERE b.e164 = t.e164 AND (b.expires_at IS NULL OR b.expires_at > t.at))`,
    [wanted.map((i) => keys[i]), wanted.map((i) => asks[i]?.now.toISOString()), wanted],
  );
  const blocked = new Set(rows.map((r) => Number(r.n)));
  return asks.map((_, i) => blocked.has(i));
}

export const CallerIdRule = z.object({
  /** A dialled number with `*` wildcards, e.g. `021*` or `+8621*` or `*` (the default). */
  pattern: line(32, { trim: true }).pipe(z.string().regex(/^[0-9+*#]{1,32}$/, 'digits, +, # and * only')),
  callerId: line(32, { trim: true }).pipe(z.string().regex(/^\+?[0-9]{3,20}$/, 'a phone number')),
  note: line(200, { trim: true }).default(''),
});
export type CallerIdRule = z.output<typeof CallerIdRule>;
export const CallerIdRules = z.object({ rules: z.array(CallerIdRule).max(200) });

export async function listCallerIdRules(q: Queryable): Promise<CallerIdRule[]> {
  const { rows } = await q.query<Row>('SELECT pattern, caller_id, note FROM caller_id_rules ORDER BY position');
  return rows.map((r) => ({ pattern: String(r.pattern), callerId: String(r.caller_id), note: String(r.note) }));
}

/** Replaces the whole table: the order given is the order rules are tried in. */
export async function replaceCallerIdRules(q: Queryable, rules: readonly CallerIdRule[]): Promise<void> {
  await q.query('DELETE FROM caller_id_rules');
  if (rules.length === 0) return;
  await q.query(
    `INSERT INTO caller_id_rules (position, pattern, caller_id, note)
     SELECT n, pattern, caller_id, note FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
       AS t(pattern, caller_id, note, n)`,
    [rules.map((r) => r.pattern), rules.map((r) => r.callerId), rules.map((r) => r.note)],
  );
}

/** Like Zammad's routing table: `*` stands for any digits, the whole number must match. */
export function patternMatches(pattern: string, number: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\#]/g, '\\$&').replace(/\*/g, '.*?');
  return new RegExp(`^${escaped}$`).test(number);
}

/** The caller ID the first matching rule gives a dialled number, tried as written and as E.164. */
export function callerIdFor(rules: readonly CallerIdRule[], to: string): string | null {
  const forms = [to, toE164(to)].filter((f): f is string => !!f);
  return rules.find((r) => forms.some((f) => patternMatches(r.pattern, f)))?.callerId ?? null;
}
