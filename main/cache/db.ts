/**
 * Opens the desk's local cache: one encrypted SQLite file per profile (./cipher), durable writes, schema migrated
 * on open. A cache from before encryption is encrypted in place of itself; one its key can no longer open is
 * started afresh (the initial sync refills it).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateFile, secureProfileDir } from '../profile';
import { createKeyFileSecretStore } from '../secrets/key-file';
import { canRead, encryptPlainCache, isPlainSqliteFile, unlockCache, type CacheKey } from './cipher';
import { loadCacheKey } from './key';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';

export type CacheDb = Database.Database;

export const CACHE_FILE = 'cache.sqlite3';
/** The files SQLite may keep beside the cache. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

export interface OpenCacheOptions {
  /** The addon built for the running ABI (see DeskHostOptions.sqliteNativeBinding). */
  nativeBinding?: string;
  /** The cache's key; default: the profile's own, sealed with a key file (the browser host's SecretStore). */
  key?: CacheKey;
}

export function openCache(profileDir: string, options: OpenCacheOptions = {}): CacheDb {
  secureProfileDir(profileDir);
  const key = options.key ?? loadCacheKey(profileDir, createKeyFileSecretStore(profileDir));
  const file = join(profileDir, CACHE_FILE);
  if (isPlainSqliteFile(file)) encryptPlainCache(file, key, options.nativeBinding);

  let db = openWithKey(file, key, options.nativeBinding);
  if (!canRead(db)) {
    db.close();
    console.warn('[desk] the cache was locked with another key: it starts empty and the initial sync refills it');
    for (const suffix of ['', ...SIDE_FILES]) rmSync(`${file}${suffix}`, { force: true });
    db = openWithKey(file, key, options.nativeBinding);
  }
  try {
    db.pragma('journal_mode = WAL');
    // FULL: an acknowledged user action (and its outbox row) survives a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, MIGRATIONS);
    // The sync identity of this profile: generated once, kept for the life of the cache.
    db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('client_id', ?)`).run(randomUUID());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function openWithKey(file: string, key: CacheKey, nativeBinding: string | undefined): CacheDb {
  ensurePrivateFile(file); // before SQLite creates its -wal and -shm, which take this file's mode
  const db = new Database(file, { nativeBinding });
  try {
    unlockCache(db, key);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
