/**
 * Row → wire mappers, the one place that knows column names. Both drivers return timestamptz as Date;
 * `pg` returns bigint as string and PGlite as number, so every number and time is normalised here.
 */
import {
  DEFAULT_AGENT_CAPACITY,
  Call,
  NO_CALLBACK,
  type Presence,
  type Team,
  type Ticket,
  type TicketEvent,
  type User,
} from '../../common/domain';
import { maskPhoneOrNull } from '../../common/residents/phone';
import {
  TICKET_FIELDS,
  type TicketFieldKind,
  type TicketFieldKinds,
  type TicketFieldSpec,
} from '../../common/ticket-fields';

export type Row = Record<string, unknown>;

export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).toISOString();
  throw new TypeError(`Not a timestamp: ${String(value)}`);
}

export const toIsoOrNull = (value: unknown): string | null => (value == null ? null : toIso(value));
export const toInt = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const strOrNull = (value: unknown): string | null => (value == null ? null : String(value));

/** The declared fields the server stores (phoneHash is computed by the wire function, migration 0010). */
const STORED_FIELDS = TICKET_FIELDS.filter((f: TicketFieldSpec) => f.serverColumn !== false);

/**
 * Every column a ticket write sets: the declared ones (common/ticket-fields), then `phone_masked`, derived
 * (maskPhone of `phone`: the pull's wire carries it, migration 0010); reads ignore it.
 */
export const TICKET_COLUMNS = [...STORED_FIELDS.map((f) => f.column), 'phone_masked'].join(', ');

/** Column value → Ticket value, per kind. Both drivers return timestamptz as Date, bigint as string or number. */
const FROM_COLUMN: { [K in TicketFieldKind]: (value: unknown) => TicketFieldKinds[K] } = {
  text: (v) => (v == null ? '' : String(v)),
  textOrNull: strOrNull,
  int: toInt,
  numberOrNull: (v) => (v == null ? null : Number(v)),
  time: toIso,
  timeOrNull: toIsoOrNull,
  bool: Boolean,
  stringList: (v) => (Array.isArray(v) ? v.map(String) : []),
  pauses: slaPausesFrom,
};

/**
 * Every field, in order: a ticket starts as a copy of it, so it has its final shape from the start (an object that
 * grows field by field under computed names turns into a slow dictionary in V8, and every later read pays).
 */
const TICKET_SHAPE: Record<string, unknown> = Object.fromEntries(TICKET_FIELDS.map((f) => [f.field, null]));
const decoders = TICKET_FIELDS.map((f: TicketFieldSpec) => {
  const decode = FROM_COLUMN[f.kind] as (value: unknown) => unknown;
  const column = f.column;
  // The hash goes out with the pull (the wire column); the server itself matches numbers by E.164.
  return f.serverColumn === false ? () => null : (r: Row) => decode(r[column]);
});
/** The stored fields in TICKET_COLUMNS order: each value as it is (pg sends arrays as text[]) but the jsonb ones. */
const PARAM_FIELDS = STORED_FIELDS.map((f) => f.field);
const JSON_PARAMS = STORED_FIELDS.flatMap((f, i) => (f.kind === 'pauses' ? [i] : []));

export function ticketFromRow(r: Row): Ticket {
  const ticket = { ...TICKET_SHAPE };
  for (let i = 0; i < TICKET_FIELDS.length; i++) ticket[TICKET_FIELDS[i]!.field] = decoders[i]!(r);
  return ticket as Ticket;
}

function slaPausesFrom(value: unknown): Ticket['slaPauses'] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  return list.map((p: { start: unknown; end: unknown }) => ({ start: toIso(p.start), end: toIsoOrNull(p.end) }));
}

/** Parameters for an INSERT/UPSERT listing TICKET_COLUMNS in order. */
export function ticketToParams(t: Ticket): unknown[] {
  const params: unknown[] = PARAM_FIELDS.map((field) => t[field]);
  for (const i of JSON_PARAMS) params[i] = JSON.stringify(params[i]);
  params.push(maskPhoneOrNull(t.phone));
  return params;
}

export const EVENT_COLUMNS = 'id, ticket_id, kind, body, data, author_id, created_at';

export function eventFromRow(r: Row): TicketEvent {
  const data = typeof r.data === 'string' ? (JSON.parse(r.data) as unknown) : r.data;
  return {
    id: str(r.id),
    ticketId: str(r.ticket_id),
    kind: r.kind as TicketEvent['kind'],
    body: str(r.body ?? ''),
    data: (data ?? {}) as Record<string, unknown>,
    authorId: strOrNull(r.author_id),
    createdAt: toIso(r.created_at),
  };
}

/** Never includes password_hash: callers select USER_COLUMNS, and the mapper copies only wire fields. */
export const USER_COLUMNS = 'id, username, name, role, extension, team_id, skills, capacity';

