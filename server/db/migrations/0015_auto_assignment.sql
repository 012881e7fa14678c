-- Auto-assignment and escalation (issue 12 item 2). One row per team queue: its mode, whether the ticket's category
-- must be among the agent's skills, and its escalation rule. The row is also the queue's lock: every assignment
-- decision for the queue first locks it (SELECT … FOR UPDATE), so two server nodes never decide at once.
CREATE TABLE assignment_queues (
  team_id              text PRIMARY KEY REFERENCES teams(id),
  mode                 text NOT NULL DEFAULT 'manual' CHECK (mode IN ('manual', 'round_robin', 'least_loaded')),
  skills_filter        boolean NOT NULL DEFAULT true,
  escalate_after_min   int CHECK (escalate_after_min BETWEEN 1 AND 10080),
  escalate_to          uuid REFERENCES users(id),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  updated_by           uuid REFERENCES users(id)
);
INSERT INTO assignment_queues (team_id) SELECT id FROM teams ON CONFLICT DO NOTHING;

-- The queue's rotation: the turn (a counter per queue, not a clock: one transaction may assign several tickets at
-- the same instant) at which each agent last received a ticket. Round robin gives the next to the oldest turn.
CREATE TABLE assignment_rotation (
  team_id      text NOT NULL REFERENCES teams(id),
  user_id      uuid NOT NULL REFERENCES users(id),
  last_turn    bigint NOT NULL,
  assigned_at  timestamptz NOT NULL,
  PRIMARY KEY (team_id, user_id)
);

-- One escalation per ticket step (a step is the SLA clock that started at step_started_at): the sweep inserts
-- with ON CONFLICT DO NOTHING, so running it twice, or on two nodes, escalates once.
CREATE TABLE escalations (
  id               uuid PRIMARY KEY,
  ticket_id        uuid NOT NULL REFERENCES tickets(id),
  team_id          text REFERENCES teams(id),
  step             text NOT NULL,
  step_started_at  timestamptz NOT NULL,
  due_at           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  reassigned_to    uuid REFERENCES users(id),
  acknowledged_at  timestamptz,
  acknowledged_by  uuid REFERENCES users(id),
  UNIQUE (ticket_id, step, step_started_at)
);
CREATE INDEX escalations_open ON escalations(created_at) WHERE acknowledged_at IS NULL;
-- The waiting queue and agents' load read open tickets by team and by assignee.
CREATE INDEX tickets_unassigned_open ON tickets(team_id, created_at) WHERE assignee_id IS NULL AND closed_at IS NULL;
