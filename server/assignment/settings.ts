/**
 * Queue settings and agents' capacities as a lead changes them, and the overview the assignment panel shows.
 * A change that can free room or start a rule (a queue switched to automatic, capacity raised) drains the queue in
 * the same transaction, so the waiting tickets move at once.
 */
import type {
  AssignmentOverview,
  QueueSettings,
  SetQueueSettingsRequest,
  WaitingTicket,
} from '../../common/assignment';
import type { Category, User } from '../../common/domain';
import type { Db, Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { recordChange } from '../sync/changes';
import { notifyChanges } from '../sync/notify';
import { drainQueue, loadCandidates, type Assigned } from './engine';

interface QueueRow {
  team_id: string;
  name_zh: string;
  name_en: string;
  mode: QueueSettings['mode'] | null;
  skills_filter: boolean | null;
  escalate_after_min: number | null;
  escalate_to: string | null;
}

/** A team without a row yet is a manual queue with the skills filter on and no escalation. */
function settingsOf(r: QueueRow): QueueSettings {
  return {
    teamId: r.team_id,
    mode: r.mode ?? 'manual',
    skillsFilter: r.skills_filter ?? true,
    escalateAfterMinutes: r.escalate_after_min == null ? null : Number(r.escalate_after_min),
    escalateToId: r.escalate_to == null ? null : String(r.escalate_to),
  };
}

const QUEUES_SQL = `SELECT t.id AS team_id, t.name_zh, t.name_en, a.mode, a.skills_filter, a.escalate_after_min,
                           a.escalate_to::text AS escalate_to
                      FROM teams t LEFT JOIN assignment_queues a ON a.team_id = t.id`;

async function waitingTickets(q: Queryable, teamId: string): Promise<WaitingTicket[]> {
  const { rows } = await q.query<Record<string, unknown>>(
    `SELECT id::text AS id, code, title, category, priority, created_at FROM tickets
      WHERE team_id = $1 AND assignee_id IS NULL AND closed_at IS NULL AND deleted_at IS NULL
      ORDER BY created_at, filed_seq LIMIT 200`,
    [teamId],
  );
  return rows.map((r) => ({
    id: String(r.id),
    code: r.code == null ? null : String(r.code),
    title: String(r.title),
    category: r.category as Category,
    priority: Number(r.priority),
    createdAt: new Date(r.created_at as string).toISOString(),
  }));
}

export async function assignmentOverview(db: Db): Promise<AssignmentOverview> {
  const { rows } = await db.query<QueueRow>(`${QUEUES_SQL} ORDER BY t.id`);
  const queues = [];
  for (const row of rows) {
    const candidates = await loadCandidates(db, row.team_id);
    queues.push({
      settings: settingsOf(row),
      nameZh: row.name_zh,
      nameEn: row.name_en,
      agents: candidates.map(({ id, name, skills, capacity, load, presence }) => ({
        id,
        name,
        skills: [...skills],
        capacity,
        load,
        presence,
      })),
      waiting: await waitingTickets(db, row.team_id),
    });
  }
  return { queues };
}

async function requireTeam(q: Queryable, teamId: string): Promise<void> {
  const { rows } = await q.query('SELECT 1 FROM teams WHERE id = $1', [teamId]);
  if (!rows[0]) throw new HttpError(404, 'not_found', { message: `Team ${teamId} does not exist` });
}

/** The lead's pick must be a lead or an admin who can take the ticket (an active user). */
async function requireEscalationTarget(q: Queryable, userId: string | null): Promise<void> {
  if (userId === null) return;
  const { rows } = await q.query(
    `SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('agent', 'lead', 'admin')`,
    [userId],
  );
  if (!rows[0]) {
    throw new HttpError(422, 'invalid_request', [
      { path: ['escalateToId'], message: 'Not an active agent, lead or admin' },
    ]);
  }
}

export async function setQueueSettings(
  db: Db,
  user: User,
  teamId: string,
  body: SetQueueSettingsRequest,
  now: Date,
): Promise<{ settings: QueueSettings; assigned: Assigned[] }> {
  return db.tx(async (q) => {
    await requireTeam(q, teamId);
    await requireEscalationTarget(q, body.escalateToId);
    await q.query(
      `INSERT INTO assignment_queues (team_id, mode, skills_filter, escalate_after_min, escalate_to, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (team_id) DO UPDATE SET mode = EXCLUDED.mode, skills_filter = EXCLUDED.skills_filter,
         escalate_after_min = EXCLUDED.escalate_after_min, escalate_to = EXCLUDED.escalate_to,
         updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [teamId, body.mode, body.skillsFilter, body.escalateAfterMinutes, body.escalateToId, now.toISOString(), user.id],
    );
    const assigned = await drainQueue(q, teamId, now);
    if (assigned.length > 0) await notifyChanges(q, { assignment: teamId });
    return { settings: { teamId, ...body }, assigned };
  });
}

/** Sets an agent's capacity (synced with the user to every console) and drains their queue. */
export async function setAgentCapacity(
  db: Db,
  userId: string,
  capacity: number,
  now: Date,
): Promise<{ capacity: number; assigned: Assigned[] }> {
  return db.tx(async (q) => {
    const { rows } = await q.query<{ team_id: string | null }>(
      `UPDATE users SET capacity = $2 WHERE id = $1 AND role = 'agent' RETURNING team_id`,
      [userId, capacity],
    );
    const row = rows[0];
    if (!row) throw new HttpError(404, 'not_found', { message: `No agent ${userId}` });
    await recordChange(q, 'user', userId);
    const assigned = row.team_id ? await drainQueue(q, row.team_id, now) : [];
    await notifyChanges(q, { assignment: userId });
    return { capacity, assigned };
  });
}
