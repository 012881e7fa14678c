/**
 * Queue numbers (取号) on the central server: taking one, calling the next at a counter, re-calling and skipping,
 * and the lobby board. Every change NOTIFYs `QUEUE_CHANNEL` in its transaction, so each server node tells its
 * lobby displays (./live.ts) once the change is committed.
 */
import { randomUUID } from 'node:crypto';
import type { CalledNumber, QueueBoard, TakenNumber } from '../../common/kiosk/api';
import { KIOSK_ERRORS } from '../../common/kiosk/api';
import { LINE_INFO, QUEUE_LINES, queueLabel, type QueueLine } from '../../common/kiosk/lines';
import { SERVICE_SAMPLE, estimateWaitMinutes, recentServiceMinutes } from '../../common/kiosk/wait';
import type { Db, Queryable } from '../db/driver';
import { toIso, type Row } from '../db/rows';
import { HttpError } from '../http/errors';

export const QUEUE_CHANNEL = 'desk_queue';
/** How many called numbers the board shows (the lobby TV's "now calling" list). */
export const BOARD_CALLED = 6;
/** How many waiting numbers per line the board shows as "next". */
export const BOARD_NEXT = 5;

async function notifyQueue(q: Queryable): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [QUEUE_CHANNEL, '']);
}

/** The line's recent service time in minutes (gaps between its calls today). */
async function serviceMinutes(q: Queryable, day: string, line: QueueLine): Promise<number> {
  const { rows } = await q.query<Row>(
    `SELECT called_at FROM queue_numbers WHERE day = $1 AND line = $2 AND called_at IS NOT NULL
      ORDER BY called_at DESC LIMIT $3`,
    [day, line, SERVICE_SAMPLE + 1],
  );
  return recentServiceMinutes(
    rows.map((r) => new Date(toIso(r.called_at))),
    LINE_INFO[line].fallbackServiceMinutes,
  );
}

export async function takeNumber(
  db: Db,
  userId: string,
  line: QueueLine,
  day: string,
  now: Date,
): Promise<TakenNumber> {
  return db.tx(async (q) => {
    // One upsert per take: concurrent takes serialise on the counter row, so no two get the same number.
    const { rows } = await q.query<{ last: number }>(
      `INSERT INTO queue_counters (day, line, last) VALUES ($1, $2, 1)
       ON CONFLICT (day, line) DO UPDATE SET last = queue_counters.last + 1 RETURNING last`,
      [day, line],
    );
    const seq = Number(rows[0]!.last);
    const id = randomUUID();
    await q.query(
      `INSERT INTO queue_numbers (id, day, line, seq, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, day, line, seq, userId, now.toISOString()],
    );
    const ahead = await q.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM queue_numbers WHERE day = $1 AND line = $2 AND status = 'waiting' AND seq < $3`,
      [day, line, seq],
    );
    const peopleAhead = Number(ahead.rows[0]?.n ?? 0);
    await notifyQueue(q);
    return {
      id,
      line,
      label: queueLabel(line, seq),
      ahead: peopleAhead,
      waitMinutes: estimateWaitMinutes(peopleAhead, await serviceMinutes(q, day, line)),
      issuedAt: now.toISOString(),
    };
  });
}

function calledFromRow(row: Row): CalledNumber {
  const line = row.line as QueueLine;
  return {
    id: String(row.id),
    line,
    label: queueLabel(line, Number(row.seq)),
    counter: String(row.counter),
    calledAt: toIso(row.called_at),
    calls: Number(row.calls),
  };
}

const CALLED_COLUMNS = 'id, line, seq, counter, called_at, calls';

/**
 * Calls the oldest waiting number of `line` (or of any line, oldest taken first) to `counter`. FOR UPDATE SKIP
 * LOCKED: two counters calling at once get two different numbers, never the same one twice.
 */
export async function callNext(
  db: Db,
  agentId: string,
  opts: { line?: QueueLine; counter: string },
  day: string,
  now: Date,
): Promise<CalledNumber> {
  return db.tx(async (q) => {
    const lines = opts.line ? [opts.line] : [...QUEUE_LINES];
    const { rows } = await q.query<Row>(
      `SELECT id FROM queue_numbers WHERE day = $1 AND line = ANY($2::text[]) AND status = 'waiting'
        ORDER BY issued_at, line, seq LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [day, lines],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new HttpError(409, KIOSK_ERRORS.queueEmpty, { line: opts.line ?? null });
    const updated = await q.query<Row>(
      `UPDATE queue_numbers SET status = 'called', called_at = $2, called_by = $3, counter = $4, calls = calls + 1
        WHERE id = $1 RETURNING ${CALLED_COLUMNS}`,
      [id, now.toISOString(), agentId, opts.counter],
    );
    await notifyQueue(q);
    return calledFromRow(updated.rows[0]!);
  });
}

/** Calls a called number again (the resident did not come yet): it moves to the top of the board. */
export async function recall(db: Db, id: string, day: string, now: Date): Promise<CalledNumber> {
  return db.tx(async (q) => {
    const { rows } = await q.query<Row>(
      `UPDATE queue_numbers SET called_at = $3, calls = calls + 1
        WHERE id = $1 AND day = $2 AND status = 'called' RETURNING ${CALLED_COLUMNS}`,
      [id, day, now.toISOString()],
    );
    if (!rows[0]) throw new HttpError(404, 'not_found', { message: 'No number of today is being called with this id' });
    await notifyQueue(q);
    return calledFromRow(rows[0]);
  });
}

/** The resident never came: the number leaves the board (whether it was waiting or being called). */
export async function skip(db: Db, id: string, day: string): Promise<{ id: string }> {
  return db.tx(async (q) => {
    const { rows } = await q.query<Row>(
      `UPDATE queue_numbers SET status = 'skipped' WHERE id = $1 AND day = $2 AND status IN ('waiting', 'called')
        RETURNING id`,
      [id, day],
    );
    if (!rows[0])
      throw new HttpError(404, 'not_found', { message: 'No number of today is waiting or called with this id' });
    await notifyQueue(q);
    return { id };
  });
}

export async function board(q: Queryable, day: string): Promise<QueueBoard> {
  const called = await q.query<Row>(
    `SELECT ${CALLED_COLUMNS} FROM queue_numbers WHERE day = $1 AND status = 'called'
      ORDER BY called_at DESC LIMIT $2`,
    [day, BOARD_CALLED],
  );
  const waiting = await q.query<Row>(
    `SELECT line, seq, count(*) OVER (PARTITION BY line) AS waiting,
            row_number() OVER (PARTITION BY line ORDER BY seq) AS place
       FROM queue_numbers WHERE day = $1 AND status = 'waiting'`,
    [day],
  );
  const next = QUEUE_LINES.map((line) => {
    const rows = waiting.rows.filter((r) => r.line === line).sort((a, b) => Number(a.place) - Number(b.place));
    return {
      line,
      labels: rows.slice(0, BOARD_NEXT).map((r) => queueLabel(line, Number(r.seq))),
      waiting: Number(rows[0]?.waiting ?? 0),
    };
  });
  return { day, called: called.rows.map(calledFromRow), next };
}
