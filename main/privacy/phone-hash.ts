/**
 * The desk's copy of the server's phone hash secret (common/residents/phone-hash), kept with the session: the
 * session service stores it at login and forgets it with the session. With it the desk hashes a caller's number
 * or a typed one and finds it among the hashes its cache holds, offline; without it (before the first login,
 * after logout) lookups by a whole number find nothing.
 */
import { createHmac } from 'node:crypto';
import { PHONE_HASH_BYTES, type PhoneHasher } from '../../common/residents/phone-hash';
import type { MetaRepo } from '../cache/meta';

export interface PhoneHashKey {
  /** The keyed hash of an E.164 number; null while the desk holds no secret. */
  readonly hash: PhoneHasher;
  /** Keeps the server's secret (base64); null forgets it. */
  set(secret: string | null): void;
  has(): boolean;
}

/** HMAC-SHA256 of the E.164 number, its first PHONE_HASH_BYTES bytes as hex (the server's `phone_hash`). */
export function hmacPhoneHasher(secret: Buffer): PhoneHasher {
  return (e164) =>
    createHmac('sha256', secret).update(e164, 'utf8').digest().subarray(0, PHONE_HASH_BYTES).toString('hex');
}

export function createPhoneHashKey(meta: MetaRepo): PhoneHashKey {
  let stored: string | null = null;
  let hasher: PhoneHasher | null = null;
  /** The secret as meta holds it now: a session reset elsewhere (another server, main/cache/identity) shows here. */
  const current = (): PhoneHasher | null => {
    const now = meta.get('phone_hash_key');
    if (now !== stored) {
      stored = now;
      hasher = now ? hmacPhoneHasher(Buffer.from(now, 'base64')) : null;
    }
    return hasher;
  };
  return {
    hash: (e164) => current()?.(e164) ?? null,
    set: (secret) => meta.set('phone_hash_key', secret),
    has: () => current() !== null,
  };
}
