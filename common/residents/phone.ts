/**
 * Phone numbers in any written form (DESIGN.md §6: libphonenumber-js, default region CN): E.164 for exact
 * matches, and a digits key whose reversal lets a partial number (last ≥ 4 digits) match by index range.
 * And the one display form of a number (formatPhoneForDisplay), and the one masked form (maskPhone) that every
 * list, pull, call log and directory page carries instead of the number (issue 11 §4). Pure: shared by the server
 * (stored keys, the wire), the desk host (lookup) and the renderer (display; it loads this module in a chunk of its
 * own, see PhoneText).
 */
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js';
import type { PhoneHasher } from './phone-hash';
import { normalizeInput } from './text';

export const PHONE_REGION = 'CN';
/** Fewer trailing digits than this match too many numbers to be useful. */
export const MIN_PHONE_SUFFIX_DIGITS = 4;

/**
 * "(0)21 5555 1234": the bracketed trunk prefix is optional to dial; libphonenumber wants it written out.
 * "010-8888 6666 转 123" / "分机 123": Chinese for "extension", written the way libphonenumber reads one.
 */
function clean(raw: string): string {
  return normalizeInput(raw)
    .replace(/^\(0\)\s*/, '0')
    .replace(/\s*(?:转|分机号?)\s*(?=\d)/, ' ext. ');
}

/** A landline's extension after a dash, "010-8888 6666-123" (mobiles have none; "138-0013-8000" is grouping). */
const DASH_EXTENSION = /^(.*\d)\s*-\s*(\d{1,6})$/;
const CN_MOBILE = /^1[3-9]\d{9}$/;
/** Area code (10 and 2X, or three digits elsewhere) and a 7–8 digit local number, as a national number. */
const CN_LANDLINE = /^(?:(?:10|2\d)\d{8}|[3-9]\d{9,10})$/;

/** The number a written phone stands for (with its extension, if written), or null if it is not a valid one. */
function parseValid(raw: string): PhoneNumber | null {
  // A masked number stands for no number: "138 **** 8000" must never parse as the digits that are left.
  if (isMaskedPhone(raw)) return null;
  const text = clean(raw);
  if (!text) return null;
  // Before the whole: "0571-8765432-1" is 0571 876 5432 ext. 1, though 0571 8765 4321 would be valid too.
  return dashExtension(text) ?? parseWritten(text);
}

/** "010-8888 6666-123": a valid landline, then a dash and an extension; null for anything else. */
function dashExtension(text: string): PhoneNumber | null {
  const dashed = DASH_EXTENSION.exec(text);
  if (!dashed) return null;
  const base = parseWritten(dashed[1] as string);
  if (!base || base.ext || base.countryCallingCode !== '86' || !CN_LANDLINE.test(String(base.nationalNumber))) {
    return null;
  }
  return parsePhoneNumberFromString(`${base.number} ext. ${dashed[2]}`) ?? null;
}

function parseWritten(text: string): PhoneNumber | null {
  const parsed = parsePhoneNumberFromString(text, PHONE_REGION);
  if (parsed?.isValid()) return parsed;
  // "8613800138000": the country code without "+" or "00".
  const digits = text.replace(/\D/g, '');
  if (digits.startsWith('86') && digits.length > 10) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international;
  }
  return null;
}

export function toE164(raw: string): string | null {
  return parseValid(raw)?.number ?? null;
}

export interface PhoneParts {
  e164: string;
  /** Digits as dialled within the country: "13800138000", "01088886666" (trunk 0 and area code). */
  national: string;
  /** Written after "ext.", "x", "转", "分机", or a dash after a landline. */
  extension?: string;
}

/** A written phone's number and extension, or null if it is not a valid number. */
export function parsePhone(raw: string): PhoneParts | null {
  const parsed = parseValid(raw);
  if (!parsed) return null;
  const nsn = String(parsed.nationalNumber);
  const national =
    parsed.countryCallingCode === '86'
      ? dialledInChina(nsn)
      : parsed.formatNational({ formatExtension: () => '' }).replace(/\D/g, '');
  return parsed.ext ? { e164: parsed.number, national, extension: parsed.ext } : { e164: parsed.number, national };
}

/** Mobiles and nationwide service numbers (400/800) are dialled as they are; landlines with the trunk 0. */
function dialledInChina(nsn: string): string {
  return CN_MOBILE.test(nsn) || /^[48]00\d{7}$/.test(nsn) ? nsn : `0${nsn}`;
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
const MASKED_CHARS = /^[+\d\s*().-]+$/;

/**
 * What a typed phone number asks for: the exact number, or numbers ending in the typed digits; null if neither.
 * A masked number ("138 **** 8000", e.g. a call's caller handed to intake) asks for the digits it still shows at
 * its end.
 */
export function parsePhoneQuery(text: string): PhoneQuery | null {
  const cleaned = clean(text);
  if (isMaskedPhone(cleaned)) {
    if (!MASKED_CHARS.test(cleaned)) return null;
    const digits = maskedSuffix(cleaned);
    return digits.length >= MIN_PHONE_SUFFIX_DIGITS ? { kind: 'suffix', digits } : null;
  }
  if (!PHONE_CHARS.test(cleaned)) return null;
  const key = phoneKey(cleaned);
  if (key.e164) return { kind: 'exact', e164: key.e164, digits: key.digits };
  const digits = cleaned.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_SUFFIX_DIGITS ? { kind: 'suffix', digits } : null;
}

/** Digits in groups: `group('13813905272', [3, 4])` → "138 1390 5272" (the rest is the last group). */
function group(digits: string, sizes: readonly number[]): string {
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (size <= 0 || at + size >= digits.length) break;
    out.push(digits.slice(at, at + size));
    at += size;
  }
  out.push(digits.slice(at));
  return out.join(' ');
}

