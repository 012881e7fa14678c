/**
 * Agents' presence on the server (DESIGN.md §4): set by the agent (`presence.set`) and by calls — the answering
 * agent is on_call, then in wrap_up for the site's after-call time when the call ends, then available again (the
 * sweep). Every write logs a `presence` change so leads' consoles pull it.
 */
import type { Call, Presence } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { PRESENCE_COLUMNS, presenceFromRow, type Row } from '../db/rows';
import type { LogChange } from './log';

export async function loadPresence(q: Queryable, userId: string): Promise<Presence | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${PRESENCE_COLUMNS} FROM agent_presence WHERE user_id = $1`, [userId]);
  return rows[0] ? presenceFromRow(rows[0]) : undefined;
}

export async function savePresence(q: Queryable, p: Presence, log: LogChange): Promise<void> {
  await q.query(
    `INSERT INTO agent_presence (${PRESENCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since,
       wrap_up_until = EXCLUDED.wrap_up_until, call_id = EXCLUDED.call_id`,
    [p.userId, p.state, p.since, p.wrapUpUntil, p.callId],
  );
  await log('presence', p.userId);
}

/**
 * What a call's change does to its agent's presence: answered → on_call with the call; ended while on that call
 * → wrap_up until now + the site's after-call time (read only then). Anything else (a break, another call) is the
 * agent's own business.
 */
export async function followCall(
  q: Queryable,
  before: Call | undefined,
  after: Call,
  now: Date,
  wrapUpSeconds: () => Promise<number>,
  log: LogChange,
): Promise<void> {
  const agentId = after.agentId;
  if (!agentId || after.source === 'desk') return;
  const answeredNow = after.answeredAt !== null && (before?.answeredAt == null || before.agentId !== agentId);
  const endedNow = after.state === 'ended' && before?.state !== 'ended';
  const current = await loadPresence(q, agentId);
  const at = now.toISOString();
  if (answeredNow && !endedNow) {
    if (current?.state === 'on_call' && current.callId === after.id) return;
    await savePresence(q, { userId: agentId, state: 'on_call', since: at, wrapUpUntil: null, callId: after.id }, log);
    return;
  }
  if (endedNow && after.answeredAt !== null && (current === undefined || current.callId === after.id)) {
    if (current?.state === 'wrap_up') return;
    const until = new Date(now.getTime() + (await wrapUpSeconds()) * 1000).toISOString();
    await savePresence(q, { userId: agentId, state: 'wrap_up', since: at, wrapUpUntil: until, callId: after.id }, log);
  }
}

/** Agents whose wrap-up time is over become available (run by the sweep). Returns their ids. */
export async function endWrapUps(q: Queryable, now: Date, log: LogChange): Promise<string[]> {
  const { rows } = await q.query<{ user_id: string }>(
    `UPDATE agent_presence SET state = 'available', since = $1, wrap_up_until = NULL, call_id = NULL
      WHERE state = 'wrap_up' AND wrap_up_until <= $1 RETURNING user_id::text AS user_id`,
    [now.toISOString()],
  );
  for (const r of rows) await log('presence', String(r.user_id));
  return rows.map((r) => String(r.user_id));
}
