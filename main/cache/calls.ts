/**
 * The desk's calls: records pulled from the server and optimistic ones from this desk's outbox (a local
 * softphone's events, call actions). The whole record is JSON (`detail`); the columns are what the desk queries.
 * An optimistic write keeps the server's record in `server_detail`; `restorePending` puts it back.
 *
 * Every record is kept masked (issue 11 §4, common/calls/mask): a local softphone reports whole numbers, which are
 * hashed (for caller-ID and the caller's last calls) and masked before they are written.
 */
import { maskCall } from '../../common/calls/mask';
import { Call } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import type { CacheDb } from './db';

interface CallRow {
  id: string;
  call_id: string;
  direction: Call['direction'];
  from_raw: string | null;
  to_raw: string | null;
  agent_id: string | null;
  resident_id: string | null;
  ticket_id: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  missed: number;
  notes: string;
  logged_at: string;
  detail: string | null;
}

const COLUMNS =
  'id, call_id, direction, from_raw, to_raw, agent_id, resident_id, ticket_id, started_at, answered_at, ended_at, ' +
  'missed, notes, logged_at, detail';

/** Rows written before migration 008 have no `detail`: their columns are the whole (hand-logged) call. */
function toCall(r: CallRow): Call {
  if (r.detail) return Call.parse(JSON.parse(r.detail));
  return Call.parse({
    id: r.id,
    callId: r.call_id,
    direction: r.direction,
    from: r.from_raw,
    to: r.to_raw,
    agentId: r.agent_id,
    residentId: r.resident_id,
    ticketId: r.ticket_id,
    startedAt: r.started_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    missed: r.missed === 1,
    notes: r.notes,
    loggedAt: r.logged_at,
  });
}

export interface CallListFilter {
  /** Only missed calls still in the callback queue (open or claimed). */
  callbacks?: boolean;
  /** Only calls started at or after this instant. */
  since?: string;
  /** Calls from the number with this keyed hash (common/residents/phone-hash). */
  numberHash?: string;
  /** Calls from a number ending in these digits (at most the 4 a masked number shows). */
  numberSuffix?: string;
  /** Calls answered by (or logged by) this agent. */
  agentId?: string;
  limit: number;
}

export interface CallRepo {
  get(id: string): Call | undefined;
  /** Newest first by the time the log was recorded (the server's, once synced). */
  recent(limit: number): Call[];
  /** Newest first by start; filters combine. */
  list(filter: CallListFilter): Call[];
  /** Calls not yet ended, and calls started within `sinceMs` (correlation candidates), newest first. */
  live(sinceMs: number): Call[];
  /** How many missed calls wait in the callback queue (open, not claimed). */
  openCallbacks(): number;
  /** The server's record (replaces any optimistic copy's base). Returns the record as kept: masked. */
  put(call: Call, pending?: boolean): Call;
  delete(id: string): void;
  /** Puts the server's records back under every optimistic one (the rebase re-applies those still pending). */
  deletePending(): void;
  /** The desk's own records the server has not sent back yet (optimistic only, no server copy under them). */
  optimisticOnly(): Call[];
}

