/**
 * Call records in the database: reads for correlation, the upsert with every reporter's id as an alias, and the
 * lookups the call machine needs (agents, the caller's resident). Rows map to `Call` in server/db/rows.ts only.
 */
import { CORRELATION_WINDOW_MS, LATE_REPORT_WINDOW_MS, UNRUNG_LOOKBACK_MS } from '../../common/calls/correlate';
import type { Call, Presence, Role } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { read, run, type Read, type Statement } from '../db/statement';
import {
  CALL_COLUMNS,
  CALL_COLUMN_NAMES,
  CALL_PLACEHOLDERS,
  callFromRow,
  callToRecord,
  callToRow,
  presenceFromRow,
  type Row,
} from '../db/rows';

/**
 * How far apart in time a report and a record from the same number may be for correlate to consider them (its
 * widest window: a report long before a record that nobody reported ringing for).
 */
const CANDIDATE_WINDOW_MS = Math.max(CORRELATION_WINDOW_MS, LATE_REPORT_WINDOW_MS, UNRUNG_LOOKBACK_MS);
/** The nearest records from one number that correlation looks at (a number calls a few times in 4 h, not 50). */
export const MAX_NUMBER_CANDIDATES = 50;

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
  const { lo, hi } = candidateWindow(e.ts);
  const { rows } = await q.query<Row>(
    `SELECT ${CALL_COLUMNS} FROM calls WHERE id IN (
       SELECT call_id FROM call_aliases WHERE (kind = 'call' AND alias = $1) OR (kind = 'sip' AND alias = $2)
       UNION
       (SELECT id FROM calls WHERE from_e164 = $3 AND started_at BETWEEN $4 AND $5
         ORDER BY abs(extract(epoch FROM started_at - $6::timestamptz)) LIMIT ${MAX_NUMBER_CANDIDATES}))
     ORDER BY started_at, id FOR UPDATE`,
    [e.callId, e.sipCallId ?? null, fromE164, lo, hi, e.ts],
  );
  return rows.map(callFromRow);
}

/** The time span in which loadCandidates looks for calls from the same number (its BETWEEN bounds). */
export function candidateWindow(ts: string): { lo: string; hi: string } {
  const t = Date.parse(ts);
  return {
    lo: new Date(t - CANDIDATE_WINDOW_MS).toISOString(),
    hi: new Date(t + CANDIDATE_WINDOW_MS).toISOString(),
  };
}

export type AliasKind = 'call' | 'sip';
export interface CallAlias {
  kind: AliasKind;
  alias: string;
  callId: string;
}

/** What groupCandidatesRead reads for a group of events. */
export interface GroupCandidates {
  /** Every record any of the events' loadCandidates could return, and then some; locked. */
  calls: Call[];
  /** The stored aliases of the events' reporter ids and SIP Call-IDs. */
  aliases: CallAlias[];
}

/**
 * loadCandidates for a group of events, as one read, before any of them is applied: the records their
 * reporter ids and SIP Call-IDs name (with those aliases), and for each event that would search by number (a ring,
 * or a report of an unknown reporter id) the nearest calls from its number — `extra` more than loadCandidates
 * takes, so that however the group's own writes move its records, each event's nearest ones are among them
 * (./group-calls picks each event's candidates from these in memory).
 */
export function groupCandidatesRead(
  events: ReadonlyArray<{ type: string; callId: string; sipCallId?: string | undefined; ts: string }>,
  fromE164: ReadonlyArray<string | null>,
  extra: number,
): Read<GroupCandidates> {
  const windows = events.map((e) => candidateWindow(e.ts));
  return {
    sql: `WITH ev AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[],
         $6::timestamptz[], $7::boolean[]) AS t(call_alias, sip_alias, from_e164, lo, hi, ts, ring)),
     hits AS (
       SELECT kind, alias, call_id FROM call_aliases WHERE kind = 'call' AND alias = ANY($1::text[])
       UNION ALL
       SELECT kind, alias, call_id FROM call_aliases WHERE kind = 'sip' AND alias = ANY($2::text[])),
     near AS (
       SELECT n.id FROM ev CROSS JOIN LATERAL (
         SELECT id FROM calls WHERE from_e164 = ev.from_e164 AND started_at BETWEEN ev.lo AND ev.hi
          ORDER BY abs(extract(epoch FROM started_at - ev.ts)) LIMIT $8) n
        WHERE ev.ring OR NOT EXISTS (SELECT 1 FROM hits WHERE kind = 'call' AND alias = ev.call_alias))
     SELECT ${CALL_COLUMNS},
       (SELECT json_agg(json_build_array(h.kind, h.alias)) FROM hits h WHERE h.call_id = calls.id) AS hit_aliases
       FROM calls WHERE id IN (SELECT call_id FROM hits UNION SELECT id FROM near)
      ORDER BY started_at, id FOR UPDATE OF calls`,
    params: [
      events.map((e) => e.callId),
      events.map((e) => e.sipCallId ?? null),
      fromE164,
      windows.map((w) => w.lo),
      windows.map((w) => w.hi),
      events.map((e) => e.ts),
      events.map((e) => e.type === 'call.ringing'),
      MAX_NUMBER_CANDIDATES + extra,
    ],
    decode(rows) {
      const aliases: CallAlias[] = [];
      const calls = rows.map((r) => {
        const hits = (typeof r.hit_aliases === 'string' ? JSON.parse(r.hit_aliases) : r.hit_aliases) as
          [AliasKind, string][] | null;
        for (const [kind, alias] of hits ?? []) aliases.push({ kind, alias, callId: String(r.id) });
        return callFromRow(r);
      });
      return { calls, aliases };
    },
  };
}

