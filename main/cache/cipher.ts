/**
 * The cache is encrypted at rest (issue 11 §3) by SQLite3 Multiple Ciphers (better-sqlite3-multiple-ciphers): every
 * page, the write-ahead log's included, is sealed with AEGIS-256, an authenticated cipher built on the CPU's AES
 * instructions, so the file shows nothing (not even "SQLite format 3") without the key and a changed page is refused.
 * The library's SQLCipher 4 scheme (AES-256-CBC + HMAC-SHA512) was measured first: it doubled the initial sync
 * and made page reads 3-5 times slower; AEGIS-256 costs little over a plain file (tests/bench: cache.encrypted_*).
 * The key is 32 random bytes per profile, given raw: no passphrase, so no key derivation at each open.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { ensurePrivateFile } from '../profile';

/** 64 lower-case hex digits: the raw 256-bit key. */
export type CacheKey = string & { readonly __brand: 'CacheKey' };

export function newCacheKey(): CacheKey {
  return randomBytes(32).toString('hex') as CacheKey;
}

export function parseCacheKey(text: string): CacheKey {
  if (!/^[0-9a-f]{64}$/.test(text)) throw new Error('A cache key is 64 hex digits');
  return text as CacheKey;
}

/** The cipher scheme, set on each connection before its key. */
const CIPHER_PRAGMAS = ["cipher = 'aegis'", "algorithm = 'aegis-256'"];
/** The key as a raw-key literal; validated again, as it is spliced into SQL. */
const rawKey = (key: CacheKey) => `"x'${parseCacheKey(key)}'"`;

/** The statements that unlock a connection, in order, before it reads anything (also run by ./checkpoint's worker). */
export function cipherPragmas(key: CacheKey): string[] {
  return [...CIPHER_PRAGMAS, `key = ${rawKey(key)}`];
}

export function unlockCache(db: Database.Database, key: CacheKey): void {
  for (const pragma of cipherPragmas(key)) db.pragma(pragma);
}

/** True when the connection can read the file with its key (a wrong key reads as "file is not a database"). */
export function canRead(db: Database.Database): boolean {
  try {
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') return false;
    throw err;
  }
}

const PLAIN_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** True for an unencrypted SQLite file (as every cache was before issue 11). */
export function isPlainSqliteFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const header = Buffer.alloc(PLAIN_HEADER.length);
    return readSync(fd, header, 0, header.length, 0) === header.length && header.equals(PLAIN_HEADER);
  } finally {
    closeSync(fd);
  }
}

/**
 * Encrypts an unencrypted cache, outbox and all, keeping its contents. The work happens on a copy that replaces
 * the file only when complete, so a crash at any point leaves either the plain cache (encrypted again at the next
 * start) or the encrypted one. (The plain file's old blocks stay on the disk until reused: not in our hands.)
 */
export function encryptPlainCache(file: string, key: CacheKey, nativeBinding?: string): void {
  const copy = `${file}.encrypting`;
  for (const leftover of [copy, `${copy}-journal`]) rmSync(leftover, { force: true });
  const plain = new Database(file, { nativeBinding, fileMustExist: true });
  try {
    // Re-keying needs a rollback journal; leaving WAL also folds the log into the file and removes it.
    plain.pragma('journal_mode = DELETE');
    ensurePrivateFile(copy);
    plain.prepare('VACUUM INTO ?').run(copy);
  } finally {
    plain.close();
  }
  const encrypted = new Database(copy, { nativeBinding, fileMustExist: true });
  try {
    for (const pragma of CIPHER_PRAGMAS) encrypted.pragma(pragma);
    encrypted.pragma(`rekey = ${rawKey(key)}`);
  } finally {
    encrypted.close();
  }
  const fd = openSync(copy, 'r+');
  try {
    fsyncSync(fd); // on the disk before it takes the cache's name
  } finally {
    closeSync(fd);
  }
  renameSync(copy, file);
}
