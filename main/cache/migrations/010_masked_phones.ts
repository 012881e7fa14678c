/**
 * Residents' personal data (issue 11 §4, sync schema 5, directory version 2): the cache keeps phone numbers only
 * masked, matched by their keyed hashes (common/residents/phone-hash) — never whole. The columns that held whole
 * numbers in E.164 hold hashes now (SQLite rewrites the indexes on them with the rename), and every row cached
 * before holds whole numbers: the server's rows (tickets, their events and shadows, calls, the search indexes) and
 * the residents directory go, and both downloads start again from the beginning, like a `reset` from the server
 * (the outbox stays and is re-applied, masked, on the next pull). secure_delete overwrites the freed pages.
 *
 * A bulk load interrupted by the upgrade kept its dropped indexes' SQL in meta: that SQL is renamed the same way.
 */
import type { Migration } from '../migrate';

const RENAMES: readonly [table: string, from: string, to: string][] = [
  ['tickets', 'phone_e164', 'phone_hash'],
  ['calls', 'from_e164', 'from_hash'],
  ['resident_phones', 'raw', 'shown'],
  ['resident_phones', 'e164', 'hash'],
];

const WIPED = [
  'tickets',
  'ticket_events',
  'ticket_shadow',
  'tickets_fts',
  'tickets_fts_short',
  'users',
  'teams',
  'calls',
  'presence',
  'residents',
  'resident_phones',
  'resident_units',
  'resident_directory_state',
];

export const migration010: Migration = {
  version: 10,
  up(db) {
    const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
    db.pragma('secure_delete = ON');
    for (const table of WIPED) db.exec(`DELETE FROM ${table}`);
    db.pragma(`secure_delete = ${secureDelete}`);
    for (const [table, from, to] of RENAMES) db.exec(`ALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`);
    db.exec(`
      DROP INDEX resident_phones_by_e164;
      CREATE INDEX resident_phones_by_hash ON resident_phones(hash) WHERE hash IS NOT NULL;
      -- Search by a whole typed number finds its tickets by the hash (main/cache/search wholePhoneNumber).
      CREATE INDEX tickets_by_phone_hash ON tickets(phone_hash) WHERE phone_hash IS NOT NULL;
      DELETE FROM meta WHERE key IN ('pull_cursor', 'initial_sync', 'fts_fill');
    `);
    const stored = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    const store = db.prepare<[string, string]>('UPDATE meta SET value = ? WHERE key = ?');
    for (const key of ['bulk_load', 'bulk_deferred']) {
      const value = stored.get(key)?.value;
      if (value) store.run(value.replaceAll('phone_e164', 'phone_hash').replaceAll('from_e164', 'from_hash'), key);
    }
  },
};
