/**
 * What a client may send, declared once (issue 11 §1): the building blocks of every text field, id, cursor, date
 * and query-string number in the desk contract, the sync mutations and the REST routes. The server and the desk
 * parse with the same blocks, so both refuse the same input with the same reason, and nothing malformed reaches
 * SQL (PostgreSQL refuses NUL and lone surrogates in text, and out-of-range dates, xid8s and bigints, with an
 * error that would otherwise surface as a 500).
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
/** Half of a UTF-16 surrogate pair without its other half: not a character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export const TEXT_RULES = {
  nul: 'must not contain NUL (U+0000)',
  unicode: 'must be valid Unicode (a lone UTF-16 surrogate is not a character)',
  control: 'must not contain control characters (tabs, line breaks, …)',
} as const;

/** Whether a string can be stored as text: valid Unicode without NUL. */
export function isStorableText(s: string): boolean {
  return !NUL.test(s) && !LONE_SURROGATE.test(s);
}

/** The text with NUL and lone surrogates replaced by U+FFFD and cut to `max`: for messages built from input. */
export function storableText(s: string, max = Infinity): string {
  // Cut first: a cut through a surrogate pair leaves a lone half, which the replacement then catches.
  const cut = s.length > max ? s.slice(0, max) : s;
  return cut.replace(new RegExp(NUL, 'g'), '\uFFFD').replace(new RegExp(LONE_SURROGATE, 'g'), '\uFFFD');
}

export interface TextOptions {
  /** Fewest characters (after trimming when `trim`); default 0. */
  min?: number;
  /** Strip leading and trailing white space first (what a user expects of a one-line field). */
  trim?: boolean;
}

function bounded(max: number, { min = 0, trim = false }: TextOptions) {
  const base = trim ? z.string().trim() : z.string();
  const sized = min > 0 ? base.min(min) : base;
  return sized
    .max(max)
    .refine((s) => !NUL.test(s), TEXT_RULES.nul)
    .refine((s) => !LONE_SURROGATE.test(s), TEXT_RULES.unicode);
}

/** Free text (notes, descriptions, comments): valid Unicode without NUL; line breaks and tabs are fine. */
export function text(max: number, options: TextOptions = {}) {
  return bounded(max, options);
}

/** One line (names, numbers, references, codes): like text, and without any control character. */
export function line(max: number, options: TextOptions = {}) {
  return bounded(max, options).refine((s) => !CONTROL.test(s), TEXT_RULES.control);
}

/** A uuid (ids of tickets, events, calls, users, sync clients): checked before it is bound as `::uuid`. */
export const Uuid = z.string().uuid();

/** The years a date in this domain may fall in; anything outside is a typo or garbage. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const yearInRange = (s: string) => {
  const year = Number(s.slice(0, 4));
  return year >= MIN_YEAR && year <= MAX_YEAR;
};
const YEAR_RULE = `year must be between ${MIN_YEAR} and ${MAX_YEAR}`;

/** An instant with its offset (ISO 8601), on a real calendar day of a year in [MIN_YEAR, MAX_YEAR]. */
export function isoDateTime() {
  return z.iso.datetime({ offset: true }).refine(yearInRange, YEAR_RULE);
}

/** A calendar date YYYY-MM-DD that exists (no 2024-02-30), of a year in [MIN_YEAR, MAX_YEAR]. */
export function calendarDate() {
  return z.iso.date().refine(yearInRange, YEAR_RULE);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * An instant as ISO 8601 or as PostgreSQL prints a timestamptz ("2026-05-01 10:00:00.123456+08"): a real date
 * and time of a year in [MIN_YEAR, MAX_YEAR]. Keyset cursors carry these.
 */
export function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < MIN_YEAR || year > MAX_YEAR || hour > 23 || minute > 59 || second > 59) return false;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const ms = Date.UTC(year, month - 1, day);
  return month >= 1 && month <= 12 && new Date(ms).toISOString().slice(0, 10) === date;
}

/** Digits a query-string number may have: enough for any limit or offset, never an over-long number. */
export const MAX_QUERY_DIGITS = 9;

/**
 * A whole number from a query string ("50") or JSON (50), within [min, max]. Only plain digits: no "1e3", "0x10",
 * " 5" or 30-digit numbers.
 */
export function queryInt(min: number, max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(new RegExp(`^\\d{1,${MAX_QUERY_DIGITS}}$`), `a whole number of at most ${MAX_QUERY_DIGITS} digits`)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
}

/** PostgreSQL's xid8 (a 64-bit transaction id) and bigint (a sequence number). */
export const XID8_MAX = 2n ** 64n - 1n;
export const BIGINT_MAX = 2n ** 63n - 1n;

/** A position in a change order, "xid:seq" (xid8, bigint); both checked against their types' ranges. */
export interface LogPosition {
  xid: string;
  seq: string;
}

const LOG_POSITION = /^(\d{1,20}):(\d{1,19})$/;

/** "xid:seq" as a position, or null when it is not one (wrong shape, or a number beyond its type). */
export function parseLogPosition(s: string): LogPosition | null {
  const m = LOG_POSITION.exec(s);
  if (!m?.[1] || !m[2]) return null;
  if (BigInt(m[1]) > XID8_MAX || BigInt(m[2]) > BIGINT_MAX) return null;
  // Leading zeros carry no meaning: a canonical form keeps cursors comparable as text.
  return { xid: BigInt(m[1]).toString(), seq: BigInt(m[2]).toString() };
}

/** The directory cursor as sent: "xid:seq" within xid8 and bigint. */
export const LogPositionText = z
  .string()
  .max(41)
  .refine((s) => parseLogPosition(s) !== null, 'not a change-order position "xid:seq" (xid8, bigint)');

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url → text (ASCII cursors only), or null. Portable: no Buffer in common/. */
export function decodeBase64Url(s: string): string | null {
  if (!BASE64URL.test(s) || s.length % 4 === 1) return null;
  try {
    return atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  } catch {
    return null;
  }
}

/** ASCII text → base64url without padding. */
export function encodeBase64Url(s: string): string {
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A keyset page position: the last row's timestamp and id (list order `(at DESC, id DESC)`). */
export interface KeysetPosition {
  at: string;
  id: string;
}

export function encodeKeyset(p: KeysetPosition): string {
  return encodeBase64Url(JSON.stringify([p.at, p.id]));
}

/** A keyset cursor as a position, or null when it is not one of ours (or names an impossible instant). */
export function decodeKeyset(cursor: string): KeysetPosition | null {
  const json = decodeBase64Url(cursor);
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !isTimestamp(at) || !Uuid.safeParse(id).success) return null;
  return { at, id: id as string };
}

/** A list cursor as sent (opaque base64url), decoded to its position; anything else is refused. */
export const KeysetCursor = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const position = decodeKeyset(s);
    if (position) return position;
    ctx.addIssue({ code: 'custom', message: 'Invalid cursor' });
    return z.NEVER;
  });
