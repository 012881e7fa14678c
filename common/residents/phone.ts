/**
 * Phone numbers in any written form (DESIGN.md §6: libphonenumber-js, default region CN): E.164 for exact
 * matches, and a digits key whose reversal lets a partial number (last ≥ 4 digits) match by index range.
 * Pure: shared by the server (stored keys) and the desk host (lookup).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalizeInput } from './text';

export const PHONE_REGION = 'CN';
/** Fewer trailing digits than this match too many numbers to be useful. */
export const MIN_PHONE_SUFFIX_DIGITS = 4;

/** "(0)21 5555 1234": the bracketed trunk prefix is optional to dial; libphonenumber wants it written out. */
function clean(raw: string): string {
  return normalizeInput(raw).replace(/^\(0\)\s*/, '0');
}

export function toE164(raw: string): string | null {
  const text = clean(raw);
  if (!text) return null;
  const parsed = parsePhoneNumberFromString(text, PHONE_REGION);
  if (parsed?.isValid()) return parsed.number;
  // "8613800138000": the country code without "+" or "00".
  const digits = text.replace(/\D/g, '');
  if (digits.startsWith('86') && digits.length > 10) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international.number;
  }
  return null;
}

export interface PhoneKey {
  e164: string | null;
  /** The national significant number of a valid number ("13800138000", "2162345678"), else the raw digits. */
  digits: string;
}

export function phoneKey(raw: string): PhoneKey {
  const e164 = toE164(raw);
  const parsed = e164 ? parsePhoneNumberFromString(e164) : undefined;
  return { e164, digits: parsed ? String(parsed.nationalNumber) : clean(raw).replace(/\D/g, '') };
}

export type PhoneQuery = { kind: 'exact'; e164: string; digits: string } | { kind: 'suffix'; digits: string };

const PHONE_CHARS = /^[+\d\s().-]+$/;

/** What a typed phone number asks for: the exact number, or numbers ending in the typed digits; null if neither. */
export function parsePhoneQuery(text: string): PhoneQuery | null {
  const cleaned = clean(text);
  if (!PHONE_CHARS.test(cleaned)) return null;
  const key = phoneKey(cleaned);
  if (key.e164) return { kind: 'exact', e164: key.e164, digits: key.digits };
  const digits = cleaned.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_SUFFIX_DIGITS ? { kind: 'suffix', digits } : null;
}

/** Shown beside a name on screen: enough to confirm with the caller, not the whole number ("138****8000"). */
export function maskPhone(raw: string): string {
  const { digits } = phoneKey(raw);
  if (digits.length < 7) return digits.replace(/\d(?=\d{2})/g, '*');
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
