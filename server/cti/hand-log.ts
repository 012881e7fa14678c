/**
 * A call an agent logs by hand (`call.log`) that a phone system already reported is linked to that record: its
 * notes, ticket and resident are added there, and no second record is made (issue 10 item 2).
 */
import { HAND_LOG_WINDOW_MS, matchHandLog } from '../../common/calls/correlate';
import type { Call } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { CALL_COLUMNS, callFromRow, type Row } from '../db/rows';
import { toE164 } from '../residents/phone';
import { notifyCall } from './live';
import { loadCall, saveCall } from './store';

/** The reported calls one hand log looks at, at most (the nearest by start). */
export const MAX_REPORTED = 200;

/** The reported calls a hand log could describe: same direction, started within the window, not hand logs. */
async function reportedAround(q: Queryable, log: Call): Promise<Call[]> {
  const t = Date.parse(log.startedAt);
  const { rows } = await q.query<Row>(
    `SELECT ${CALL_COLUMNS} FROM calls
      WHERE source <> 'desk' AND direction = $1 AND started_at BETWEEN $2 AND $3
      ORDER BY started_at, id LIMIT ${MAX_REPORTED} FOR UPDATE`,
    [log.direction, new Date(t - HAND_LOG_WINDOW_MS).toISOString(), new Date(t + HAND_LOG_WINDOW_MS).toISOString()],
  );
  return rows.map(callFromRow);
}

/**
 * What linking reads: by default straight from the database, one query each; a push group reads them for all its
 * logs at once (server/sync/call-batch) and must then see its own links (`linked`).
 */
export interface HandLogReads {
  /** The record a log was linked to before, by the log's own id. */
  linkedTo(logId: string): Promise<string | undefined>;
  /** reportedAround: the reported calls the log could describe, locked, as they are now. */
  reportedAround(log: Call): Promise<Call[]>;
  /** A link just made: the log's id now answers for `record`, which now reads as given. */
  linked(logId: string, record: Call): void;
}

export function directHandLogReads(q: Queryable): HandLogReads {
  return {
    async linkedTo(logId) {
      const { rows } = await q.query<{ call_id: string }>(
        `SELECT call_id::text AS call_id FROM call_aliases WHERE kind = 'call' AND alias = $1`,
        [logId],
      );
      return rows[0]?.call_id;
    },
    reportedAround: (log) => reportedAround(q, log),
    linked: () => {},
  };
}

/** Links the log to the reported call it describes and returns that call, or null when it is a call of its own. */
export async function linkHandLog(
  q: Queryable,
  log: Call,
  actorId: string,
  reads: HandLogReads = directHandLogReads(q),
): Promise<Call | null> {
  const linkedBefore = await reads.linkedTo(log.id);
  if (linkedBefore) return (await loadCall(q, linkedBefore)) ?? null;
  const number = log.direction === 'inbound' ? log.from : log.to;
  if (!number) return null;
  const match = matchHandLog(
    { direction: log.direction, number, startedAt: log.startedAt },
    await reads.reportedAround(log),
    toE164,
  );
  if (!match) return null;
  const ticketIds = log.ticketId ? [...new Set([...match.ticketIds, log.ticketId])] : match.ticketIds;
  const linked: Call = {
    ...match,
    notes: [match.notes, log.notes].filter((n) => n.trim() !== '').join('\n'),
    ticketIds,
    ticketId: match.ticketId ?? ticketIds[0] ?? null,
    ...(match.residentId === null && log.residentId !== null
      ? { residentId: log.residentId, residentConfidence: 'known' as const }
      : {}),
    agentId: match.agentId ?? actorId,
  };
  await saveCall(q, linked, match);
  // The log's own id answers for the record too: the same log pushed again links nothing twice.
  await q.query(`INSERT INTO call_aliases (kind, alias, call_id) VALUES ('call', $1, $2) ON CONFLICT DO NOTHING`, [
    log.id,
    linked.id,
  ]);
  reads.linked(log.id, linked);
  await notifyCall(q, linked.id);
  return linked;
}
