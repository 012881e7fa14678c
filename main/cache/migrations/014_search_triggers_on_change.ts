/**
 * The search indexes' update triggers (migrations 004 and 007) fire only when a searched column's value changed.
 * `UPDATE OF <columns>` fires whenever the statement names the columns, and the ticket upsert names every column:
 * so each assignment, status change or pulled version rewrote both indexes' entries for the ticket — the trigram
 * entries of its whole description and its bigrams, built by a join over up to 20,000 positions — for text that had
 * not changed. That was most of what an agent's single-ticket write cost the desk.
 *
 * A cache in the middle of a bulk load has these triggers dropped and their SQL kept in `meta` (../bulk-load):
 * the kept SQL is rewritten instead, and the bulk load's finish creates the new triggers.
 */
import type { Migration } from '../migrate';
import { SHORT_INDEX_COLUMNS, shortIndexValues } from './007_short_term_search';

const SEARCHED = ['code', 'title', 'description', 'resident_name', 'phone', 'unit_code'] as const;
const CHANGED = SEARCHED.map((c) => `old.${c} IS NOT new.${c}`).join(' OR ');

export const SEARCH_UPDATE_TRIGGERS: Record<string, string> = {
  tickets_fts_update: `CREATE TRIGGER tickets_fts_update AFTER UPDATE OF ${SEARCHED.join(', ')} ON tickets
      WHEN ${CHANGED} BEGIN
        DELETE FROM tickets_fts WHERE rowid = old.rowid;
        INSERT INTO tickets_fts (rowid, code, title, description, resident_name, phone, unit_code)
        VALUES (new.rowid, new.code, new.title, new.description, new.resident_name, new.phone, new.unit_code);
      END`,
  tickets_fts_short_update: `CREATE TRIGGER tickets_fts_short_update AFTER UPDATE OF ${SEARCHED.join(', ')} ON tickets
      WHEN ${CHANGED} BEGIN
        DELETE FROM tickets_fts_short WHERE rowid = old.rowid;
        INSERT INTO tickets_fts_short (${SHORT_INDEX_COLUMNS}) SELECT ${shortIndexValues('new')};
      END`,
};

interface KeptObject {
  type: string;
  name: string;
  sql: string;
}

export const migration014: Migration = {
  version: 14,
  up(db) {
    const kept = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'bulk_load'`).get();
    if (kept) {
      const state = JSON.parse(kept.value) as { dropped: KeptObject[] };
      for (const o of state.dropped) {
        const sql = o.type === 'trigger' ? SEARCH_UPDATE_TRIGGERS[o.name] : undefined;
        if (sql) o.sql = sql;
      }
      db.prepare(`UPDATE meta SET value = ? WHERE key = 'bulk_load'`).run(JSON.stringify(state));
      return;
    }
    for (const [name, sql] of Object.entries(SEARCH_UPDATE_TRIGGERS)) {
      db.exec(`DROP TRIGGER IF EXISTS ${name}`);
      db.exec(sql);
    }
  },
};
