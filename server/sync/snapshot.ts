/**
 * A first pull as a snapshot (schema 6, issue 13): what a console needs to work, without replaying the change log.
 *
 * A log replay sends every ticket event ever written (about ten per ticket) before the console is complete, and
 * walks a log ten times the size of the ticket table. A snapshot instead reads the current state of:
 *   phase 0 — users, teams and presence (one page, they are few);
 *   phase 1 — every ticket (by id), each page saying which of its tickets come without their events;
 *   phase 2 — the events of the hot tickets: open, or changed since the cutoff (HOT_TICKET_DAYS);
 *   phase 3 — the calls started since the cutoff, open calls and open callbacks;
 * then continues from the change log at `from`, the log position below the horizon when the snapshot began.
 *
 * Why that is exactly-once (DESIGN.md §5): every transaction before `from` had finished when the snapshot began, so
 * the rows read later include its writes; everything after `from` is pulled from the log afterwards as usual, and a
 * change seen twice (in the snapshot and again from the log) is the same current state put twice. Pages carry
 * current state, so a snapshot page is as idempotent as a log page. A ticket is hot forever once hot (closing or
 * reopening it moves `updated_at` past the cutoff), so a ticket sent as hot has its events sent in phase 2; a cold
 * ticket's events before `from` are fetched when it is opened, and its later events come from the log like any.
 */
import {
  HOT_TICKET_DAYS,
  type Change,
  type PullRequest,
  type PullResponse,
  type SnapshotPosition,
  type SyncEntity,
} from '../../common/sync';
import type { Queryable } from '../db/driver';
import { LOG_START, encodeCursor, encodeSnapshotCursor, type LogPosition } from './cursor';

export type Loaders = Record<SyncEntity, (q: Queryable, ids: string[]) => Promise<Map<string, unknown>>>;

/** The ticket filter of phases 1 and 2 ($2: the cutoff as an ISO time). */
const HOT = `(t.closed_at IS NULL OR t.updated_at >= $2::timestamptz)`;
/** Events of hot tickets per page: tickets taken by id until about this many of their events. */
const EVENTS_PER_TICKET_GUESS = 10;

export interface SnapshotDeps {
  loaders: Loaders;
  /** The events of these tickets as `put` data, by event id (the pull's ticket_event shape). */
  loadEventsOf(q: Queryable, ticketIds: string[]): Promise<Map<string, unknown>>;
  lastMutationBelow(q: Queryable, clientId: string, bound: string): Promise<number>;
}

/** Where a new snapshot starts: the last log row below the horizon, and the hot cutoff from the server's clock. */
export async function startSnapshot(q: Queryable, horizon: string): Promise<SnapshotPosition> {
  const { rows } = await q.query<{ xid: string; seq: string; now: unknown }>(
    `SELECT l.xid, l.seq, extract(epoch FROM now())::bigint::text AS now FROM (SELECT 1) one
       LEFT JOIN LATERAL (SELECT xid::text AS xid, seq::text AS seq FROM change_log WHERE xid < $1::xid8
                           ORDER BY xid DESC, seq DESC LIMIT 1) l ON true`,
    [horizon],
  );
  const row = rows[0];
  const from: LogPosition = row?.xid ? { xid: row.xid, seq: row.seq } : LOG_START;
  return { from, phase: 0, after: '', cutoff: Number(row?.now ?? 0) - HOT_TICKET_DAYS * 86_400 };
}

const ids = async (q: Queryable, sql: string, params: unknown[]): Promise<string[]> =>
  (await q.query<{ id: string }>(sql, params)).rows.map((r) => String(r.id));

function changesOf(entity: SyncEntity, order: string[], loaded: Map<string, unknown>): Change[] {
  const out: Change[] = [];
  for (const id of order) {
    const data = loaded.get(id);
    if (data !== undefined) out.push({ entity, op: 'put', id, data });
  }
  return out;
}