const UPDATE_SET = CALL_COLUMN_NAMES.filter((c) => c !== 'id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

export const reporterIds = (c: Call) => new Set([c.callId, ...c.legs.map((l) => l.callId)]);

/** The aliases `call` answers to that `before` (the record as it was read) did not: what a save adds. */
export function newAliases(call: Call, before: Call | undefined): CallAlias[] {
  const known = before ? reporterIds(before) : new Set<string>();
  const ids = [...reporterIds(call)].filter((id) => !known.has(id));
  const sips = call.sipCallIds.filter((id) => !before?.sipCallIds.includes(id));
  return [
    ...ids.map((alias) => ({ kind: 'call' as const, alias, callId: call.id })),
    ...sips.map((alias) => ({ kind: 'sip' as const, alias, callId: call.id })),
  ];
}

/**
 * Inserts or replaces the record, and records every reporter id and SIP Call-ID it now answers to (those it did
 * not answer to as `before`, the record as it was read).
 */
export async function saveCall(q: Queryable, call: Call, before?: Call): Promise<void> {
  await q.query(
    `INSERT INTO calls (${CALL_COLUMNS}) VALUES (${CALL_PLACEHOLDERS}) ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET}`,
    callToRow(call),
  );
  await run(q, aliasesInsert(newAliases(call, before)));
}

/** saveCall's upsert for many records (each id once) as one statement. */
export function callsUpsert(calls: readonly Call[]): Statement | null {
  if (calls.length === 0) return null;
  return {
    sql: `INSERT INTO calls (${CALL_COLUMNS})
     SELECT ${CALL_COLUMNS} FROM json_populate_recordset(NULL::calls, $1::json)
     ON CONFLICT (id) DO UPDATE SET ${UPDATE_SET}`,
    params: [JSON.stringify(calls.map(callToRecord))],
  };
}

/** New aliases as one statement; an alias another record holds already stays that record's. */
export function aliasesInsert(aliases: readonly CallAlias[]): Statement | null {
  if (aliases.length === 0) return null;
  return {
    sql: `INSERT INTO call_aliases (kind, alias, call_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) ON CONFLICT DO NOTHING`,
    params: [aliases.map((a) => a.kind), aliases.map((a) => a.alias), aliases.map((a) => a.callId)],
  };
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
  return read(q, activeAgentsRead());
}

export function activeAgentsRead(): Read<AgentRef[]> {
  return {
    sql: `SELECT id::text AS id, username, name, extension FROM users WHERE active AND role = ANY($1::text[])
     ORDER BY username`,
    params: [CALL_ROLES],
    decode: (rows) =>
      rows.map((r) => ({
        id: String(r.id),
        username: String(r.username),
        name: String(r.name),
        extension: r.extension == null ? null : String(r.extension),
      })),
  };
}

/** The presence of every agent activeAgents lists (those without a presence row have none here). */
export function agentsPresenceRead(): Read<Map<string, Presence>> {
  return {
    sql: `SELECT p.* FROM agent_presence p JOIN users u ON u.id = p.user_id
      WHERE u.active AND u.role = ANY($1::text[])`,
    params: [CALL_ROLES],
    decode: (rows) => new Map(rows.map((r) => [String(r.user_id), presenceFromRow(r)])),
  };
}

/** The one resident whose phone this is, or null when nobody or several residents have it (the agent picks). */
export async function residentByPhone(q: Queryable, e164: string): Promise<string | null> {
  const { rows } = await q.query<{ resident_id: string }>(
    'SELECT DISTINCT resident_id FROM resident_phones WHERE e164 = $1 LIMIT 2',
    [e164],
  );
  return rows.length === 1 && rows[0] ? String(rows[0].resident_id) : null;
}

/** residentByPhone for many numbers, as one read: each number that belongs to exactly one resident. */
export function residentsRead(numbers: readonly string[]): Read<Map<string, string>> {
  return {
    sql: `SELECT e164, min(resident_id) AS resident_id FROM resident_phones WHERE e164 = ANY($1::text[])
      GROUP BY e164 HAVING count(DISTINCT resident_id) = 1`,
    params: [[...new Set(numbers)]],
    decode: (rows) => new Map(rows.map((r) => [String(r.e164), String(r.resident_id)])),
  };
}
