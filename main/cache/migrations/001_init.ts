/** First cache schema: session meta, the server's rows (tickets, events, directory) and the sync outbox. */
import type { Migration } from '../migrate';

export const migration001: Migration = {
  version: 1,
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      -- Columns of the Ticket wire type, plus two derived ones kept by the repository so every view is an
      -- index range: is_open (status not closed/cancelled) and updated_ms (timestamps may carry offsets).
      CREATE TABLE tickets (
        id            TEXT PRIMARY KEY,
        code          TEXT,
        type          TEXT NOT NULL,
        category      TEXT NOT NULL,
        channel       TEXT NOT NULL,
        priority      INTEGER NOT NULL,
        status        TEXT NOT NULL,
        title         TEXT NOT NULL,
        description   TEXT NOT NULL,
        unit_id       TEXT,
        unit_code     TEXT,
        resident_id   TEXT,
        resident_name TEXT,
        phone         TEXT,
        team_id       TEXT,
        assignee_id   TEXT,
        created_by    TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        closed_at     TEXT,
        version       INTEGER NOT NULL,
        is_open       INTEGER NOT NULL,
        updated_ms    INTEGER NOT NULL
      );
      CREATE INDEX tickets_by_updated ON tickets(updated_ms DESC, id DESC);
      CREATE INDEX tickets_by_open ON tickets(is_open, updated_ms DESC, id DESC);
      CREATE INDEX tickets_by_assignee ON tickets(assignee_id, is_open, updated_ms DESC, id DESC);

      -- No foreign key to tickets: the cache mirrors the server, which owns integrity, and pull pages may
      -- carry an event before (or after the deletion of) its ticket.
      CREATE TABLE ticket_events (
        id          TEXT PRIMARY KEY,
        ticket_id   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        body        TEXT NOT NULL,
        data        TEXT NOT NULL,
        author_id   TEXT,
        created_at  TEXT NOT NULL,
        created_ms  INTEGER NOT NULL,
        -- 1 while only an optimistic (outbox) copy exists; the rebase drops these and re-creates them.
        pending     INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX ticket_events_by_ticket ON ticket_events(ticket_id, created_ms);
      CREATE INDEX ticket_events_pending ON ticket_events(pending) WHERE pending = 1;

      -- The last server state of each ticket that pending mutations changed optimistically (NULL data:
      -- not on the server yet), so a rebase can put it back before re-applying the outbox.
      CREATE TABLE ticket_shadow (
        id    TEXT PRIMARY KEY,
        data  TEXT
      );

      CREATE TABLE users (
        id         TEXT PRIMARY KEY,
        username   TEXT NOT NULL,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL,
        extension  TEXT,
        team_id    TEXT
      );

      CREATE TABLE teams (
        id       TEXT PRIMARY KEY,
        name_zh  TEXT NOT NULL,
        name_en  TEXT NOT NULL
      );

      -- AUTOINCREMENT: ids are never reused, even after the outbox drains, so the server's exactly-once
      -- check (id <= last => duplicate) can never swallow a new mutation.
      CREATE TABLE outbox (
        mutation_id  INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT NOT NULL,
        args         TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );

      CREATE TABLE rejected_mutations (
        id       INTEGER PRIMARY KEY,
        name     TEXT NOT NULL,
        code     TEXT NOT NULL,
        message  TEXT NOT NULL,
        at       TEXT NOT NULL
      );
    `);
  },
};
