/**
 * Escalation (issue 12 item 2): a ticket whose current step is overdue by its queue's configured minutes is
 * escalated once — one row per ticket step (the unique key makes a repeated or concurrent sweep a no-op) — and,
 * when the queue names the lead's pick, reassigned to them. Leads see the open escalations and acknowledge them;
 * each new one is pushed live to leads' and admins' consoles (NOTIFY, so every server node delivers its own).
 */
import type { Escalation } from '../../common/assignment';
import type { TicketType, User } from '../../common/domain';
import type { Db, Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { loadTicket } from '../tickets/store';
import { notifyChanges } from '../sync/notify';
import { drainQueues, writeSystemAssignment } from './engine';

export const ESCALATIONS_CHANNEL = 'desk_escalations';

const ESCALATION_COLUMNS = `e.id::text AS id, e.ticket_id::text AS ticket_id, t.code, t.type, t.title, e.team_id, e.step,
  e.due_at, e.created_at, e.reassigned_to::text AS reassigned_to, e.acknowledged_at,
  e.acknowledged_by::text AS acknowledged_by`;

const iso = (v: unknown) => new Date(v as string).toISOString();

function escalationFromRow(r: Record<string, unknown>): Escalation {
  return {
    id: String(r.id),
    ticketId: String(r.ticket_id),
    ticketCode: r.code == null ? null : String(r.code),
    ticketType: r.type as TicketType,
    title: String(r.title),
    teamId: r.team_id == null ? null : String(r.team_id),
    step: String(r.step),
    dueAt: iso(r.due_at),
    createdAt: iso(r.created_at),
    reassignedTo: r.reassigned_to == null ? null : String(r.reassigned_to),
    acknowledgedAt: r.acknowledged_at == null ? null : iso(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by == null ? null : String(r.acknowledged_by),
  };
}

/** Open escalations first (oldest first), then the acknowledged ones; `id`: that one only. */
export async function listEscalations(
  q: Queryable,
  { open, id = null }: { open: boolean; id?: string | null },
): Promise<Escalation[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT ${ESCALATION_COLUMNS} FROM escalations e JOIN tickets t ON t.id = e.ticket_id
      WHERE t.deleted_at IS NULL ${open ? 'AND e.acknowledged_at IS NULL' : ''} AND ($1::uuid IS NULL OR e.id = $1)
      ORDER BY (e.acknowledged_at IS NULL) DESC, e.created_at, e.id LIMIT 500`,
    [id],
  );
  return rows.map(escalationFromRow);
}

export async function acknowledgeEscalation(db: Db, user: User, id: string, now: Date): Promise<Escalation> {
  return db.tx(async (q) => {
    const { rows } = await q.query(
      `UPDATE escalations SET acknowledged_at = coalesce(acknowledged_at, $2), acknowledged_by = coalesce(acknowledged_by, $3)
        WHERE id = $1 RETURNING id`,
      [id, now.toISOString(), user.id],
    );
    if (!rows[0]) throw new HttpError(404, 'not_found', { message: `Escalation ${id} does not exist` });
    const [escalation] = await listEscalations(q, { open: false, id });
    if (!escalation) throw new HttpError(404, 'not_found', { message: `Escalation ${id} does not exist` });
    await q.query('SELECT pg_notify($1, $2)', [ESCALATIONS_CHANNEL, id]);
    return escalation;
  });
}

/** Reassigns an escalated ticket to the queue's pick, unless they hold it already or it closed meanwhile. */
async function reassignToPick(q: Queryable, ticketId: string, pick: string, now: Date): Promise<boolean> {
  const ticket = await loadTicket(q, ticketId, { forUpdate: true });
  if (!ticket || ticket.closedAt !== null || ticket.assigneeId === pick) return false;
  await writeSystemAssignment(q, ticket, pick, 'escalation', now);
  return true;
}

/**
 * One sweep: escalates every step overdue past its queue's limit that has no escalation yet, reassigns to the
 * lead's pick where configured, and drains every automatic queue (a safety net for capacity freed where no push
 * ran: a wrap-up that ended, a ticket moved to another queue). Returns the new escalations' ids.
 */
export async function sweepAssignments(db: Db, now: Date): Promise<string[]> {
  return db.tx(async (q) => {
    const { rows: created } = await q.query<{ id: string; ticket_id: string; escalate_to: string | null }>(
      `WITH inserted AS (
         INSERT INTO escalations (id, ticket_id, team_id, step, step_started_at, due_at, created_at)
         SELECT gen_random_uuid(), t.id, t.team_id, t.status, t.sla_started_at, t.sla_due_at, $1
           FROM tickets t JOIN assignment_queues a ON a.team_id = t.team_id
          WHERE a.escalate_after_min IS NOT NULL AND t.closed_at IS NULL AND t.deleted_at IS NULL
            AND t.sla_due_at IS NOT NULL AND t.sla_started_at IS NOT NULL
            AND t.sla_due_at + make_interval(mins => a.escalate_after_min) <= $1
         ON CONFLICT DO NOTHING
         RETURNING id, ticket_id, team_id)
       SELECT i.id::text AS id, i.ticket_id::text AS ticket_id, a.escalate_to::text AS escalate_to
         FROM inserted i JOIN assignment_queues a ON a.team_id = i.team_id
        ORDER BY i.id`,
      [now.toISOString()],
    );
    for (const e of created) {
      if (e.escalate_to && (await reassignToPick(q, e.ticket_id, e.escalate_to, now))) {
        await q.query('UPDATE escalations SET reassigned_to = $2 WHERE id = $1', [e.id, e.escalate_to]);
      }
      await q.query('SELECT pg_notify($1, $2)', [ESCALATIONS_CHANNEL, e.id]);
    }
    const { rows: auto } = await q.query<{ team_id: string }>(
      `SELECT team_id FROM assignment_queues WHERE mode <> 'manual'`,
    );
    const assigned = await drainQueues(
      q,
      auto.map((r) => r.team_id),
      now,
    );
    if (created.length > 0 || assigned.length > 0) await notifyChanges(q, { assignment: 'sweep' });
    return created.map((e) => e.id);
  });
}
