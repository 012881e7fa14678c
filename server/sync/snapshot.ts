/**
 * A first pull as a snapshot (schema 6, issue 13): what a console needs to work, without replaying the change log.
 *
 * A log replay sends every ticket event ever written (about ten per ticket) before the console is complete, and
 * walks a log ten times the size of the ticket table. A snapshot instead reads the current state of:
 *   phase 0 — users, teams and presence (one page, they are few);
 *   phase 1 — the hot tickets (open, or changed since the cutoff, HOT_TICKET_DAYS) by id, with their events;
 *   phase 2 — the calls started since the cutoff, open calls and open callbacks;
 *   phase 3 — every other ticket (by id), without its events — plus any ticket changed since the snapshot began,
 *             with its events if it is hot by now; each page says which of its tickets come without their events;
 * then continues from the change log at `from`, the log position below the horizon when the snapshot began.
 *
 * The working set comes first (issue 13, usable in 5 s): after phases 0–2 every view an agent works in is complete
 * and the pages say so (`workingSetIn`); phase 3, most of the rows, is closed tickets nobody works on.
 *
 * Why that is exactly-once (DESIGN.md §5): every transaction before `from` had finished when the snapshot began, so
 * the rows read later include its writes; everything after `from` is pulled from the log afterwards as usual, and a
 * change seen twice (in the snapshot and again from the log) is the same current state put twice. Pages carry
 * current state, so a snapshot page is as idempotent as a log page. A ticket is hot forever once hot (closing or
 * reopening it moves `updated_at` past the cutoff), and a hot ticket's events travel in its own page; a cold
 * ticket's events before `from` are fetched when it is opened, and its later events come from the log like any.
 * A ticket cold when phase 1 passed it and hot by phase 3 was changed in between, by a transaction that finished
 * after the snapshot began, so its change is in the log after `from`: phase 3 sends every ticket with such a change
 * (hot ones with their events), so none falls between the phases.
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
import { RawJson } from './raw-json';

/** Phase 1 sends limit / this many tickets per page (each with its events). */
const HOT_TICKETS_PER_LIMIT = 4;

/** The snapshot's phases, in order (SnapshotPosition['phase']; see the header). */
const LAST_PHASE = 3;

export type Loaders = Record<SyncEntity, (q: Queryable, ids: string[]) => Promise<Map<string, unknown>>>;

/** Whether a ticket is hot ($2: the cutoff as an ISO time). */
const HOT = `(t.closed_at IS NULL OR t.updated_at >= $2::timestamptz)`;

/**
 * The tickets of each ticket phase: phase 1 the hot ones; phase 3 the others, and those with a change in the log
 * after `from` ($4, $5: its xid and seq) whichever they are (see the header).
 */
const TICKET_PHASE_FILTER = {
  1: HOT,
  3: `(NOT ${HOT} OR t.id IN (SELECT entity_id::uuid FROM change_log
                                WHERE entity = 'ticket' AND (xid, seq) > ($4::xid8, $5::bigint)))`,
} as const;

const UUID_LENGTH = 36;

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

/**
 * Changes a snapshot sends (for the progress bar): tickets, hot tickets' events, calls. The events are estimated
 * from the tables' statistics (events per ticket × hot tickets): counting them was a second on 1M events.
 */
export async function estimateSnapshot(q: Queryable, at: SnapshotPosition): Promise<number> {
  const cutoff = new Date(at.cutoff * 1000).toISOString();
  const { rows } = await q.query<{ n: unknown }>(
    `SELECT (SELECT count(*) FROM tickets WHERE deleted_at IS NULL)
          + (SELECT count(*) FROM tickets t WHERE t.deleted_at IS NULL AND ${HOT.replace('$2', '$1')})
            * (SELECT GREATEST(e.reltuples, 0) / GREATEST(t.reltuples, 1) FROM pg_class e, pg_class t
                WHERE e.oid = 'ticket_events'::regclass AND t.oid = 'tickets'::regclass)
          + (SELECT count(*) FROM calls WHERE started_at >= $1::timestamptz) AS n`,
    [cutoff],
  );
  return Math.round(Number(rows[0]?.n ?? 0));
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
      // With this page phases 0 and 1 are in: a console may work from here (schema 6).
      ...((next === null || next.phase >= 2) && { workingSetIn: true }),
    }));
  const nextPhase = (): SnapshotPosition | null =>
    at.phase === LAST_PHASE ? null : { ...at, phase: (at.phase + 1) as SnapshotPosition['phase'], after: '' };

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
    case 1:
    case 3: {
      // A hot ticket travels with its events (about nine): fewer of them per page keep a page near `limit` changes
      // (the desk holds a page and the next one in memory while it applies them).
      const tickets = at.phase === 1 ? Math.max(1, Math.ceil(limit / HOT_TICKETS_PER_LIMIT)) : limit;
      // One statement: the page's ticket rows as one text (see the pull's ticket loader), its hot tickets, its end.
      const { rows } = await q.query<{ page: string | null; hot: string | null; n: unknown; last: string | null }>(
        `SELECT string_agg(p.id::text || p.wire, E'\x1e' ORDER BY p.id) AS page,
                string_agg(p.id::text, ',') FILTER (WHERE p.hot) AS hot, count(*) AS n, max(p.id::text) AS last
           FROM (SELECT t.id, t.wire, ${HOT} AS hot FROM tickets t
                  WHERE t.deleted_at IS NULL AND t.id > $1::uuid AND ${TICKET_PHASE_FILTER[at.phase]}
                  ORDER BY t.id LIMIT $3) p`,
        [
          at.after || '00000000-0000-0000-0000-000000000000',
          cutoff,
          tickets,
          ...(at.phase === 3 ? [at.from.xid, at.from.seq] : []),
        ],
      );
      const row = rows[0];
      const changes: Change[] = (row?.page ? row.page.split('\x1e') : []).map((entry) => ({
        entity: 'ticket',
        op: 'put',
        id: entry.slice(0, UUID_LENGTH),
        data: new RawJson(entry.slice(UUID_LENGTH)),
      }));
      const hot = row?.hot ? row.hot.split(',') : [];
      const events = await deps.loadEventsOf(q, hot);
      for (const [id, data] of events) changes.push({ entity: 'ticket_event', op: 'put', id, data });
      const full = Number(row?.n ?? 0) === tickets && row?.last;
      const res = await response(changes, full ? { ...at, after: row.last! } : nextPhase());
      res.historyOmitted = { except: hot };
      return res;
    }
    case 2: {
      const found = await ids(
        q,
        // A union, so that each part reads its own index (calls_started_id, calls_open, calls_callback).
        `SELECT id::text AS id FROM (
           SELECT id FROM calls WHERE started_at >= $2::timestamptz
           UNION SELECT id FROM calls WHERE state <> 'ended'
           UNION SELECT id FROM calls WHERE callback_state IN ('open', 'claimed')) c
          WHERE id > $1::uuid ORDER BY id LIMIT $3`,
        [at.after || '00000000-0000-0000-0000-000000000000', cutoff, limit + 1],
      );
      const order = found.slice(0, limit);
      const changes = changesOf('call', order, await deps.loaders.call(q, order));
      const last = order.at(-1);
      return response(changes, found.length > limit && last ? { ...at, after: last } : nextPhase());
    }
  }
}
