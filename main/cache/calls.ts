/** Calls logged at this desk (and pulled from the server): insert-only by id, newest log first. */
import { Call } from '../../common/domain';
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
}

const COLUMNS =
  'id, call_id, direction, from_raw, to_raw, agent_id, resident_id, ticket_id, started_at, answered_at, ended_at, ' +
  'missed, notes, logged_at';

function toCall(r: CallRow): Call {
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

export interface CallRepo {
  get(id: string): Call | undefined;
  /** Newest first by the time the log was recorded (the server's, once synced). */
  recent(limit: number): Call[];
  put(call: Call, pending?: boolean): void;
  delete(id: string): void;
  /** Drops every optimistic-only call (the rebase re-creates those still pending). */
  deletePending(): void;
}

export function createCallRepo(db: CacheDb): CallRepo {
  const selectOne = db.prepare<[string], CallRow>(`SELECT ${COLUMNS} FROM calls WHERE id = ?`);
  const selectRecent = db.prepare<[number], CallRow>(
    `SELECT ${COLUMNS} FROM calls ORDER BY logged_ms DESC, id DESC LIMIT ?`,
  );
  const upsert = db.prepare(
    `INSERT INTO calls (${COLUMNS}, logged_ms, pending) VALUES (@id, @callId, @direction, @from, @to, @agentId,
       @residentId, @ticketId, @startedAt, @answeredAt, @endedAt, @missed, @notes, @loggedAt, @loggedMs, @pending)
     ON CONFLICT (id) DO UPDATE SET call_id = excluded.call_id, direction = excluded.direction,
       from_raw = excluded.from_raw, to_raw = excluded.to_raw, agent_id = excluded.agent_id,
       resident_id = excluded.resident_id, ticket_id = excluded.ticket_id, started_at = excluded.started_at,
       answered_at = excluded.answered_at, ended_at = excluded.ended_at, missed = excluded.missed,
       notes = excluded.notes, logged_at = excluded.logged_at, logged_ms = excluded.logged_ms,
       pending = excluded.pending`,
  );
  const remove = db.prepare<[string]>('DELETE FROM calls WHERE id = ?');
  const removePending = db.prepare('DELETE FROM calls WHERE pending = 1');

  return {
    get(id) {
      const row = selectOne.get(id);
      return row ? toCall(row) : undefined;
    },
    recent: (limit) => selectRecent.all(limit).map(toCall),
    put(c, pending = false) {
      upsert.run({
        ...c,
        missed: c.missed ? 1 : 0,
        loggedMs: Date.parse(c.loggedAt),
        pending: pending ? 1 : 0,
      });
    },
    delete: (id) => void remove.run(id),
    deletePending: () => void removePending.run(),
  };
}
