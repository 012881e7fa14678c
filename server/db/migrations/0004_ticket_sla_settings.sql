-- SLA wiring (issue 4 items 2–3): each ticket's current SLA clock, computed by common/sla/ticket-sla.ts inside
-- applyMutation, and the server settings store (SLA limits overrides, admin year schedules, weather alert).
-- Rows written before this migration have no clock (NULLs) until their next status or priority change.

ALTER TABLE tickets ADD COLUMN sla_milestone text;
ALTER TABLE tickets ADD COLUMN sla_started_at timestamptz;
ALTER TABLE tickets ADD COLUMN sla_due_at timestamptz;
ALTER TABLE tickets ADD COLUMN sla_risk_at timestamptz;
ALTER TABLE tickets ADD COLUMN sla_paused_at timestamptz;
ALTER TABLE tickets ADD COLUMN sla_remaining_minutes double precision;
ALTER TABLE tickets ADD COLUMN sla_provisional boolean NOT NULL DEFAULT false;
-- Every on_hold span, [{start, end}] (end null while on hold): the clock excludes them.
ALTER TABLE tickets ADD COLUMN sla_pauses jsonb NOT NULL DEFAULT '[]';
-- "Overdue" and "at risk" reports over open tickets.
CREATE INDEX tickets_sla_due ON tickets(sla_due_at) WHERE sla_due_at IS NOT NULL AND closed_at IS NULL;

-- Settings as validated JSON documents, one row per key ('sla'); version counts changes so nodes can reload.
CREATE TABLE server_settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  version     bigint NOT NULL DEFAULT 1,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  uuid REFERENCES users(id)
);
