-- Central schema, first version. PostgreSQL dialect; runs unchanged on PGlite.
-- Timestamps are timestamptz; ids are uuid unless a human code is the natural key.

CREATE TABLE teams (
  id        text PRIMARY KEY,
  name_zh   text NOT NULL,
  name_en   text NOT NULL
);

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('agent', 'lead', 'technician', 'kiosk', 'admin')),
  extension     text,
  team_id       text REFERENCES teams(id),
  password_hash text NOT NULL,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Opaque bearer tokens, stored as SHA-256 so a database leak does not leak sessions.
CREATE TABLE auth_tokens (
  token_hash  text PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX auth_tokens_user ON auth_tokens(user_id);

CREATE TABLE projects (
  id    text PRIMARY KEY,
  name  text NOT NULL
);

CREATE TABLE buildings (
  id          text PRIMARY KEY,
  project_id  text NOT NULL REFERENCES projects(id),
  number      int NOT NULL,
  name        text NOT NULL
);

-- code is building-entrance-room, e.g. "3-1-502", unique within a project.
CREATE TABLE units (
  id           text PRIMARY KEY,
  project_id   text NOT NULL REFERENCES projects(id),
  building_id  text NOT NULL REFERENCES buildings(id),
  code         text NOT NULL,
  area_m2      numeric(7, 2),
  UNIQUE (project_id, code)
);
CREATE INDEX units_code ON units(code);

CREATE TABLE residents (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  tags        text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residents_name ON residents(name);

CREATE TABLE resident_phones (
  resident_id  text NOT NULL REFERENCES residents(id),
  raw          text NOT NULL,
  e164         text,
  PRIMARY KEY (resident_id, raw)
);
CREATE INDEX resident_phones_e164 ON resident_phones(e164);

CREATE TABLE resident_units (
  resident_id  text NOT NULL REFERENCES residents(id),
  unit_id      text NOT NULL REFERENCES units(id),
  relation     text NOT NULL CHECK (relation IN ('owner', 'tenant', 'family')),
  PRIMARY KEY (resident_id, unit_id)
);
CREATE INDEX resident_units_unit ON resident_units(unit_id);

CREATE TABLE tickets (
  id             uuid PRIMARY KEY,
  code           text UNIQUE,
  type           text NOT NULL,
  category       text NOT NULL,
  channel        text NOT NULL,
  priority       smallint NOT NULL CHECK (priority BETWEEN 0 AND 4),
  status         text NOT NULL,
  title          text NOT NULL,
  description    text NOT NULL DEFAULT '',
  unit_id        text REFERENCES units(id),
  unit_code      text,
  resident_id    text REFERENCES residents(id),
  resident_name  text,
  phone          text,
  team_id        text REFERENCES teams(id),
  assignee_id    uuid REFERENCES users(id),
  created_by     uuid REFERENCES users(id),
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  closed_at      timestamptz,
  version        int NOT NULL DEFAULT 1
);
CREATE INDEX tickets_status ON tickets(status);
CREATE INDEX tickets_team ON tickets(team_id);
CREATE INDEX tickets_assignee ON tickets(assignee_id);
CREATE INDEX tickets_created ON tickets(created_at DESC, id);
CREATE INDEX tickets_unit ON tickets(unit_id);

-- Per type prefix and Shanghai date: the next number of the human code (BX-20261126-0042).
CREATE TABLE ticket_code_counters (
  prefix_day  text PRIMARY KEY,
  last        int NOT NULL
);

-- Comments and the work log: insert-only, keyed by the client's uuid so a replay inserts nothing twice.
CREATE TABLE ticket_events (
  id          uuid PRIMARY KEY,
  ticket_id   uuid NOT NULL REFERENCES tickets(id),
  kind        text NOT NULL,
  body        text NOT NULL DEFAULT '',
  data        jsonb NOT NULL DEFAULT '{}',
  author_id   uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, created_at);

CREATE TABLE calls (
  id            uuid PRIMARY KEY,
  call_id       text NOT NULL UNIQUE,
  direction     text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  from_raw      text,
  from_e164     text,
  to_raw        text,
  agent_id      uuid REFERENCES users(id),
  resident_id   text REFERENCES residents(id),
  started_at    timestamptz NOT NULL,
  answered_at   timestamptz,
  ended_at      timestamptz,
  missed        boolean NOT NULL DEFAULT false,
  disposition   text,
  notes         text NOT NULL DEFAULT '',
  ticket_id     uuid REFERENCES tickets(id)
);
CREATE INDEX calls_started ON calls(started_at DESC);
CREATE INDEX calls_from ON calls(from_e164);

-- Change log read by pull (DESIGN.md §5): (xid, seq) order with the snapshot-xmin horizon, so a
-- transaction that commits late delays the cursor but is never skipped.
CREATE TABLE change_log (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  entity     text NOT NULL,
  entity_id  text NOT NULL,
  op         text NOT NULL CHECK (op IN ('put', 'del'))
);
CREATE INDEX change_log_order ON change_log(xid, seq);

-- One row per console install: the last mutation id processed, for exactly-once push.
CREATE TABLE sync_clients (
  client_id         uuid PRIMARY KEY,
  user_id           uuid NOT NULL REFERENCES users(id),
  last_mutation_id  bigint NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_seen_at      timestamptz NOT NULL DEFAULT now()
);

-- What each processed mutation did, so a rejected one can be explained to its console later.
CREATE TABLE sync_mutations (
  client_id    uuid NOT NULL REFERENCES sync_clients(client_id),
  mutation_id  bigint NOT NULL,
  name         text NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('applied', 'rejected')),
  error_code   text,
  error        text,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor_id   uuid REFERENCES users(id),
  action     text NOT NULL,
  subject    text NOT NULL,
  data       jsonb NOT NULL DEFAULT '{}'
);
