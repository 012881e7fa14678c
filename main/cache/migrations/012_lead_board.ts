/**
 * The lead board's ticket figures from small indexes over the open tickets only (issue 12 item 1): the queue counts
 * and the agents' loads each read one partial covering index instead of every ticket's row, and the next at-risk
 * instant is one seek (main/lead/board-query.ts keeps its figures until then).
 */
import type { Migration } from '../migrate';

export const migration012: Migration = {
  version: 12,
  up(db) {
    // is_open leads though it is constant here: the planner (the cache has no statistics) then seeks these
    // covering indexes for `is_open = 1` rather than tickets_by_closed or tickets_by_open_sla plus a row per ticket.
    db.exec(`
      CREATE INDEX tickets_board_queue ON tickets(is_open, team_id, sla_due_ms, sla_risk_ms, assignee_id)
        WHERE is_open = 1;
      CREATE INDEX tickets_board_load ON tickets(is_open, assignee_id) WHERE is_open = 1;
      CREATE INDEX tickets_board_risk_at ON tickets(is_open, sla_risk_ms) WHERE is_open = 1;
    `);
  },
};
