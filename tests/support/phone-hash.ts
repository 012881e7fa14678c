/**
 * A phone hash secret for tests (common/residents/phone-hash), and directory phones as the server sends them:
 * masked, with their hash under that secret.
 */
import type { MaskedPhone } from '../../common/residents/phone-hash';
import { maskPhone, phoneHashOf } from '../../common/residents/phone';
import { hmacPhoneHasher } from '../../main/privacy/phone-hash';

export const TEST_PHONE_SECRET = Buffer.alloc(32, 7).toString('base64');
export const testPhoneHash = hmacPhoneHasher(Buffer.from(TEST_PHONE_SECRET, 'base64'));

export function directoryPhone(raw: string): MaskedPhone {
  return { shown: maskPhone(raw), hash: phoneHashOf(testPhoneHash, raw) };
}
