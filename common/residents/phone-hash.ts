/**
 * The keyed hash that stands in for a phone number wherever a number must be matched but never read (issue 11 §4):
 * the residents directory, tickets and calls carry it instead of the number, so the desk still recognises a caller
 * and finds a resident by a typed full number offline — by hashing that number with the same key and looking the
 * hash up. HMAC-SHA256 over the number's E.164 form with a secret per server (its database holds it, migration
 * 0010); the desk receives the secret after login and keeps it with its session.
 *
 * The input is the number's E.164 form (common/residents/phone toE164); a number without one is never hashed.
 * The server computes the hash in SQL (migration 0010 `phone_hash`), the desk host with node:crypto
 * (main/privacy/phone-hash.ts), both to the constants here; a test holds the two to each other and to RFC 4231.
 * Only zod here: the renderer's first chunk loads this module, and libphonenumber stays out of it.
 */
import { z } from 'zod';

/** The first 16 bytes of the HMAC-SHA256 (RFC 2104 truncation), as lowercase hex: 32 characters. */
export const PHONE_HASH_BYTES = 16;
export const PHONE_HASH = /^[0-9a-f]{32}$/;
/** The secret's size in bytes. */
export const PHONE_HASH_SECRET_BYTES = 32;

/** A number's keyed hash, or null for a number that has no E.164 form (it is never matched). */
export type PhoneHasher = (e164: string) => string | null;

/** A phone as lists carry it: masked (common/residents/phone maskPhone) and hashed (null: no valid number). */
export const MaskedPhone = z.object({ shown: z.string(), hash: z.string().regex(PHONE_HASH).nullable() });
export type MaskedPhone = z.infer<typeof MaskedPhone>;

/** `GET /api/v1/privacy/phone-hash-key`: the secret as base64. */
export const PhoneHashKeyResponse = z.object({
  /** PHONE_HASH_SECRET_BYTES (32) bytes are 44 base64 characters. */
  secret: z.base64().length(44),
});
export type PhoneHashKeyResponse = z.infer<typeof PhoneHashKeyResponse>;
