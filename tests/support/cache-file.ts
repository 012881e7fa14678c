/**
 * A profile's cache file opened for inspection, with the key the desk keeps for it (a profile made without an
 * explicit SecretStore: its key file). No vitest import: the benches use it too.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCacheKey, unlockCache, type CacheKey } from '../../main/cache/cipher';
import { CACHE_FILE, type CacheDb } from '../../main/cache/db';
import { CACHE_KEY_FILE } from '../../main/cache/key';
import { createKeyFileSecretStore } from '../../main/secrets/key-file';

/** The key of the cache in `profileDir` (which must have one). */
export function profileCacheKey(profileDir: string): CacheKey {
  const sealed = readFileSync(join(profileDir, CACHE_KEY_FILE), 'utf8').trim();
  return parseCacheKey(createKeyFileSecretStore(profileDir).open(sealed));
}

/** Opens `file` (default: the profile's cache) with the profile's cache key, read-only unless asked. */
export function openProfileCache(profileDir: string, options: { readonly?: boolean; file?: string } = {}): CacheDb {
  const db = new Database(options.file ?? join(profileDir, CACHE_FILE), {
    readonly: options.readonly ?? true,
    fileMustExist: true,
  });
  try {
    unlockCache(db, profileCacheKey(profileDir));
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Waits until the desk running on `profileDir` has downloaded `expected` residents into its cache (the directory
 * follows the first sync cycle page by page: main/sync/residents). Reads the count beside the desk every 500 ms;
 * gives up when it has not moved for `stallMs`. Resolves with the count.
 */
export async function waitForResidentsDirectory(
  profileDir: string,
  expected: number,
  stallMs: number,
): Promise<number> {
  const reader = openProfileCache(profileDir);
  try {
    const count = reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM residents');
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      const n = count.get()?.n ?? 0;
      if (n >= expected) return n;
      if (n !== last) {
        last = n;
        stableSince = performance.now();
      } else if (performance.now() - stableSince > stallMs) {
        throw new Error(`the residents directory stopped at ${n} of ${expected}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 500));
    }
  } finally {
    reader.close();
  }
}
