/**
 * Retention (PIPL: kept no longer than needed): call records, and tickets closed for longer than the retention
 * period, lose their personal fields — the caller's number and name, the resident's name, number and link, and
 * those names and numbers where they appear in free text. The operational history stays (status, times, events,
 * team, unit). Each row is done once (`anonymised_at`); changed rows go to the change log so consoles receive them;
 * each batch is audited. Scheduled like tombstone compaction: when the server starts, then daily.
 */
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/log';
import { DAY_MS, scheduleDaily } from '../jobs/daily';
import type { Db, Queryable } from '../db/driver';
import type { Row } from '../db/rows';
import { notifyChanges } from '../sync/notify';
import { REDACTED, numberKeys, type Identity } from './identity';
import { CALL_PERSONAL_COLUMNS, TICKET_PERSONAL_COLUMNS, scrubCalls, scrubTickets, type CallFields } from './scrub';

/** Three years, a leap day included. */
export const DEFAULT_PERSONAL_DATA_RETENTION_DAYS = 3 * 365 + 1;
/** Rows per transaction: a first run over years of history must not hold one huge transaction. */
const BATCH = 1000;

export interface RetentionResult {
  /** Rows whose personal fields were replaced (rows with none to replace are only marked done). */
  tickets: number;
  calls: number;
  cutoff: string;
}

export interface RetentionOptions {
  retentionDays?: number;
  now?: Date;
  batchSize?: number;
}

const identity = (name: unknown, phone: unknown): Identity => ({
  names: typeof name === 'string' && name ? [name] : [],
  numbers: typeof phone === 'string' ? numberKeys(phone) : [],
});

async function anonymiseTicketBatch(q: Queryable, cutoff: string, now: Date, limit: number) {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_PERSONAL_COLUMNS} FROM tickets
      WHERE closed_at < $1 AND anonymised_at IS NULL AND deleted_at IS NULL
      ORDER BY closed_at, id LIMIT $2 FOR UPDATE`,
    [cutoff, limit],
  );
  const { changed } = await scrubTickets(
    q,
    rows,
    (t) => ({ residentId: null, residentName: null, who: identity(t.residentName, t.phone) }),
    REDACTED,
  );
  await markDone(q, 'tickets', rows, now);
  return { seen: rows.length, changed: changed.length };
}

async function anonymiseCallBatch(q: Queryable, cutoff: string, now: Date, limit: number) {
  const { rows } = await q.query<Row>(
    `SELECT ${CALL_PERSONAL_COLUMNS}, (SELECT r.name FROM residents r WHERE r.id = calls.resident_id) AS resident_name
       FROM calls
      WHERE started_at < $1 AND anonymised_at IS NULL AND state = 'ended'
      ORDER BY started_at, id LIMIT $2 FOR UPDATE`,
    [cutoff, limit],
  );
  const otherParty = (c: CallFields, inbound: boolean) => (inbound ? (c.fromRaw ?? c.fromE164) : c.toRaw);
  const changed = await scrubCalls(
    q,
    rows,
    (c, row) => ({
      clearOtherParty: true,
      keepResident: false,
      who: identity(row.resident_name, otherParty(c, row.direction === 'inbound')),
    }),
    REDACTED,
  );
  await markDone(q, 'calls', rows, now);
  return { seen: rows.length, changed: changed.length };
}

async function markDone(q: Queryable, table: 'tickets' | 'calls', rows: Row[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await q.query(`UPDATE ${table} SET anonymised_at = $2 WHERE id = ANY($1::uuid[])`, [
    rows.map((r) => String(r.id)),
    now.toISOString(),
  ]);
}

/** Anonymises everything past the retention period, a batch per transaction, until nothing is left. */
export async function anonymiseExpired(
  db: Db,
  { retentionDays = DEFAULT_PERSONAL_DATA_RETENTION_DAYS, now = new Date(), batchSize = BATCH }: RetentionOptions = {},
): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  const total = { tickets: 0, calls: 0, cutoff };
  for (;;) {
    const done = await db.tx(async (q) => {
      const tickets = await anonymiseTicketBatch(q, cutoff, now, batchSize);
      const calls = await anonymiseCallBatch(q, cutoff, now, batchSize);
      if (tickets.changed + calls.changed > 0) {
        await recordAudit(
          q,
          {
            actor: null,
            action: 'retention.anonymise',
            subjectType: 'system',
            subjectId: null,
            source: { ip: null },
            detail: { tickets: tickets.changed, calls: calls.changed, cutoff, retentionDays },
          },
          now,
        );
        await notifyChanges(q, { retention: 'anonymise' });
      }
      total.tickets += tickets.changed;
      total.calls += calls.changed;
      return tickets.seen < batchSize && calls.seen < batchSize;
    });
    if (done) return total;
  }
}

/** Runs the retention job when the server starts and then daily; a failure is logged and retried the next day. */
export function scheduleRetention(
  app: FastifyInstance,
  db: Db,
  opts: { retentionDays: number; now: () => Date; intervalMs?: number },
): void {
  scheduleDaily(app, {
    name: 'personal data retention',
    intervalMs: opts.intervalMs,
    run: async () => {
      const r = await anonymiseExpired(db, { retentionDays: opts.retentionDays, now: opts.now() });
      if (r.tickets + r.calls > 0) app.log.info({ retention: r }, 'anonymised personal data past retention');
    },
  });
}
