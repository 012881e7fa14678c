/**
 * The server's assignment decisions (issue 12 item 2), always inside the caller's transaction.
 *
 * `drainQueue` is the one entry point: under the queue row's lock it walks the queue's unassigned open tickets,
 * oldest first, and gives each to the agent common/assignment chooses, until no agent has room. A new ticket is
 * therefore decided in the transaction that made it assignable (push, intake), after any older waiting ticket;
 * freed capacity (a ticket closed, an agent back, capacity raised) drains the queue the same way.
 *
 * Never two agents for one ticket, even with several server nodes: the queue row is locked FOR UPDATE (in the
 * database, not in memory), so decisions for one queue are serialised, and a waiting ticket is locked and re-read
 * before it is written. Tickets another transaction holds are skipped (SKIP LOCKED): that transaction drains the
 * queue itself once it gets the lock, so nothing deadlocks and nothing is lost.
 */
import { randomUUID } from 'node:crypto';
import {
  canReceive,
  chooseAssignee,
  systemAssignmentNote,
  type AssignRule,
  type AssignmentMode,
  type Candidate,
} from '../../common/assignment';
import type { Category, PresenceState, Ticket } from '../../common/domain';
import { recordAudit, type AuditSource } from '../audit/log';
import type { Queryable } from '../db/driver';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../db/rows';
import { recordChange } from '../sync/changes';
import { insertEvents, saveTicket } from '../tickets/store';

/** At most this many waiting tickets are looked at per drain (the rest wait for the next one). */
const DRAIN_LIMIT = 500;

export interface Assigned {
  ticketId: string;
  assigneeId: string;
  teamId: string;
}

/**
 * Writes one system assignment as an ordinary ticket event (it syncs and shows in the timeline) with its audit
 * row, in the caller's transaction. The ticket must be locked by the caller.
 */
export async function writeSystemAssignment(
  q: Queryable,
  ticket: Ticket,
  assigneeId: string,
  rule: AssignRule,
  now: Date,
  source: AuditSource = { ip: null },
): Promise<void> {
  const at = now.toISOString();
  const reason = `auto:${rule}`;
  await saveTicket(q, { ...ticket, assigneeId, updatedAt: at, version: ticket.version + 1 }, false);
  const eventIds = await insertEvents(q, [
    {
      id: randomUUID(),
      ticketId: ticket.id,
      kind: 'assign',
      body: systemAssignmentNote(rule),
      data: { from: ticket.assigneeId, to: assigneeId, teamFrom: ticket.teamId, teamTo: ticket.teamId, reason, rule },
      authorId: null,
      createdAt: at,
    },
  ]);
  await recordChange(q, 'ticket', ticket.id);
  for (const id of eventIds) await recordChange(q, 'ticket_event', id);
  await recordAudit(
    q,
    {
      actor: null,
      // The same act as a lead's assignment (server/sync/execute audits those as ticket.reassign); no actor: the system.
      action: 'ticket.reassign',
      subjectType: 'ticket',
      subjectId: ticket.id,
      source,
      detail: { from: ticket.assigneeId, to: assigneeId, reason, rule, queue: ticket.teamId },
    },
    now,
  );
}

interface QueueRow {
  mode: AssignmentMode;
  skills_filter: boolean;
}

async function queueMode(q: Queryable, teamId: string, lock: boolean): Promise<QueueRow | undefined> {
  const { rows } = await q.query<QueueRow>(
    `SELECT mode, skills_filter FROM assignment_queues WHERE team_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [teamId],
  );
  return rows[0];
}

/** The queue's agents as the decision sees them (load counts every open ticket they hold, whatever its queue). */
export async function loadCandidates(q: Queryable, teamId: string): Promise<(Candidate & { name: string })[]> {
  const { rows } = await q.query<Row>(
    `SELECT u.id::text AS id, u.name, u.skills, u.capacity, p.state, r.last_turn,
            (SELECT count(*) FROM tickets t
              WHERE t.assignee_id = u.id AND t.closed_at IS NULL AND t.deleted_at IS NULL)::int AS load
       FROM users u
       LEFT JOIN agent_presence p ON p.user_id = u.id
       LEFT JOIN assignment_rotation r ON r.team_id = $1 AND r.user_id = u.id
      WHERE u.team_id = $1 AND u.role = 'agent' AND u.active
      ORDER BY u.name, u.id`,
    [teamId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    skills: (r.skills as Category[] | null) ?? [],
    capacity: Number(r.capacity),
    load: Number(r.load),
    presence: (r.state as PresenceState | null) ?? null,
    lastTurn: r.last_turn == null ? null : Number(r.last_turn),
  }));
}

/** Unassigned open tickets of the queue, oldest first, locked (those another transaction holds are skipped). */
async function lockWaiting(q: Queryable, teamId: string): Promise<Ticket[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS} FROM tickets
      WHERE team_id = $1 AND assignee_id IS NULL AND closed_at IS NULL AND deleted_at IS NULL
      ORDER BY created_at, filed_seq LIMIT ${DRAIN_LIMIT}
      FOR UPDATE SKIP LOCKED`,
    [teamId],
  );
  return rows.map(ticketFromRow);
}

