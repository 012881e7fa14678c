/**
 * The caller's number as a PBX, a softphone or a hook reports it (DESIGN.md §6, issue 10 item 5): any written
 * form of a phone (common/residents/phone.ts reads those), a SIP or tel URI around it, or a word saying the
 * number is withheld. Pure and total: every input gives an answer, none throws.
 */
import { formatPhoneForDisplay, parsePhone } from '../residents/phone';

export type ParsedCaller =
  | { kind: 'number'; e164: string; national: string; extension?: string }
  | { kind: 'withheld' }
  | { kind: 'invalid'; raw: string };

/** What PBXs and carriers put where the number would be (lower case, compared after trimming). */
const WITHHELD = new Set([
  '',
  'anonymous',
  'private',
  'private number',
  'unknown',
  'unknown number',
  'withheld',
  'number withheld',
  'restricted',
  'unavailable',
  'blocked',
  'no caller id',
  'p', // ISDN/BroadWorks: presentation restricted ("private")
  'o', // out of area
  '未知',
  '未知号码',
  '隐藏',
  '隐藏号码',
  '号码隐藏',
  '匿名',
  '私人号码',
  '无主叫号码',
]);

/** No phone number is written in more than this; longer input is not read (it is garbage or an attack). */
const MAX_LENGTH = 128;

/** `"张伟" <sip:13800138000@pbx;user=phone>` or `sips:…` or `tel:…`: the user part of the URI. */
const URI = /(?:^|<|\s)(?:sips?|tel):([^@;>\s]*)/i;

export function parseCallerNumber(raw: string | null | undefined): ParsedCaller {
  if (raw === null || raw === undefined) return { kind: 'withheld' };
  if (raw.length > MAX_LENGTH) return { kind: 'invalid', raw };
  const text = userPart(raw.trim());
  if (isWithheld(text)) return { kind: 'withheld' };
  const phone = parsePhone(text);
  if (!phone) return { kind: 'invalid', raw };
  return phone.extension === undefined
    ? { kind: 'number', e164: phone.e164, national: phone.national }
    : { kind: 'number', e164: phone.e164, national: phone.national, extension: phone.extension };
}

/** The number inside a SIP/tel URI or angle brackets, percent-escapes decoded; anything else as it is. */
function userPart(text: string): string {
  const uri = URI.exec(text);
  if (uri) return decode(uri[1] as string);
  const bracketed = /<([^>]*)>/.exec(text);
  return bracketed ? (bracketed[1] as string).trim() : text;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a stray "%" is just a character
  }
}

function isWithheld(text: string): boolean {
  const word = text
    .replace(/^["'(（]+|["')）]+$/g, '')
    .trim()
    .toLowerCase();
  return WITHHELD.has(word);
}

/** How the agent reads the caller: the display form of the number (with its extension), null when withheld. */
export function callerDisplay(caller: ParsedCaller): string | null {
  if (caller.kind === 'withheld') return null;
  if (caller.kind === 'invalid') return caller.raw.trim();
  const shown = formatPhoneForDisplay(caller.e164);
  return caller.extension ? `${shown} ext. ${caller.extension}` : shown;
}
