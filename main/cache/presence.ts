/** Agents' presence as the server last said (pulled), with this desk's own change on top until it is confirmed. */
import { Presence } from '../../common/domain';
import type { CacheDb } from './db';

interface PresenceRow {
  user_id: string;
  state: Presence['state'];
  since: string;
  wrap_up_until: string | null;
  call_id: string | null;
}

const toPresence = (r: PresenceRow): Presence =>
  Presence.parse({
    userId: r.user_id,
    state: r.state,
    since: r.since,
    wrapUpUntil: r.wrap_up_until,
    callId: r.call_id,
  });

export interface PresenceRepo {
  get(userId: string): Presence | undefined;
  all(): Presence[];
  put(p: Presence, pending?: boolean): void;
  delete(userId: string): void;
  /** Puts the server's rows back under the desk's optimistic ones. */
  deletePending(): void;
}

export function createPresenceRepo(db: CacheDb): PresenceRepo {
  const selectOne = db.prepare<[string], PresenceRow & { pending: number; server_row: string | null }>(
    'SELECT user_id, state, since, wrap_up_until, call_id, pending, server_row FROM presence WHERE user_id = ?',
  );
  const selectAll = db.prepare<[], PresenceRow>(
    'SELECT user_id, state, since, wrap_up_until, call_id FROM presence ORDER BY user_id',
  );
  const upsert = db.prepare(
    `INSERT INTO presence (user_id, state, since, wrap_up_until, call_id, pending, server_row)
     VALUES (@userId, @state, @since, @wrapUpUntil, @callId, @pending, @serverRow)
     ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, since = excluded.since,
       wrap_up_until = excluded.wrap_up_until, call_id = excluded.call_id, pending = excluded.pending,
       server_row = excluded.server_row`,
  );
  const remove = db.prepare<[string]>('DELETE FROM presence WHERE user_id = ?');
  const selectBacked = db.prepare<[], { server_row: string }>(
    'SELECT server_row FROM presence WHERE pending = 1 AND server_row IS NOT NULL',
  );
  const removeUnbacked = db.prepare('DELETE FROM presence WHERE pending = 1 AND server_row IS NULL');

  const write = (p: Presence, pending: boolean, serverRow: string | null) =>
    upsert.run({ ...p, pending: pending ? 1 : 0, serverRow });

  return {
    get(userId) {
      const row = selectOne.get(userId);
      return row ? toPresence(row) : undefined;
    },
    all: () => selectAll.all().map(toPresence),
    put(p, pending = false) {
      if (!pending) return void write(p, false, null);
      const base = selectOne.get(p.userId);
      const serverRow = base ? (base.pending === 1 ? base.server_row : JSON.stringify(toPresence(base))) : null;
      write(p, true, serverRow);
    },
    delete: (userId) => void remove.run(userId),
    deletePending() {
      for (const { server_row } of selectBacked.all()) write(Presence.parse(JSON.parse(server_row)), false, null);
      removeUnbacked.run();
    },
  };
}
