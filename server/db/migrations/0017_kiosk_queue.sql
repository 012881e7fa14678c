-- Lobby kiosk (issue 12 §4): queue numbers per service line and day, and the wrong-digits counts that rate-limit
-- status checks. Both live in the database, not in a server's memory, so they survive restarts and hold across
-- several server nodes.

-- The day's last number of each line: one upsert hands out the next one, unique under concurrent takes.
CREATE TABLE queue_counters (
  day   date NOT NULL,
  line  text NOT NULL CHECK (line IN ('A', 'B', 'C')),
  last  int NOT NULL,
  PRIMARY KEY (day, line)
);

CREATE TABLE queue_numbers (
  id          uuid PRIMARY KEY,
  day         date NOT NULL,
  line        text NOT NULL CHECK (line IN ('A', 'B', 'C')),
  seq         int NOT NULL,
  -- waiting → called (re-calls stay called) → skipped (did not come); the next call ends a called one's service.
  status      text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'called', 'skipped')),
  issued_by   uuid NOT NULL REFERENCES users(id),
  issued_at   timestamptz NOT NULL,
  called_at   timestamptz,
  called_by   uuid REFERENCES users(id),
  counter     text,
  calls       int NOT NULL DEFAULT 0,
  UNIQUE (day, line, seq)
);
CREATE INDEX queue_numbers_waiting ON queue_numbers(day, line, seq) WHERE status = 'waiting';
CREATE INDEX queue_numbers_called ON queue_numbers(day, called_at) WHERE called_at IS NOT NULL;

-- Wrong tries per subject ('kiosk:<user id>', 'ticket:<code>', 'room:<room>') in a fixed window that starts at the
-- first one: sign-in-like bookkeeping, which a refused request rightly writes.
CREATE TABLE kiosk_failed_attempts (
  subject       text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  failures      int NOT NULL
);
