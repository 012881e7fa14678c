/**
 * SLA wiring and the queue views (issue 4 items 1 and 3): the Ticket's SLA fields, plus derived columns the
 * repository keeps so each view is one index range in SLA-urgency order:
 *   sla_due_ms  deadline in epoch ms, or SLA_NO_DEADLINE (paused, no clock) so those sort last without NULL tricks;
 *   sla_risk_ms the at-risk instant; closed_ms for "recently closed";
 *   wait_kind   'follow_up' (awaiting the 回访 call) or 'resident' (on hold / fee promised), else NULL.
 * Cached rows have no SLA fields yet: the pull starts over so the server's values arrive (rows stay on screen
 * meanwhile, the outbox is untouched), as in migration 003.
 */
import type { Migration } from '../migrate';

/** Largest valid Date in ms: "no deadline" sorts after every real one. */
export const SLA_NO_DEADLINE = 8_640_000_000_000_000;

export const migration005: Migration = {
  version: 5,
  up(db) {
    db.exec(`
      ALTER TABLE tickets ADD COLUMN sla_milestone TEXT;
      ALTER TABLE tickets ADD COLUMN sla_started_at TEXT;
      ALTER TABLE tickets ADD COLUMN sla_due_at TEXT;
      ALTER TABLE tickets ADD COLUMN sla_risk_at TEXT;
      ALTER TABLE tickets ADD COLUMN sla_paused_at TEXT;
      ALTER TABLE tickets ADD COLUMN sla_remaining_minutes REAL;
      ALTER TABLE tickets ADD COLUMN sla_provisional INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tickets ADD COLUMN sla_pauses TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE tickets ADD COLUMN sla_due_ms INTEGER NOT NULL DEFAULT ${SLA_NO_DEADLINE};
      ALTER TABLE tickets ADD COLUMN sla_risk_ms INTEGER;
      ALTER TABLE tickets ADD COLUMN closed_ms INTEGER;
      ALTER TABLE tickets ADD COLUMN wait_kind TEXT;

      UPDATE tickets SET closed_ms = CAST(round((julianday(closed_at) - 2440587.5) * 86400000) AS INTEGER)
       WHERE closed_at IS NOT NULL;

      -- Open views in SLA-urgency order; "mine"/"unassigned" replace the updated-order assignee index.
      DROP INDEX IF EXISTS tickets_by_assignee;
      CREATE INDEX tickets_by_open_sla ON tickets(is_open, sla_due_ms, id);
      CREATE INDEX tickets_by_assignee_sla ON tickets(assignee_id, is_open, sla_due_ms, id);
      CREATE INDEX tickets_by_team_sla ON tickets(team_id, is_open, sla_due_ms, id);
      CREATE INDEX tickets_by_wait ON tickets(wait_kind, sla_due_ms, id) WHERE wait_kind IS NOT NULL;
      CREATE INDEX tickets_by_closed ON tickets(is_open, closed_ms DESC, id DESC);

      DELETE FROM meta WHERE key IN ('pull_cursor', 'initial_sync');
    `);
  },
};
