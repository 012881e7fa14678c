/**
 * A person's identity as it appears in stored text: their name and their phone numbers in the ways people write
 * them. Used to find their tickets and calls (digit keys) and to take their name and numbers out of free text
 * (titles, descriptions, notes, work-log entries) while the rest of the text stays. Pure.
 */
import { parsePhone } from '../../common/residents/phone';

export interface Identity {
  /** Names to replace in free text (shorter than 2 characters they would hit ordinary words: skipped). */
  names: readonly string[];
  /** Numbers as digit strings (national, with and without the country code). */
  numbers: readonly string[];
}

export const NO_IDENTITY: Identity = { names: [], numbers: [] };

/** What a number becomes in free text (and a name, where no neutral name stands for the person). */
export const REDACTED = '***';
const MIN_NAME_LENGTH = 2;
/** Shorter digit runs (extensions, room numbers, amounts) are not taken for phone numbers. */
const MIN_NUMBER_DIGITS = 7;

export const digitsOf = (text: string): string => text.replace(/\D/g, '');

/** Every digit string a written number may be stored as: as typed, national, and with the country code. */
export function numberKeys(raw: string, e164: string | null = null): string[] {
  const keys = new Set<string>();
  const typed = digitsOf(raw);
  if (typed) keys.add(typed);
  const parsed = parsePhone(raw);
  if (parsed) keys.add(parsed.national);
  const international = digitsOf(e164 ?? parsed?.e164 ?? '');
  if (international) {
    keys.add(international);
    // "+86 138…" written without the plus and the national trunk 0 dropped: "86138…".
    if (international.startsWith('86')) keys.add(international.slice(2));
  }
  return [...keys].filter((k) => k.length >= MIN_NUMBER_DIGITS);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A number written with any spaces, dashes, dots or brackets between its digits, not inside a longer number. */
function numberPattern(digits: string): string {
  return `(?<!\\d)${[...digits].join('[\\s\\-.()]?')}(?!\\d)`;
}

/** A function that takes the identity out of a text; the identity of nobody leaves texts as they are. */
export function redactor(who: Identity, nameReplacement: string): (text: string) => string {
  const names = who.names.filter((n) => n.length >= MIN_NAME_LENGTH);
  const numbers = who.numbers.filter((n) => n.length >= MIN_NUMBER_DIGITS);
  // Longest first: "8613800138000" before "13800138000", "张伟强" before "张伟".
  const byLength = (a: string, b: string) => b.length - a.length;
  const nameRe = names.length ? new RegExp([...names].sort(byLength).map(escapeRegExp).join('|'), 'gu') : null;
  const numberRe = numbers.length ? new RegExp([...numbers].sort(byLength).map(numberPattern).join('|'), 'gu') : null;
  return (text) => {
    let out = text;
    if (numberRe) out = out.replace(numberRe, REDACTED);
    if (nameRe) out = out.replace(nameRe, nameReplacement);
    return out;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every string inside a JSON value (a work-log entry's data) taken through `redact`; ids are left as they are. */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return UUID.test(value) ? value : redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactJson(v, redact)]));
  }
  return value;
}
