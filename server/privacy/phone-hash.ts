/**
 * The server's phone hash (common/residents/phone-hash) in JavaScript, for records mapped here (calls); the ticket
 * wire and the residents directory compute the same hash in SQL (`phone_hash`, migration 0010). Both read the one
 * secret in `phone_hash_key`.
 */
import { createHmac } from 'node:crypto';
import { PHONE_HASH_BYTES, type PhoneHasher } from '../../common/residents/phone-hash';
import type { Queryable } from '../db/driver';

export async function readPhoneHashSecret(q: Queryable): Promise<Buffer> {
  const { rows } = await q.query<{ secret: Uint8Array }>('SELECT secret FROM phone_hash_key');
  const secret = rows[0]?.secret;
  if (!secret) throw new Error('phone_hash_key is empty (migration 0010 creates the secret)');
  return Buffer.from(secret);
}

/** HMAC-SHA256 of the E.164 number, its first PHONE_HASH_BYTES bytes as hex. */
export function hashWith(secret: Buffer): PhoneHasher {
  return (e164) =>
    createHmac('sha256', secret).update(e164, 'utf8').digest().subarray(0, PHONE_HASH_BYTES).toString('hex');
}

export async function loadPhoneHasher(q: Queryable): Promise<PhoneHasher> {
  return hashWith(await readPhoneHashSecret(q));
}

/**
 * Hashers by database handle: the secret is written once (migration 0010) and never changed, so a server reads
 * it once instead of on every call it masks (the live fan-out masks each call event). A failed read is not kept.
 */
const hashers = new WeakMap<Queryable, Promise<PhoneHasher>>();

export function cachedPhoneHasher(db: Queryable): Promise<PhoneHasher> {
  let hasher = hashers.get(db);
  if (!hasher) {
    hasher = loadPhoneHasher(db);
    hashers.set(db, hasher);
    hasher.catch(() => hashers.delete(db));
  }
  return hasher;
}
