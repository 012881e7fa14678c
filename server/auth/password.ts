/**
 * Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, salts and hashes base64url.
 * The parameters travel with each hash, so raising the cost never locks anyone out: a hash made with lower
 * parameters still verifies, and the next successful login stores a new one (server/auth/users.ts).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** N = 2^17 (OWASP's minimum for scrypt with r = 8, p = 1): about 0.4 s and 128 MiB per hash. */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
/** A stored hash asking for more than this is refused unverified: a corrupt row must not exhaust memory. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;
const KEYLEN = 32;

let current: Readonly<ScryptParams> = SCRYPT_PARAMS;

/**
 * Tests only (the vitest setup file tests/support/scrypt-cost.ts): suites that create many users would spend
 * minutes hashing at the production cost. Returns a function that puts the previous parameters back.
 */
export function setScryptParamsForTests(params: Readonly<ScryptParams>): () => void {
  const previous = current;
  current = params;
  return () => {
    current = previous;
  };
}

/** The parameters new hashes get. */
export function scryptParams(): Readonly<ScryptParams> {
  return current;
}

/** scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below that for N = 2^17. */
const maxmemFor = ({ N, r }: ScryptParams) => 2 * 128 * N * r;

const scrypt = (password: string, salt: Buffer, keylen: number, params: ScryptParams) => {
  const opts: ScryptOptions = { ...params, maxmem: maxmemFor(params) };
  return new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
};

export async function hashPassword(password: string, params: Readonly<ScryptParams> = current): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface StoredHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

const isPowerOfTwo = (n: number) => n > 1 && (n & (n - 1)) === 0;
const DECIMAL = /^[1-9]\d{0,7}$/;

function parseStored(stored: string): StoredHash | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !hash) return null;
  if (![n, r, p].every((v) => v !== undefined && DECIMAL.test(v))) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!isPowerOfTwo(params.N) || params.N > MAX_N || params.r > MAX_R || params.p > MAX_P) return null;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const key = await scrypt(password, parsed.salt, parsed.hash.length, parsed.params);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when the stored hash was made with a lower cost than new hashes get (or cannot be read at all). */
export function needsRehash(stored: string, params: Readonly<ScryptParams> = current): boolean {
  const parsed = parseStored(stored);
  if (!parsed) return true;
  const was = parsed.params;
  return was.N < params.N || was.r < params.r || was.p < params.p;
}