export function createCallRepo(db: CacheDb, hash: PhoneHasher): CallRepo {
  const selectOne = db.prepare<[string], CallRow>(`SELECT ${COLUMNS} FROM calls WHERE id = ?`);
  const selectRecent = db.prepare<[number], CallRow>(
    `SELECT ${COLUMNS} FROM calls ORDER BY logged_ms DESC, id DESC LIMIT ?`,
  );
  const selectLive = db.prepare<[number], CallRow>(
    `SELECT ${COLUMNS} FROM calls WHERE state <> 'ended'
     UNION SELECT ${COLUMNS} FROM calls WHERE started_ms >= ? ORDER BY started_at DESC LIMIT 500`,
  );
  const countCallbacks = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM calls WHERE callback_state = 'open'`);
  const selectPendingBase = db.prepare<[string], { pending: number; server_detail: string | null }>(
    'SELECT pending, server_detail FROM calls WHERE id = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO calls (id, call_id, direction, from_raw, to_raw, agent_id, resident_id, ticket_id, started_at,
       answered_at, ended_at, missed, notes, logged_at, logged_ms, pending, detail, server_detail, state, from_hash,
       callback_state, started_ms)
     VALUES (@id, @callId, @direction, @from, @to, @agentId, @residentId, @ticketId, @startedAt, @answeredAt,
       @endedAt, @missed, @notes, @loggedAt, @loggedMs, @pending, @detail, @serverDetail, @state, @fromHash,
       @callbackState, @startedMs)
     ON CONFLICT (id) DO UPDATE SET call_id = excluded.call_id, direction = excluded.direction,
       from_raw = excluded.from_raw, to_raw = excluded.to_raw, agent_id = excluded.agent_id,
       resident_id = excluded.resident_id, ticket_id = excluded.ticket_id, started_at = excluded.started_at,
       answered_at = excluded.answered_at, ended_at = excluded.ended_at, missed = excluded.missed,
       notes = excluded.notes, logged_at = excluded.logged_at, logged_ms = excluded.logged_ms,
       pending = excluded.pending, detail = excluded.detail, server_detail = excluded.server_detail,
       state = excluded.state, from_hash = excluded.from_hash, callback_state = excluded.callback_state,
       started_ms = excluded.started_ms`,
  );
  const remove = db.prepare<[string]>('DELETE FROM calls WHERE id = ?');
  const removeUnbacked = db.prepare('DELETE FROM calls WHERE pending = 1 AND server_detail IS NULL');
  const selectOptimistic = db.prepare<[], { detail: string }>(
    'SELECT detail FROM calls WHERE pending = 1 AND server_detail IS NULL AND detail IS NOT NULL',
  );
  const selectBacked = db.prepare<[], { server_detail: string }>(
    'SELECT server_detail FROM calls WHERE pending = 1 AND server_detail IS NOT NULL',
  );

  function write(call: Call, pending: boolean, serverDetail: string | null): Call {
    const c = maskCall(call, hash);
    upsert.run({
      ...c,
      missed: c.missed ? 1 : 0,
      loggedMs: Date.parse(c.loggedAt),
      pending: pending ? 1 : 0,
      detail: JSON.stringify(c),
      serverDetail,
      callbackState: c.callback.state,
      startedMs: Date.parse(c.startedAt),
    });
    return c;
  }

  function list(f: CallListFilter): Call[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.callbacks) where.push(`callback_state IN ('open', 'claimed')`);
    if (f.since) {
      where.push('started_ms >= ?');
      params.push(Date.parse(f.since));
    }
    if (f.numberHash) {
      where.push('from_hash = ?');
      params.push(f.numberHash);
    }
    if (f.numberSuffix) {
      // A masked number ends in its last digits; `from` is matched by its end (no index: a filter on a short list).
      where.push(`substr(replace(from_raw, ' ', ''), -${f.numberSuffix.length}) = ?`);
      params.push(f.numberSuffix);
    }
    if (f.agentId) {
      where.push('agent_id = ?');
      params.push(f.agentId);
    }
    const sql = `SELECT ${COLUMNS} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_ms DESC, id DESC LIMIT ?`;
    return db
      .prepare<(string | number)[], CallRow>(sql)
      .all(...params, f.limit)
      .map(toCall);
  }

  return {
    get(id) {
      const row = selectOne.get(id);
      return row ? toCall(row) : undefined;
    },
    recent: (limit) => selectRecent.all(limit).map(toCall),
    list,
    live: (sinceMs) => selectLive.all(Date.now() - sinceMs).map(toCall),
    openCallbacks: () => countCallbacks.get()?.n ?? 0,
    put(c, pending = false) {
      if (!pending) return write(c, false, null);
      // The first optimistic write over a server record keeps that record to restore.
      const base = selectPendingBase.get(c.id);
      const row = base && base.pending === 0 ? selectOne.get(c.id) : undefined;
      const serverDetail = base?.pending === 1 ? base.server_detail : row ? JSON.stringify(toCall(row)) : null;
      return write(c, true, serverDetail);
    },
    delete: (id) => void remove.run(id),
    optimisticOnly: () => selectOptimistic.all().map((row) => Call.parse(JSON.parse(row.detail))),
    deletePending() {
      for (const { server_detail } of selectBacked.all()) write(Call.parse(JSON.parse(server_detail)), false, null);
      removeUnbacked.run();
    },
  };
}
