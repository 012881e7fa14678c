-- Sync schema 2 (DESIGN.md §5): ticket tags (add/remove ops), delete tombstones with a retention window,
-- desk-logged calls (call_id = the desk's uuid) and the sync horizon left by compaction.

ALTER TABLE tickets ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
-- A tombstone: the row stays (hidden everywhere) until compaction purges it after the retention window.
ALTER TABLE tickets ADD COLUMN deleted_at timestamptz;
ALTER TABLE tickets ADD COLUMN deleted_by uuid REFERENCES users(id);
ALTER TABLE tickets ADD COLUMN delete_reason text;
CREATE INDEX tickets_deleted ON tickets(deleted_at) WHERE deleted_at IS NOT NULL;

-- Server time the log arrived: the order of the call list (the desk's started_at is its own clock).
ALTER TABLE calls ADD COLUMN logged_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX calls_logged ON calls(logged_at DESC, id);

-- The change-log position of the newest row compaction purged: a pull from a cursor before it may have
-- missed a deletion, so it is answered with {reset: true} and the console re-pulls from the start.
CREATE TABLE sync_horizon (
  only_row      boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  xid           xid8 NOT NULL,
  seq           bigint NOT NULL,
  compacted_at  timestamptz NOT NULL
);