/** A mainland number's national significant number as written in China. */
function formatChinese(national: string): string {
  // Mobiles 3-4-4: "138 1390 5272".
  if (/^1\d{10}$/.test(national)) return group(national, [3, 4]);
  // Nationwide service numbers 3-3-4: "400 812 3456", "800 820 8820".
  if (/^[48]00\d{7}$/.test(national)) return group(national, [3, 3]);
  // Landlines: the trunk 0 and the area code (010 and 02X: Beijing and the big cities; 0XXX elsewhere), then the
  // local number 4-4 ("010 8888 6666", "0755 2345 6789"), or 3-4 when it has 7 digits ("0571 876 5432").
  const areaLength = /^(10|2\d)/.test(national) ? 2 : 3;
  const local = national.slice(areaLength);
  return `0${national.slice(0, areaLength)} ${group(local, [local.length - 4])}`;
}

/**
 * The one form a phone number takes on screen (issue 9): mainland numbers as dialled within China, grouped as is
 * usual there (mobiles "138 1390 5272", landlines with their area code "010 8888 6666" / "0755 2345 6789", service
 * numbers "400 812 3456"); other countries' numbers in international format ("+1 415 555 2671"); whatever is not a
 * valid number (short codes like 95588, typos, text) exactly as written.
 */
export function formatPhoneForDisplay(raw: string): string {
  // parseValid reads no masked number: it is shown as it is.
  const parsed = parseValid(raw);
  if (!parsed) return raw;
  const shown = displayNumber(parsed);
  return parsed.ext ? `${shown} ext. ${parsed.ext}` : shown;
}

function displayNumber(parsed: PhoneNumber): string {
  return parsed.countryCallingCode === '86'
    ? formatChinese(String(parsed.nationalNumber))
    : parsed.formatInternational({ formatExtension: (number) => number });
}

/** The character that hides a digit in a masked number. */
export const MASK_CHAR = '*';

/** Whether `text` is already masked (maskPhone's output, or anything else with hidden digits). */
export function isMaskedPhone(text: string): boolean {
  return text.includes(MASK_CHAR);
}

/**
 * The digits a masked number still shows after its last hidden one ("138 **** 8000" → "8000"): what a suffix
 * search can match on (maskPhone keeps at least MIN_PHONE_SUFFIX_DIGITS of a number of 7 digits or more).
 */
export function maskedSuffix(masked: string): string {
  return masked.slice(masked.lastIndexOf(MASK_CHAR) + 1).replace(/\D/g, '');
}

/**
 * The one masked form of a phone number (issue 11 §4, PIPL "minimum necessary"): what lists, search results, call
 * logs, pulls and the residents directory carry instead of the number — enough to confirm with the caller, and the
 * last 4 digits for a suffix search; the whole number only on an audited reveal. The display form with its middle
 * groups hidden ("138 **** 8000", "010 **** 6666", "+1 *** *** 2671"; an extension is left out); anything else
 * keeps its first 3 and last 4 digits ("955****8800"), a short number its last 2 ("**01"); text without a digit
 * stays as it is. Idempotent: a masked number is returned as it is, so every layer may mask what it passes on.
 */
export function maskPhone(raw: string): string {
  // No digit, no number: "anonymous", "未知" stay readable (common/calls/caller-id tells them apart).
  if (isMaskedPhone(raw) || !/\d/.test(raw)) return raw;
  const parsed = parseValid(raw);
  const groups = parsed ? displayNumber(parsed).split(' ') : [];
  if (groups.length >= 3) {
    const hidden = groups.slice(1, -1).map((g) => g.replace(/\d/g, MASK_CHAR));
    return [groups[0], ...hidden, groups.at(-1)].join(' ');
  }
  const { digits } = phoneKey(raw);
  if (digits.length < 7) return digits.replace(/\d(?=\d{2})/g, MASK_CHAR);
  return `${digits.slice(0, 3)}${MASK_CHAR.repeat(4)}${digits.slice(-4)}`;
}

/** maskPhone for a nullable field. */
export function maskPhoneOrNull(raw: string | null): string | null {
  return raw === null ? null : maskPhone(raw);
}

/** The keyed hash (common/residents/phone-hash) of a written number; null when it has no E.164 form or is masked. */
export function phoneHashOf(hash: PhoneHasher, raw: string | null | undefined): string | null {
  const e164 = raw ? toE164(raw) : null;
  return e164 ? hash(e164) : null;
}
