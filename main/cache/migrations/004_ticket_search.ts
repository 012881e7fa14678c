/**
 * Local search (issue 4 item 7): an FTS5 index with the trigram tokenizer over the fields an agent searches by —
 * code, title, description, resident name, phone, unit — so Chinese substrings match ("漏水" inside "厨房漏水严重"
 * needs no word segmentation). The index keeps its own copy of those six columns (queries shorter than a trigram
 * fall back to LIKE) and is kept in step with `tickets` by triggers, keyed by the tickets rowid.
 *
 * The rowid key relies on tickets rows keeping their rowid: upserts (ON CONFLICT DO UPDATE) do; a plain VACUUM may
 * renumber a table without an INTEGER PRIMARY KEY, so after one the index must be rebuilt (DELETE + the backfill
 * below). The cache never runs VACUUM today.
 */
import type { Migration } from '../migrate';

export const migration004: Migration = {
  version: 4,
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE tickets_fts USING fts5(
        code, title, description, resident_name, phone, unit_code,
        tokenize = 'trigram'
      );

      CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO tickets_fts (rowid, code, title, description, resident_name, phone, unit_code)
        VALUES (new.rowid, new.code, new.title, new.description, new.resident_name, new.phone, new.unit_code);
      END;

      CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM tickets_fts WHERE rowid = old.rowid;
      END;

      -- Only when a searched column changes: status, assignee and version updates leave the index alone.
      CREATE TRIGGER tickets_fts_update AFTER UPDATE OF code, title, description, resident_name, phone, unit_code
      ON tickets BEGIN
        DELETE FROM tickets_fts WHERE rowid = old.rowid;
        INSERT INTO tickets_fts (rowid, code, title, description, resident_name, phone, unit_code)
        VALUES (new.rowid, new.code, new.title, new.description, new.resident_name, new.phone, new.unit_code);
      END;

      INSERT INTO tickets_fts (rowid, code, title, description, resident_name, phone, unit_code)
      SELECT rowid, code, title, description, resident_name, phone, unit_code FROM tickets;

      -- "Exact code first" and jump-to-ticket by code.
      CREATE INDEX tickets_by_code ON tickets(code);
    `);
  },
};
