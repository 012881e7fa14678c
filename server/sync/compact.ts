/**
 * Tombstone compaction (DESIGN.md §5): a deleted ticket stays as a tombstone for the retention window so every
 * console pulls its `del`; after that its rows and change-log entries are purged and the sync horizon moves to
 * the newest purged position. A pull from a cursor before the horizon is answered with `reset` (full resync).
 */
import type { FastifyInstance } from 'fastify';
import { DAY_MS, scheduleDaily } from '../jobs/daily';
import type { Db } from '../db/driver';
import { recordChanges } from './changes';
import type { LogPosition } from './cursor';

export const DEFAULT_TOMBSTONE_RETENTION_DAYS = 30;

export interface CompactionResult {
  purgedTickets: number;
  purgedChanges: number;
  /** The sync horizon after this run (null when nothing was ever purged). */
  horizon: LogPosition | null;
}

const later = (a: LogPosition, b: LogPosition): boolean =>
  BigInt(a.xid) > BigInt(b.xid) || (a.xid === b.xid && BigInt(a.seq) > BigInt(b.seq));

export async function compactTombstones(
  db: Db,
  { retentionDays = DEFAULT_TOMBSTONE_RETENTION_DAYS, now = new Date() }: { retentionDays?: number; now?: Date } = {},
): Promise<CompactionResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  return db.tx(async (q) => {
    const { rows: doomed } = await q.query<{ id: string }>(
      'SELECT id::text AS id FROM tickets WHERE deleted_at < $1 FOR UPDATE',
      [cutoff.toISOString()],
    );
    const ticketIds = doomed.map((r) => String(r.id));
    let horizon = await readHorizon(q);
    if (ticketIds.length === 0) return { purgedTickets: 0, purgedChanges: 0, horizon };

    const { rows: events } = await q.query<{ id: string }>(
      'SELECT id::text AS id FROM ticket_events WHERE ticket_id = ANY($1::uuid[])',
      [ticketIds],
    );
    const { rows: purged } = await q.query<{ xid: string; seq: unknown }>(
      `DELETE FROM change_log
        WHERE (entity = 'ticket' AND entity_id = ANY($1::text[]))
           OR (entity = 'ticket_event' AND entity_id = ANY($2::text[]))
        RETURNING xid::text AS xid, seq`,
      [ticketIds, events.map((e) => String(e.id))],
    );
    // A call keeps its log entry; it just no longer points at a ticket that is gone.
    const { rows: calls } = await q.query<{ id: string }>(
      'UPDATE calls SET ticket_id = NULL WHERE ticket_id = ANY($1::uuid[]) RETURNING id::text AS id',
      [ticketIds],
    );
    await recordChanges(
      q,
      'call',
      calls.map((c) => String(c.id)),
    );
    await q.query('DELETE FROM ticket_events WHERE ticket_id = ANY($1::uuid[])', [ticketIds]);
    await q.query('DELETE FROM tickets WHERE id = ANY($1::uuid[])', [ticketIds]);

    for (const row of purged) {
      const p = { xid: String(row.xid), seq: String(row.seq) };
      if (!horizon || later(p, horizon)) horizon = p;
    }
    if (horizon) {
      await q.query(
        `INSERT INTO sync_horizon (only_row, xid, seq, compacted_at) VALUES (true, $1::xid8, $2, $3)
         ON CONFLICT (only_row) DO UPDATE SET xid = EXCLUDED.xid, seq = EXCLUDED.seq, compacted_at = EXCLUDED.compacted_at`,
        [horizon.xid, horizon.seq, now.toISOString()],
      );
    }
    return { purgedTickets: ticketIds.length, purgedChanges: purged.length, horizon };
  });
}

async function readHorizon(q: Pick<Db, 'query'>): Promise<LogPosition | null> {
  const { rows } = await q.query<{ xid: string; seq: unknown }>('SELECT xid::text AS xid, seq FROM sync_horizon');
  return rows[0] ? { xid: String(rows[0].xid), seq: String(rows[0].seq) } : null;
}

/** Runs compaction when the server starts and then daily; a failure is logged and retried the next day. */
export function scheduleCompaction(
  app: FastifyInstance,
  db: Db,
  opts: { retentionDays: number; now: () => Date; intervalMs?: number },
): void {
  scheduleDaily(app, {
    name: 'tombstone compaction',
    intervalMs: opts.intervalMs,
    run: async () => {
      const r = await compactTombstones(db, { retentionDays: opts.retentionDays, now: opts.now() });
      if (r.purgedTickets > 0) app.log.info({ compaction: r }, 'purged expired tombstones');
    },
  });
}
