/**
 * Call records in the database: reads for correlation, the upsert with every reporter's id as an alias, and the
 * lookups the call machine needs (agents, the caller's resident). Rows map to `Call` in server/db/rows.ts only.
 */
import { CORRELATION_WINDOW_MS, LATE_REPORT_WINDOW_MS, UNRUNG_LOOKBACK_MS } from '../../common/calls/correlate';
import type { Call, Role } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { CALL_COLUMNS, CALL_COLUMN_NAMES, CALL_PLACEHOLDERS, callFromRow, callToRow, type Row } from '../db/rows';

/**
 * How far apart in time a report and a record from the same number may be for correlate to consider them (its
 * widest window: a report long before a record that nobody reported ringing for).
 */
const CANDIDATE_WINDOW_MS = Math.max(CORRELATION_WINDOW_MS, LATE_REPORT_WINDOW_MS, UNRUNG_LOOKBACK_MS);
/** The nearest records from one number that correlation looks at (a number calls a few times in 4 h, not 50). */
const MAX_NUMBER_CANDIDATES = 50;

export async function loadCall(q: Queryable, id: string, forUpdate = false): Promise<Call | undefined> {
  const { rows } = await q.query<Row>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? callFromRow(rows[0]) : undefined;
}

export async function loadCalls(q: Queryable, ids: readonly string[]): Promise<Call[]> {
  if (ids.length === 0) return [];
  const { rows } = await q.query<Row>(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = ANY($1::uuid[])`, [ids]);
  return rows.map(callFromRow);
}

/**
 * The records an event may belong to (common/calls/correlate decides): the one holding its reporter id or SIP
 * Call-ID, and the nearest calls from the same number within correlate's windows. Locked for the write.
 */
export async function loadCandidates(
  q: Queryable,
  e: { type: string; callId: string; sipCallId?: string | undefined; ts: string },
  fromE164: string | null,
): Promise<Call[]> {
  // Most events (answers, hangups) come from a reporter id already known: that record is the answer
  // (correlate's first rule), and the wider search below is not needed. A ring is mostly a call's first report:
  // it goes straight to the wider search, which holds the record of a known reporter id too.
  if (e.type !== 'call.ringing') {
    // One round trip: the alias and its record, locked.
    const known = await q.query<Row>(
      `SELECT ${CALL_COLUMNS} FROM calls
        WHERE id = (SELECT call_id FROM call_aliases WHERE kind = 'call' AND alias = $1) FOR UPDATE`,
      [e.callId],
    );
    if (known.rows[0]) return [callFromRow(known.rows[0])];
  }
  const t = Date.parse(e.ts);
  const { rows } = await q.query<Row>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE id IN (
       SELECT call_id FROM call_aliases WHERE (kind = 'call' AND alias = $1) OR (kind = 'sip' AND alias = $2)
       UNION
       (SELECT id FROM calls WHERE from_e164 = $3 AND started_at BETWEEN $4 AND $5
         ORDER BY abs(extract(epoch FROM started_at - $6::timestamptz)) LIMIT ${MAX_NUMBER_CANDIDATES}))
     ORDER BY started_at, id FOR UPDATE`,
    [
      e.callId,
      e.sipCallId ?? null,
      fromE164,
      new Date(t - CANDIDATE_WINDOW_MS).toISOString(),
      new Date(t + CANDIDATE_WINDOW_MS).toISOString(),
      e.ts,
    ],
  );
  return rows.map(callFromRow);
}

const UPDATE_SET = CALL_COLUMN_NAMES.filter((c) => c !== 'id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

const reporterIds = (c: Call) => new Set([c.callId, ...c.legs.map((l) => l.callId)]);

/**
 * Inserts or replaces the record, and records every reporter id and SIP Call-ID it now answers to (those it did
 * not answer to as `before`, the record as it was read).
 */
export async function saveCall(q: Queryable, call: Call, before?: Call): Promise<void> {
  await q.query(
    `INSERT INTO calls (${CALL_COLUMNS}) VALUES (${CALL_PLACEHOLDERS}) ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET}`,
    callToRow(call),
  );
  const known = before ? reporterIds(before) : new Set<string>();
  const ids = [...reporterIds(call)].filter((id) => !known.has(id));
  const sips = call.sipCallIds.filter((id) => !before?.sipCallIds.includes(id));
  if (ids.length + sips.length === 0) return;
  await q.query(
    `INSERT INTO call_aliases (kind, alias, call_id)
     SELECT kind, alias, $3 FROM unnest($1::text[], $2::text[]) AS t(kind, alias)
     ON CONFLICT DO NOTHING`,
    [[...ids.map(() => 'call'), ...sips.map(() => 'sip')], [...ids, ...sips], call.id],
  );
}

export interface AgentRef {
  id: string;
  username: string;
  name: string;
  extension: string | null;
}

/** Roles a PBX may name as the agent a call rings for or was answered by. */
const CALL_ROLES: readonly Role[] = ['agent', 'lead', 'technician', 'admin'];

export async function activeAgents(q: Queryable): Promise<AgentRef[]> {
  const { rows } = await q.query<Row>(
    `SELECT id::text AS id, username, name, extension FROM users WHERE active AND role = ANY($1::text[])
     ORDER BY username`,
    [CALL_ROLES],
  );
  return rows.map((r) => ({
    id: String(r.id),
    username: String(r.username),
    name: String(r.name),
    extension: r.extension == null ? null : String(r.extension),
  }));
}

/** The one resident whose phone this is, or null when nobody or several residents have it (the agent picks). */
export async function residentByPhone(q: Queryable, e164: string): Promise<string | null> {
  const { rows } = await q.query<{ resident_id: string }>(
    'SELECT DISTINCT resident_id FROM resident_phones WHERE e164 = $1 LIMIT 2',
    [e164],
  );
  return rows.length === 1 && rows[0] ? String(rows[0].resident_id) : null;
}
