/**
 * The residents directory (issue 4 item 5), so intake and caller-ID work offline and answer from indexes:
 * exact phone by E.164, partial phone by the reversed digits (a suffix becomes an index prefix), unit by code
 * or by the reversed code (partial "1-502" / "502"), name by prefix. Units are kept per resident with their
 * project, as the server sends them. Also an index for the duplicate check (open tickets by unit and category).
 *
 * Numbered 006: 005 is taken by the SLA columns being added at the same time.
 */
import type { Migration } from '../migrate';

export const migration006: Migration = {
  version: 6,
  up(db) {
    db.exec(`
      CREATE TABLE residents (
        id    TEXT PRIMARY KEY,
        name  TEXT NOT NULL,
        tags  TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX residents_by_name ON residents(name);

      CREATE TABLE resident_phones (
        resident_id  TEXT NOT NULL,
        raw          TEXT NOT NULL,
        e164         TEXT,
        -- The number's digits (national number when valid) reversed: "numbers ending in 8000" is the index range
        -- of keys starting with "0008".
        digits_rev   TEXT NOT NULL,
        PRIMARY KEY (resident_id, raw)
      ) WITHOUT ROWID;
      CREATE INDEX resident_phones_by_e164 ON resident_phones(e164) WHERE e164 IS NOT NULL;
      CREATE INDEX resident_phones_by_digits ON resident_phones(digits_rev);

      CREATE TABLE resident_units (
        resident_id   TEXT NOT NULL,
        unit_id       TEXT NOT NULL,
        code          TEXT NOT NULL,
        -- "3-1-502" reversed with a leading dash ("205-1-3-"), so "-502" and "-1-502" suffixes are prefixes.
        code_rev      TEXT NOT NULL,
        project_id    TEXT NOT NULL,
        project_name  TEXT NOT NULL,
        relation      TEXT NOT NULL,
        PRIMARY KEY (resident_id, unit_id)
      ) WITHOUT ROWID;
      CREATE INDEX resident_units_by_code ON resident_units(code);
      CREATE INDEX resident_units_by_code_rev ON resident_units(code_rev);

      -- Where the directory download continues (the server's cursor).
      CREATE TABLE resident_directory_state (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE INDEX tickets_by_unit_category ON tickets(unit_id, category, is_open, created_at);
    `);
  },
};