export function userFromRow(r: Row): User {
  return {
    id: str(r.id),
    username: str(r.username),
    name: str(r.name),
    role: r.role as User['role'],
    extension: strOrNull(r.extension),
    teamId: strOrNull(r.team_id),
    skills: Array.isArray(r.skills) ? (r.skills as User['skills']) : [],
    capacity: Number(r.capacity ?? DEFAULT_AGENT_CAPACITY),
  };
}

export const TEAM_COLUMNS = 'id, name_zh, name_en';

export function teamFromRow(r: Row): Team {
  return { id: str(r.id), nameZh: str(r.name_zh), nameEn: str(r.name_en) };
}

/**
 * A call's queried facts are columns; everything else of the record lives in the jsonb `detail` (migration 0008).
 * CALL_FIELDS is the one list of which is which: callFromRow and callToRow both follow it.
 */
const CALL_FIELDS = [
  ['id', 'id'],
  ['call_id', 'callId'],
  ['direction', 'direction'],
  ['from_raw', 'from'],
  ['from_e164', 'fromE164'],
  ['to_raw', 'to'],
  ['agent_id', 'agentId'],
  ['resident_id', 'residentId'],
  ['ticket_id', 'ticketId'],
  ['started_at', 'startedAt'],
  ['answered_at', 'answeredAt'],
  ['ended_at', 'endedAt'],
  ['missed', 'missed'],
  ['disposition', 'disposition'],
  ['notes', 'notes'],
  ['logged_at', 'loggedAt'],
  ['state', 'state'],
  ['source', 'source'],
  ['last_event_at', 'lastEventAt'],
] as const satisfies readonly (readonly [string, keyof Call])[];

const CALL_TIMES = new Set<string>(['started_at', 'answered_at', 'ended_at', 'logged_at', 'last_event_at']);
const IN_COLUMNS = new Set<string>(CALL_FIELDS.map(([, field]) => field));

/** Every column of a call row, in the order callToRow's values follow. */
export const CALL_COLUMN_NAMES = [
  ...CALL_FIELDS.map(([column]) => column),
  'callback_state',
  'callback_claimed_by',
  'detail',
] as const;
export const CALL_COLUMNS = CALL_COLUMN_NAMES.join(', ');
/** `$1, $2, …` for an INSERT of callToRow's values. */
export const CALL_PLACEHOLDERS = CALL_COLUMN_NAMES.map((c, i) => `$${i + 1}${c === 'detail' ? '::jsonb' : ''}`).join(
  ', ',
);

export function callFromRow(r: Row): Call {
  const detail = (typeof r.detail === 'string' ? JSON.parse(r.detail) : (r.detail ?? {})) as Record<string, unknown>;
  const call: Record<string, unknown> = { ...detail };
  for (const [column, field] of CALL_FIELDS) {
    const value = r[column];
    call[field] = value == null ? null : CALL_TIMES.has(column) ? toIso(value) : value;
  }
  call.notes ??= '';
  call.missed = Boolean(r.missed);
  // The columns are the truth for what is queried; the rest of the callback (result, note…) is in detail.
  const callback = (detail.callback ?? NO_CALLBACK) as Call['callback'];
  call.callback = {
    ...callback,
    state: (r.callback_state as Call['callback']['state'] | undefined) ?? callback.state,
    claimedBy: strOrNull(r.callback_claimed_by),
  };
  return Call.parse(call);
}

/** The values of CALL_COLUMN_NAMES for `c`, `detail` as an object. */
function callValues(c: Call): unknown[] {
  const detail: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(c)) if (!IN_COLUMNS.has(field)) detail[field] = value;
  return [...CALL_FIELDS.map(([, field]) => c[field]), c.callback.state, c.callback.claimedBy, detail];
}

/** The values of CALL_COLUMN_NAMES for an INSERT or UPSERT of `c`. */
export function callToRow(c: Call): unknown[] {
  const values = callValues(c);
  values[values.length - 1] = JSON.stringify(values.at(-1));
  return values;
}

/** `c` as one object keyed by column: many rows travel as one JSON parameter (json_populate_recordset). */
export function callToRecord(c: Call): Row {
  const values = callValues(c);
  return Object.fromEntries(CALL_COLUMN_NAMES.map((column, i) => [column, values[i]]));
}

/**
 * `c` as reading it back after writing it would give it: times as reads return them (milliseconds, UTC), the
 * record parsed again. A group that applies several events to one record in memory hands each the
 * record as one event at a time would have read it.
 */
export function callAsStored(c: Call): Call {
  const values = callToRow(c);
  return callFromRow(Object.fromEntries(CALL_COLUMN_NAMES.map((column, i) => [column, values[i]])));
}

export const PRESENCE_COLUMNS = 'user_id, state, since, wrap_up_until, call_id';

export function presenceFromRow(r: Row): Presence {
  return {
    userId: str(r.user_id),
    state: r.state as Presence['state'],
    since: toIso(r.since),
    wrapUpUntil: toIsoOrNull(r.wrap_up_until),
    callId: strOrNull(r.call_id),
  };
}
