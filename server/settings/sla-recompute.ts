/**
 * Running SLA clocks follow a settings change (issue 4 item 2): when a lead switches the weather alert or an admin
 * changes limits or a year's schedule, every open ticket whose clock is running gets its deadline and at-risk
 * instant again from the new policy, counted from the same start with the same pauses (common/sla ticketSla with
 * the ticket as its own "before"). Written in the settings change's transaction, with a change-log row per ticket,
 * so consoles pull the new deadlines like any other change. Paused clocks are left alone: they restart from what
 * was left under the policy of the day they resume. Neither `updated_at` nor anyone's activity changes.
 */
import { ticketSla, type TicketSlaContext } from '../../common/sla';
import type { Queryable } from '../db/driver';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../db/rows';
import { recordChanges } from '../sync/changes';

export async function recomputeRunningClocks(q: Queryable, sla: TicketSlaContext, now: Date): Promise<number> {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS} FROM tickets t
      WHERE t.deleted_at IS NULL AND t.sla_due_at IS NOT NULL AND t.sla_paused_at IS NULL`,
  );
  const ids: string[] = [];
  const due: string[] = [];
  const risk: string[] = [];
  const provisional: boolean[] = [];
  for (const row of rows) {
    const ticket = ticketFromRow(row);
    const next = ticketSla(ticket, ticket, now, sla);
    if (next.slaDueAt === null || next.slaRiskAt === null) continue; // no clock under the new policy: keep it
    if (
      next.slaDueAt === ticket.slaDueAt &&
      next.slaRiskAt === ticket.slaRiskAt &&
      next.slaProvisional === ticket.slaProvisional
    ) {
      continue;
    }
    ids.push(ticket.id);
    due.push(next.slaDueAt);
    risk.push(next.slaRiskAt);
    provisional.push(next.slaProvisional);
  }
  if (ids.length === 0) return 0;
  await q.query(
    `UPDATE tickets t SET sla_due_at = v.due, sla_risk_at = v.risk, sla_provisional = v.provisional,
         version = t.version + 1
       FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::boolean[]) AS v(id, due, risk, provisional)
      WHERE t.id = v.id`,
    [ids, due, risk, provisional],
  );
  await recordChanges(q, 'ticket', ids);
  return ids.length;
}
