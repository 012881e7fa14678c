/** Key/value facts about this profile: sync identity, session, server and sync progress. */
import type { CacheDb } from './db';

export type MetaKey =
  | 'client_id'
  /** Before issue 11 the token was kept here in plain text; main/session seals it at the next start. */
  | 'session_token'
  /** The session token, sealed by the SecretStore (main/secrets). */
  | 'session_token_sealed'
  | 'session_user'
  /** The server's phone hash secret (base64), kept with the session (main/privacy/phone-hash). */
  | 'phone_hash_key'
  | 'server_url'
  /** The user this client id is bound to on the server (its first pusher). */
  | 'client_user'
  | 'pull_cursor'
  /** Set while an initial sync is unfinished (JSON `{rows}` applied so far), so a restart resumes it. */
  | 'initial_sync'
  | 'last_mutation_id'
  /** Bulk-load mode (./bulk-load): the tickets indexes and triggers dropped for an initial sync, as JSON. */
  | 'bulk_load'
  /** After a bulk load: the indexes left to build in the background (./bulk-load DEFERRED_INDEXES), as JSON. */
  | 'bulk_deferred'
  /** Set while the search index is being filled after a bulk load (JSON `{after}`: the last rowid done). */
  | 'fts_fill'
  /** The server's SLA settings document (JSON) and when it was fetched: the policy works offline. */
  | 'sla_settings'
  | 'sla_settings_fetched_at'
  /** This desk's phone settings (common/calls/pop CtiSettings, JSON). */
  | 'cti_settings'
  /** The local hook's secret (generated once per profile). */
  | 'cti_hook_secret'
  /** The site's phone settings as last fetched (common/calls/site-settings, JSON). */
  | 'cti_site_settings';

export interface MetaRepo {
  get(key: MetaKey): string | null;
  /** null deletes the key. */
  set(key: MetaKey, value: string | null): void;
  clientId(): string;
}

export function createMetaRepo(db: CacheDb): MetaRepo {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare<[string]>('DELETE FROM meta WHERE key = ?');

  const get = (key: MetaKey) => select.get(key)?.value ?? null;
  return {
    get,
    set(key, value) {
      if (value === null) remove.run(key);
      else upsert.run(key, value);
    },
    clientId() {
      const id = get('client_id');
      if (!id) throw new Error('Cache has no client id (openCache creates it)');
      return id;
    },
  };
}
