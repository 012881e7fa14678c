/**
 * A push batch's logged calls (`call.log`, issue 13). Alone, a log cost four queries and an insert — its alias, the
 * reported calls around it, its resident, its ticket, then the row, whose KPI rollup trigger runs per statement: a
 * sixth of a group's mutations took two fifths of its time. In a batch, the reported calls around all of its logs
 * are read and locked in one statement up front (the rest comes with the batch's references, ./references), and the
 * new calls are inserted together at the batch's flush, after its tickets (a call may name one the batch created).
 *
 * Insert-only by the desk's uuid, as before: a call already stored or already queued by the batch inserts nothing
 * and logs no change. The insert has no ON CONFLICT: a call of the same id stored meanwhile by another transaction
 * fails the batch, which then runs again and finds it stored.
 */
import { HAND_LOG_WINDOW_MS } from '../../common/calls/correlate';
import type { Call } from '../../common/domain';
import { CallLogArgs } from '../../common/mutations';
import { directHandLogReads, MAX_REPORTED, type HandLogReads } from '../cti/hand-log';
import type { Queryable } from '../db/driver';
import { CALL_COLUMNS, callAsStored, callFromRow, callToRecord, type Row } from '../db/rows';
import { toE164 } from '../residents/phone';
import type { ReferenceCache } from './references';

type LogWindow = Pick<Call, 'id' | 'direction' | 'startedAt'>;

const startOf = (c: Pick<Call, 'startedAt'>) => Date.parse(c.startedAt);

/** reportedAround's rows for one log out of the batch's: same filter, same order, same limit. */
function around(reported: readonly Call[], log: LogWindow): Call[] {
  const t = startOf(log);
  return reported
    .filter(
      (c) => c.source !== 'desk' && c.direction === log.direction && Math.abs(startOf(c) - t) <= HAND_LOG_WINDOW_MS,
    )
    .sort((a, b) => startOf(a) - startOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, MAX_REPORTED);
}

export class CallLogBatch {
  private readonly queued: Call[] = [];
  private readonly queuedIds = new Set<string>();
  /** The reported calls around the prefetched logs, locked, as the batch's links left them. */
  private reported: Call[] = [];
  /** Logs whose windows the prefetch read (any other one asks the database itself). */
  private readonly covered = new Set<string>();

  constructor(private readonly references: ReferenceCache) {}

  /**
   * Reads and locks (in id order: concurrent batches cannot deadlock) the reported calls each log's window holds,
   * as linkHandLog would read them one log at a time. Arguments that do not parse are left out: they are rejected
   * when they run.
   */
  async prefetch(q: Queryable, args: readonly unknown[]): Promise<void> {
    const logs = args.flatMap((a) => {
      const parsed = CallLogArgs.safeParse(a);
      return parsed.success && !this.covered.has(parsed.data.id) ? [parsed.data] : [];
    });
    if (logs.length === 0) return;
    const { rows } = await q.query<Row>(
      `SELECT ${CALL_COLUMNS} FROM calls WHERE id IN (
         SELECT c.id FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(direction, low, high)
         CROSS JOIN LATERAL (
           SELECT id FROM calls
            WHERE source <> 'desk' AND direction = w.direction AND started_at BETWEEN w.low AND w.high
            ORDER BY started_at, id LIMIT ${MAX_REPORTED}) c)
       ORDER BY id FOR UPDATE`,
      [
        logs.map((l) => l.direction),
        logs.map((l) => new Date(startOf(l) - HAND_LOG_WINDOW_MS).toISOString()),
        logs.map((l) => new Date(startOf(l) + HAND_LOG_WINDOW_MS).toISOString()),
      ],
    );
    const seen = new Set(this.reported.map((c) => c.id));
    this.reported.push(...rows.map(callFromRow).filter((c) => !seen.has(c.id)));
    for (const log of logs) this.covered.add(log.id);
  }

  /** What linkHandLog reads, answered from the prefetch where it covers the log. */
  handLogReads(q: Queryable): HandLogReads {
    const direct = directHandLogReads(q);
    return {
      linkedTo: async (logId) => {
        const row = await this.references.get(q, 'callAlias', logId);
        return row ? String(row.call_id) : undefined;
      },
      reportedAround: (log) =>
        this.covered.has(log.id) ? Promise.resolve(around(this.reported, log)) : direct.reportedAround(log),
      linked: (logId, record) => {
        this.references.remember('callAlias', logId, { call_id: record.id });
        // As the next log would read it back from the database (linkHandLog hands its `before` to saveCall).
        const stored = callAsStored(record);
        this.reported = this.reported.map((c) => (c.id === record.id ? stored : c));
      },
    };
  }

  /** Queues a logged call for the flush; false when it would insert nothing (stored already, or queued before). */
  async add(q: Queryable, call: Call): Promise<boolean> {
    if (this.queuedIds.has(call.id) || (await this.references.get(q, 'storedCall', call.id))) return false;
    this.queued.push(call);
    this.queuedIds.add(call.id);
    return true;
  }

  /** Whether a call is queued and not written yet (a read of it from the database must flush first). */
  get pending(): boolean {
    return this.queued.length > 0;
  }

  /** Inserts the queued calls, in the order they were logged: one statement. */
  async flush(q: Queryable): Promise<void> {
    if (this.queued.length === 0) return;
    const calls = this.queued.splice(0);
    await q.query(
      `INSERT INTO calls (${CALL_COLUMNS}) SELECT ${CALL_COLUMNS} FROM json_populate_recordset(NULL::calls, $1::json)`,
      [JSON.stringify(calls.map((c) => callToRecord({ ...c, fromE164: c.from ? toE164(c.from) : null })))],
    );
    for (const call of calls) this.references.remember('storedCall', call.id, { found: 1 });
    this.queuedIds.clear();
  }
}
