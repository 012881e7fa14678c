/**
 * A profile's cache belongs to one central server: its rows, cursor and client identity mean nothing to
 * another. Pointing the profile at a different server starts it afresh (new client id, ids from 1).
 */
import { randomUUID } from 'node:crypto';
import type { CacheDb } from './db';
import type { MetaRepo } from './meta';

const DATA_TABLES = ['tickets', 'ticket_events', 'ticket_shadow', 'users', 'teams', 'outbox', 'rejected_mutations'];

export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Returns the number of pending mutations dropped when the profile had been used with another server. */
export function bindToServer(db: CacheDb, meta: MetaRepo, serverUrl: string): { reset: boolean; dropped: number } {
  const url = normalizeServerUrl(serverUrl);
  const previous = meta.get('server_url');
  if (previous === url) return { reset: false, dropped: 0 };
  if (previous === null) {
    meta.set('server_url', url);
    return { reset: false, dropped: 0 };
  }
  return db.transaction(() => {
    const dropped = (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    for (const table of DATA_TABLES) db.prepare(`DELETE FROM ${table}`).run();
    // Mutation ids restart at 1 for the new client id: the server expects a gap-free sequence per client.
    db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'outbox'`).run();
    for (const key of ['session_token', 'session_user', 'pull_cursor', 'last_mutation_id'] as const) meta.set(key, null);
    meta.set('client_id', randomUUID());
    meta.set('server_url', url);
    return { reset: true, dropped };
  })();
}
