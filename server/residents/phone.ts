/** Phone numbers in any written form → E.164, default region CN (DESIGN.md §6). */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export function toE164(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), 'CN');
  return parsed?.isValid() ? parsed.number : null;
}
