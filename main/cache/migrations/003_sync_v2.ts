/**
 * Sync schema 2: ticket tags, desk-logged calls. The rows cached so far were pulled under schema 1 (no tags,
 * no calls, no conflict notes), so the pull starts over; cached rows stay on screen meanwhile and the outbox
 * is untouched — pending changes drain as before.
 */
import type { Migration } from '../migrate';

export const migration003: Migration = {
  version: 3,
  up(db) {
    db.exec(`
      ALTER TABLE tickets ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

      CREATE TABLE calls (
        id           TEXT PRIMARY KEY,
        call_id      TEXT NOT NULL,
        direction    TEXT NOT NULL,
        from_raw     TEXT,
        to_raw       TEXT,
        agent_id     TEXT,
        resident_id  TEXT,
        ticket_id    TEXT,
        started_at   TEXT NOT NULL,
        answered_at  TEXT,
        ended_at     TEXT,
        missed       INTEGER NOT NULL,
        notes        TEXT NOT NULL,
        logged_at    TEXT NOT NULL,
        logged_ms    INTEGER NOT NULL,
        -- 1 while only the optimistic (outbox) copy exists.
        pending      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX calls_by_logged ON calls(logged_ms DESC, id DESC);

      DELETE FROM meta WHERE key IN ('pull_cursor', 'initial_sync');
    `);
  },
};