async function takeTurn(q: Queryable, teamId: string, userId: string, turn: number, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO assignment_rotation (team_id, user_id, last_turn, assigned_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (team_id, user_id) DO UPDATE SET last_turn = EXCLUDED.last_turn, assigned_at = EXCLUDED.assigned_at`,
    [teamId, userId, turn, now.toISOString()],
  );
}

/**
 * Assigns the queue's waiting tickets while agents have room (see the header). Returns what it assigned; nothing
 * for a manual queue or a team without settings.
 */
export async function drainQueue(q: Queryable, teamId: string, now: Date): Promise<Assigned[]> {
  // A manual queue (most) is left at once, without taking its lock.
  const unlocked = await queueMode(q, teamId, false);
  if (!unlocked || unlocked.mode === 'manual') return [];
  const queue = await queueMode(q, teamId, true);
  if (!queue || queue.mode === 'manual') return []; // switched to manual meanwhile
  const candidates = await loadCandidates(q, teamId);
  // Nobody at the desk with room: everything waits, and the waiting tickets need not even be read.
  const anyoneFree = () => candidates.some(canReceive);
  if (!anyoneFree()) return [];
  let turn = Math.max(0, ...candidates.map((c) => c.lastTurn ?? 0));
  const assigned: Assigned[] = [];
  for (const ticket of await lockWaiting(q, teamId)) {
    const pick = chooseAssignee(queue.mode, candidates, ticket.category, queue.skills_filter);
    if (!pick) continue; // nobody with room (and the skill): it waits; a later ticket of another category may fit
    turn += 1;
    pick.load += 1;
    pick.lastTurn = turn;
    await writeSystemAssignment(q, ticket, pick.id, queue.mode, now);
    await takeTurn(q, teamId, pick.id, turn, now);
    assigned.push({ ticketId: ticket.id, assigneeId: pick.id, teamId });
    if (!anyoneFree()) break;
  }
  return assigned;
}

/** Drains several queues, in id order so that two transactions never wait on each other's queue locks. */
export async function drainQueues(q: Queryable, teamIds: Iterable<string>, now: Date): Promise<Assigned[]> {
  const assigned: Assigned[] = [];
  for (const teamId of [...new Set(teamIds)].sort()) assigned.push(...(await drainQueue(q, teamId, now)));
  return assigned;
}

/**
 * After a write (push, intake): drains the queues of the tickets it touched and of the users it names (the actor:
 * a presence change, a ticket closed). Runs in a savepoint: a failed decision leaves the tickets waiting — the
 * periodic sweep decides them — and never fails the write that made them assignable.
 */
export async function autoAssignAfterWrite(
  q: Queryable,
  touched: { ticketIds: readonly string[]; userIds: readonly string[] },
  now: Date,
  onError: (err: unknown) => void = () => {},
): Promise<Assigned[]> {
  if (touched.ticketIds.length === 0 && touched.userIds.length === 0) return [];
  // One round trip when every touched queue is manual (most pushes): no savepoint, no lock.
  const { rows } = await q.query<{ team_id: string }>(
    `SELECT team_id FROM assignment_queues
      WHERE mode <> 'manual'
        AND team_id IN (SELECT team_id FROM tickets WHERE id = ANY($1::uuid[])
                        UNION SELECT team_id FROM users WHERE id = ANY($2::uuid[]))`,
    [touched.ticketIds, touched.userIds],
  );
  if (rows.length === 0) return [];
  await q.query('SAVEPOINT auto_assign');
  try {
    const assigned = await drainQueues(
      q,
      rows.map((r) => String(r.team_id)),
      now,
    );
    await q.query('RELEASE SAVEPOINT auto_assign');
    return assigned;
  } catch (err) {
    await q.query('ROLLBACK TO SAVEPOINT auto_assign');
    onError(err);
    return [];
  }
}
