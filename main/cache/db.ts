/** Opens the desk's local cache: one SQLite file per profile, durable writes, schema migrated on open. */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';

export type CacheDb = Database.Database;

export const CACHE_FILE = 'cache.sqlite3';

export function openCache(profileDir: string, options: { nativeBinding?: string } = {}): CacheDb {
  mkdirSync(profileDir, { recursive: true });
  const db = new Database(join(profileDir, CACHE_FILE), { nativeBinding: options.nativeBinding });
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
