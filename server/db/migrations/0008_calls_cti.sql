-- Phone calls (issue 10): call records built from CTI events by common/calls/machine.ts, the processed event ids,
-- every reporter's id of a call, the block list, outbound caller-ID rules, CTI settings and agent presence.

-- A service account that only reports call events (POST /api/v1/cti/events); it has no other permission.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('agent', 'lead', 'technician', 'kiosk', 'admin', 'integration'));

-- The queried facts of a call are columns; the rest of the record (legs, offered agents, transfers, callback
-- details, …) is `detail`, which server/db/rows.ts merges back into one Call.
ALTER TABLE calls ADD COLUMN state text NOT NULL DEFAULT 'ended'
  CHECK (state IN ('ringing', 'talking', 'held', 'ended'));
ALTER TABLE calls ADD COLUMN source text NOT NULL DEFAULT 'desk';
ALTER TABLE calls ADD COLUMN callback_state text NOT NULL DEFAULT 'none'
  CHECK (callback_state IN ('none', 'open', 'claimed', 'done'));
ALTER TABLE calls ADD COLUMN callback_claimed_by uuid REFERENCES users(id);
ALTER TABLE calls ADD COLUMN last_event_at timestamptz;
ALTER TABLE calls ADD COLUMN detail jsonb NOT NULL DEFAULT '{}';
-- Calls logged before this migration that were missed wait in the callback queue like new ones.
UPDATE calls SET callback_state = 'open' WHERE missed;

-- The call list's filters and the sweep.
CREATE INDEX calls_started_id ON calls(started_at DESC, id DESC);
CREATE INDEX calls_missed ON calls(started_at DESC, id DESC) WHERE missed;
CREATE INDEX calls_agent ON calls(agent_id, started_at DESC);
CREATE INDEX calls_open ON calls(started_at) WHERE state <> 'ended';
CREATE INDEX calls_callback ON calls(callback_state) WHERE callback_state IN ('open', 'claimed');

-- Each reporter's id of a call (the primary one, every leg's, every SIP Call-ID) → the call's record.
CREATE TABLE call_aliases (
  kind     text NOT NULL CHECK (kind IN ('call', 'sip')),
  alias    text NOT NULL,
  call_id  uuid NOT NULL REFERENCES calls(id),
  PRIMARY KEY (kind, alias)
);
CREATE INDEX call_aliases_call ON call_aliases(call_id);

-- Events already applied, by reporter and event id: a retried webhook or a replayed outbox applies nothing twice.
CREATE TABLE cti_events (
  source        text NOT NULL,
  event_id      text NOT NULL,
  call_id       uuid NOT NULL REFERENCES calls(id),
  processed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, event_id)
);

-- Callers refused at the Zammad-compatible endpoint ({"action":"reject","reason":"busy"}).
CREATE TABLE call_blocks (
  id          uuid PRIMARY KEY,
  e164        text NOT NULL UNIQUE,
  reason      text NOT NULL,
  expires_at  timestamptz,
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Outbound caller ID by destination: `pattern` is a number with `*` wildcards (Zammad's routing table);
-- the first rule by position that matches the dialled number wins.
CREATE TABLE caller_id_rules (
  position   int PRIMARY KEY,
  pattern    text NOT NULL,
  caller_id  text NOT NULL,
  note       text NOT NULL DEFAULT ''
);

-- Each agent's presence (available, on_call, wrap_up, break, offline), synced as the `presence` entity.
CREATE TABLE agent_presence (
  user_id        uuid PRIMARY KEY REFERENCES users(id),
  state          text NOT NULL CHECK (state IN ('available', 'on_call', 'wrap_up', 'break', 'offline')),
  since          timestamptz NOT NULL,
  wrap_up_until  timestamptz,
  call_id        uuid REFERENCES calls(id)
);
CREATE INDEX agent_presence_wrap_up ON agent_presence(wrap_up_until) WHERE state = 'wrap_up';

-- CTI settings (server/cti/settings.ts validates the document): the integration switch, the wrap-up codes and
-- the after-call time.
INSERT INTO server_settings (key, value) VALUES (
  'cti',
  '{"enabled": true,
    "dispositions": ["repair_logged", "complaint_logged", "enquiry_answered", "fee_enquiry", "wrong_number",
                     "transferred", "callback_promised"],
    "wrapUpSeconds": 60}'
) ON CONFLICT (key) DO NOTHING;
