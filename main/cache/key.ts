/**
 * The cache's key: random per profile, kept sealed by the SecretStore in the profile folder (never in the cache,
 * never in plain text). A key that can never be opened again (another user or machine, a lost key file) makes
 * a new one: the cache it locked is then unreadable, and openCache starts it afresh for the initial sync.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile, writePrivateFileOnce } from '../profile';
import { SecretUnreadableError, type SecretStore } from '../secrets/store';
import { newCacheKey, parseCacheKey, type CacheKey } from './cipher';

export const CACHE_KEY_FILE = 'cache.key';

export function loadCacheKey(profileDir: string, secrets: SecretStore): CacheKey {
  const file = join(profileDir, CACHE_KEY_FILE);
  let sealed: string | null = null;
  try {
    sealed = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (sealed !== null) {
    try {
      return parseCacheKey(secrets.open(sealed));
    } catch (err) {
      if (!(err instanceof SecretUnreadableError)) throw err;
      if (err.temporary) {
        throw new Error(`The cache key cannot be opened now (${err.message}); the cache was left as it is.`, {
          cause: err,
        });
      }
      console.warn(`[desk] the cache key cannot be opened (${err.message}): a new cache will be synced`);
    }
  }
  const key = newCacheKey();
  const contents = `${secrets.seal(key)}\n`;
  if (sealed !== null) {
    writePrivateFile(file, contents); // replaces the key nobody can open
    return key;
  }
  try {
    // A first start: another process on this profile (a second window) may be making one at the same moment.
    writePrivateFileOnce(file, contents);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parseCacheKey(secrets.open(readFileSync(file, 'utf8').trim()));
  }
  return key;
}
