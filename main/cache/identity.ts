/**
 * A profile's sync identity (client id + mutation ids) belongs to one server and one user: the server
 * binds a client id to the user who first pushed with it, and expects its mutation ids gap-free from 1.
 * Switching server or user therefore starts the profile afresh (the cached rows go too, so one user's
 * cache is never shown to the next; the initial pull refills it).
 */
import { randomUUID } from 'node:crypto';
import type { CacheDb } from './db';
import type { MetaRepo } from './meta';

const DATA_TABLES = [
  'tickets',
  'ticket_events',
  'ticket_shadow',
  'users',
  'teams',
  'calls',
  'presence',
  'outbox',
  'rejected_mutations',
  // The residents directory (migration 006) and its download cursor: another server has other residents.
  'residents',
  'resident_phones',
  'resident_units',
  'resident_directory_state',
];

export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Clears cached rows and the outbox, and gives the profile a new client id. Returns unsent mutations dropped. */
function resetIdentity(db: CacheDb, meta: MetaRepo): number {
  const dropped = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  for (const table of DATA_TABLES) db.prepare(`DELETE FROM ${table}`).run();
  // Mutation ids restart at 1 for the new client id.
  db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'outbox'`).run();
  meta.set('pull_cursor', null);
  meta.set('last_mutation_id', null);
  meta.set('client_user', null);
  meta.set('client_id', randomUUID());
  return dropped;
}

export interface Rebound {
  reset: boolean;
  /** Unsent mutations dropped by the reset (they can no longer reach the server under this identity). */
  dropped: number;
}

export function bindToServer(db: CacheDb, meta: MetaRepo, serverUrl: string): Rebound {
  const url = normalizeServerUrl(serverUrl);
  const previous = meta.get('server_url');
  if (previous === url) return { reset: false, dropped: 0 };
  return db.transaction((): Rebound => {
    const reset = previous !== null;
    const dropped = reset ? resetIdentity(db, meta) : 0;
    if (reset) {
      meta.set('session_token', null);
      meta.set('session_token_sealed', null);
      meta.set('session_user', null);
      // Another server hashes phone numbers with another secret (main/privacy/phone-hash).
      meta.set('phone_hash_key', null);
    }
    meta.set('server_url', url);
    return { reset, dropped };
  })();
}

export function bindToUser(db: CacheDb, meta: MetaRepo, userId: string): Rebound {
  const previous = meta.get('client_user');
  if (previous === userId) return { reset: false, dropped: 0 };
  return db.transaction((): Rebound => {
    const reset = previous !== null;
    const dropped = reset ? resetIdentity(db, meta) : 0;
    meta.set('client_user', userId);
    return { reset, dropped };
  })();
}
