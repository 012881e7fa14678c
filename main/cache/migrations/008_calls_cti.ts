/**
 * Phone calls (issue 10): a call record is now built from many reporters' events (common/calls), so the whole
 * record is kept as JSON beside the columns the desk queries (state, caller number, callback queue, time).
 * `server_detail` keeps the server's record under an optimistic one (the rebase puts it back), like
 * ticket_shadow for tickets. Agents' presence is a synced table of its own.
 */
import type { Migration } from '../migrate';

export const migration008: Migration = {
  version: 8,
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN detail TEXT;
      ALTER TABLE calls ADD COLUMN server_detail TEXT;
      ALTER TABLE calls ADD COLUMN state TEXT NOT NULL DEFAULT 'ended';
      ALTER TABLE calls ADD COLUMN from_e164 TEXT;
      ALTER TABLE calls ADD COLUMN callback_state TEXT NOT NULL DEFAULT 'none';
      ALTER TABLE calls ADD COLUMN started_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE calls SET started_ms = CAST(strftime('%s', started_at) AS INTEGER) * 1000;
      CREATE INDEX calls_by_start ON calls(started_ms DESC, id DESC);
      CREATE INDEX calls_by_state ON calls(state) WHERE state <> 'ended';
      CREATE INDEX calls_by_callback ON calls(callback_state, started_ms DESC) WHERE callback_state IN ('open', 'claimed');
      CREATE INDEX calls_by_number ON calls(from_e164, started_ms DESC);

      -- The screen pop lists the caller's open tickets (theirs and their units').
      CREATE INDEX tickets_by_resident ON tickets(resident_id, is_open);
      CREATE INDEX tickets_by_unit_open ON tickets(unit_id, is_open);

      CREATE TABLE presence (
        user_id        TEXT PRIMARY KEY,
        state          TEXT NOT NULL,
        since          TEXT NOT NULL,
        wrap_up_until  TEXT,
        call_id        TEXT,
        -- 1 while the desk's own change is not yet confirmed by the server.
        pending        INTEGER NOT NULL DEFAULT 0,
        server_row     TEXT
      );
    `);
  },
};
