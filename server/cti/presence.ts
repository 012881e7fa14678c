/**
 * Agents' presence on the server (DESIGN.md §4): set by the agent (`presence.set`) and by calls — the answering
 * agent is on_call, then in wrap_up for the site's after-call time when the call ends, then available again (the
 * sweep). Every write logs a `presence` change so leads' consoles pull it.
 */
import type { Call, Presence } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { PRESENCE_COLUMNS, presenceFromRow, type Row } from '../db/rows';
import type { Statement } from '../db/statement';
import type { LogChange } from './log';

export async function loadPresence(q: Queryable, userId: string): Promise<Presence | undefined> {
  const { rows } = await q.query<Row>(`SELECT ${PRESENCE_COLUMNS} FROM agent_presence WHERE user_id = $1`, [userId]);
  return rows[0] ? presenceFromRow(rows[0]) : undefined;
}

const PRESENCE_UPSERT = `ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, since = EXCLUDED.since,
  wrap_up_until = EXCLUDED.wrap_up_until, call_id = EXCLUDED.call_id`;

export async function savePresence(q: Queryable, p: Presence, log: LogChange): Promise<void> {
  await q.query(
    `INSERT INTO agent_presence (${PRESENCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
     ${PRESENCE_UPSERT}`,
    [p.userId, p.state, p.since, p.wrapUpUntil, p.callId],
  );
  await log('presence', p.userId);
}

/**
 * What a call's change may do to its agent's presence: answered → on_call with the call; ended after an answer →
 * wrap_up. Null (nothing to read or write) for anything else, and for desk records (the desk sets its own).
 */
export function presenceMove(before: Call | undefined, after: Call): 'on_call' | 'wrap_up' | null {
  const agentId = after.agentId;
  if (!agentId || after.source === 'desk') return null;
  const answeredNow = after.answeredAt !== null && (before?.answeredAt == null || before.agentId !== agentId);
  const endedNow = after.state === 'ended' && before?.state !== 'ended';
  if (answeredNow && !endedNow) return 'on_call';
  if (endedNow && after.answeredAt !== null) return 'wrap_up';
  return null;
}

/**
 * The agent's presence after `presenceMove`, given the presence as it stands (`current`: one event's read, or as
 * a group's earlier events left it): on_call with the call; wrap_up until now + the site's after-call time (read
 * only then) if the agent was on that call. Anything else (a break, another call) is the agent's own business.
 * Null when nothing changes.
 */
export async function presenceAfterCall(
  move: 'on_call' | 'wrap_up',
  after: Call,
  current: Presence | undefined,
  now: Date,
  wrapUpSeconds: () => Promise<number>,
): Promise<Presence | null> {
  const userId = after.agentId as string;
  const at = now.toISOString();
  if (move === 'on_call') {
    if (current?.state === 'on_call' && current.callId === after.id) return null;
    return { userId, state: 'on_call', since: at, wrapUpUntil: null, callId: after.id };
  }
  if (current !== undefined && current.callId !== after.id) return null;
  if (current?.state === 'wrap_up') return null;
  const until = new Date(now.getTime() + (await wrapUpSeconds()) * 1000).toISOString();
  return { userId, state: 'wrap_up', since: at, wrapUpUntil: until, callId: after.id };
}

/** A call's change applied to its agent's stored presence, saved and logged when it changes. */
export async function followCall(
  q: Queryable,
  before: Call | undefined,
  after: Call,
  now: Date,
  wrapUpSeconds: () => Promise<number>,
  log: LogChange,
): Promise<void> {
  const move = presenceMove(before, after);
  if (!move || !after.agentId) return;
  const next = await presenceAfterCall(move, after, await loadPresence(q, after.agentId), now, wrapUpSeconds);
  if (next) await savePresence(q, next, log);
}

/** loadPresence for many agents: one statement. */
export async function loadPresences(q: Queryable, userIds: readonly string[]): Promise<Map<string, Presence>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await q.query<Row>(
    `SELECT ${PRESENCE_COLUMNS} FROM agent_presence WHERE user_id = ANY($1::uuid[])`,
    [[...new Set(userIds)]],
  );
  return new Map(rows.map((r) => [String(r.user_id), presenceFromRow(r)]));
}

/** savePresence's rows for many agents (one each) as one statement; the caller logs the changes. */
export function presenceUpsert(list: readonly Presence[]): Statement | null {
  if (list.length === 0) return null;
  return {
    sql: `INSERT INTO agent_presence (${PRESENCE_COLUMNS})
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::uuid[])
     ${PRESENCE_UPSERT}`,
    params: [
      list.map((p) => p.userId),
      list.map((p) => p.state),
      list.map((p) => p.since),
      list.map((p) => p.wrapUpUntil),
      list.map((p) => p.callId),
    ],
  };
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