/** Changes a snapshot has left at `at` (for the progress bar): tickets, hot tickets' events, calls. Cheap enough once. */
export async function estimateSnapshot(q: Queryable, at: SnapshotPosition): Promise<number> {
  const cutoff = new Date(at.cutoff * 1000).toISOString();
  const { rows } = await q.query<{ n: unknown }>(
    `SELECT (SELECT count(*) FROM tickets WHERE deleted_at IS NULL)
          + (SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
              WHERE t.deleted_at IS NULL AND ${HOT.replace('$2', '$1')})
          + (SELECT count(*) FROM calls WHERE started_at >= $1::timestamptz) AS n`,
    [cutoff],
  );
  return Number(rows[0]?.n ?? 0);
}

/** One page of the snapshot at `at`; its cursor is the next snapshot position, or `from` once the snapshot is done. */
export async function snapshotPage(
  q: Queryable,
  req: PullRequest,
  at: SnapshotPosition,
  limit: number,
  deps: SnapshotDeps,
): Promise<PullResponse> {
  const cutoff = new Date(at.cutoff * 1000).toISOString();
  const response = (changes: Change[], next: SnapshotPosition | null): Promise<PullResponse> =>
    deps.lastMutationBelow(q, req.clientId, at.from.xid).then((lastMutationId) => ({
      cursor: next ? encodeSnapshotCursor(next) : encodeCursor(at.from),
      lastMutationId,
      changes,
      more: true,
    }));
  const nextPhase = (): SnapshotPosition | null =>
    at.phase === 3 ? null : { ...at, phase: (at.phase + 1) as SnapshotPosition['phase'], after: '' };

  switch (at.phase) {
    case 0: {
      const changes: Change[] = [];
      for (const [entity, sql] of [
        ['team', 'SELECT id FROM teams ORDER BY id'],
        ['user', 'SELECT id::text AS id FROM users ORDER BY id'],
        ['presence', 'SELECT user_id::text AS id FROM agent_presence ORDER BY user_id'],
      ] as const) {
        const order = await ids(q, sql, []);
        changes.push(...changesOf(entity, order, await deps.loaders[entity](q, order)));
      }
      return response(changes, nextPhase());
    }
    case 1: {
      const { rows } = await q.query<{ id: string; hot: unknown }>(
        `SELECT t.id::text AS id, ${HOT} AS hot FROM tickets t
          WHERE t.deleted_at IS NULL AND t.id > $1::uuid ORDER BY t.id LIMIT $3`,
        [at.after || '00000000-0000-0000-0000-000000000000', cutoff, limit + 1],
      );
      const page = rows.slice(0, limit);
      const order = page.map((r) => String(r.id));
      const changes = changesOf('ticket', order, await deps.loaders.ticket(q, order));
      const last = order.at(-1);
      const next = rows.length > limit && last ? { ...at, after: last } : nextPhase();
      const res = await response(changes, next);
      res.historyOmitted = { except: page.filter((r) => r.hot === true).map((r) => String(r.id)) };
      return res;
    }
    case 2: {
      const take = Math.max(1, Math.floor(limit / EVENTS_PER_TICKET_GUESS));
      const hot = await ids(
        q,
        `SELECT t.id::text AS id FROM tickets t
          WHERE t.deleted_at IS NULL AND t.id > $1::uuid AND ${HOT} ORDER BY t.id LIMIT $3`,
        [at.after || '00000000-0000-0000-0000-000000000000', cutoff, take + 1],
      );
      const tickets = hot.slice(0, take);
      const loaded = await deps.loadEventsOf(q, tickets);
      const changes = changesOf('ticket_event', [...loaded.keys()], loaded);
      const last = tickets.at(-1);
      return response(changes, hot.length > take && last ? { ...at, after: last } : nextPhase());
    }
    case 3: {
      const found = await ids(
        q,
        `SELECT id::text AS id FROM calls
          WHERE id > $1::uuid AND (started_at >= $2::timestamptz OR state <> 'ended'
                                   OR callback_state IN ('open', 'claimed'))
          ORDER BY id LIMIT $3`,
        [at.after || '00000000-0000-0000-0000-000000000000', cutoff, limit + 1],
      );
      const order = found.slice(0, limit);
      const changes = changesOf('call', order, await deps.loaders.call(q, order));
      const last = order.at(-1);
      return response(changes, found.length > limit && last ? { ...at, after: last } : null);
    }
  }
}
