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

/**
 * Every column a ticket write sets. The last, `phone_masked`, is derived (maskPhone of `phone`: the pull's wire
 * carries it, migration 0010); reads ignore it.
 */
export const TICKET_COLUMNS = `id, code, type, category, channel, priority, status, title, description, unit_id, unit_code,
  resident_id, resident_name, phone, team_id, assignee_id, created_by, created_at, updated_at, closed_at, version, tags,
  sla_milestone, sla_started_at, sla_due_at, sla_risk_at, sla_paused_at, sla_remaining_minutes, sla_provisional,
  sla_pauses, phone_masked`;

export function ticketFromRow(r: Row): Ticket {
  return {
    id: str(r.id),
    code: strOrNull(r.code),
    type: r.type as Ticket['type'],
    category: r.category as Ticket['category'],
    channel: r.channel as Ticket['channel'],
    priority: toInt(r.priority),
    status: r.status as Ticket['status'],
    title: str(r.title),
    description: str(r.description ?? ''),
    unitId: strOrNull(r.unit_id),
    unitCode: strOrNull(r.unit_code),
    residentId: strOrNull(r.resident_id),
    residentName: strOrNull(r.resident_name),
    phone: strOrNull(r.phone),
    teamId: strOrNull(r.team_id),
    assigneeId: strOrNull(r.assignee_id),
    createdBy: strOrNull(r.created_by),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    closedAt: toIsoOrNull(r.closed_at),
    version: toInt(r.version),
    tags: Array.isArray(r.tags) ? r.tags.map(String) : [],
    slaMilestone: (r.sla_milestone ?? null) as Ticket['slaMilestone'],
    slaStartedAt: toIsoOrNull(r.sla_started_at),
    slaDueAt: toIsoOrNull(r.sla_due_at),
    slaRiskAt: toIsoOrNull(r.sla_risk_at),
    slaPausedAt: toIsoOrNull(r.sla_paused_at),
    slaRemainingMinutes: r.sla_remaining_minutes == null ? null : Number(r.sla_remaining_minutes),
    slaProvisional: Boolean(r.sla_provisional),
    slaPauses: slaPausesFrom(r.sla_pauses),
    // The hash goes out with the pull (the wire column); the server itself matches numbers by E.164.
    phoneHash: null,
  };
}

function slaPausesFrom(value: unknown): Ticket['slaPauses'] {
  const list = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  return list.map((p: { start: unknown; end: unknown }) => ({ start: toIso(p.start), end: toIsoOrNull(p.end) }));
}

/** Parameters for an INSERT/UPSERT listing TICKET_COLUMNS in order. */
export function ticketToParams(t: Ticket): unknown[] {
  return [
    t.id,
    t.code,
    t.type,
    t.category,
    t.channel,
    t.priority,
    t.status,
    t.title,
    t.description,
    t.unitId,
    t.unitCode,
    t.residentId,
    t.residentName,
    t.phone,
    t.teamId,
    t.assigneeId,
    t.createdBy,
    t.createdAt,
    t.updatedAt,
    t.closedAt,
    t.version,
    t.tags,
    t.slaMilestone,
    t.slaStartedAt,
    t.slaDueAt,
    t.slaRiskAt,
    t.slaPausedAt,
    t.slaRemainingMinutes,
    t.slaProvisional,
    JSON.stringify(t.slaPauses),
    maskPhoneOrNull(t.phone),
  ];
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

/** The values of CALL_COLUMN_NAMES for an INSERT or UPSERT of `c`. */
export function callToRow(c: Call): unknown[] {
  const detail: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(c)) if (!IN_COLUMNS.has(field)) detail[field] = value;
  return [...CALL_FIELDS.map(([, field]) => c[field]), c.callback.state, c.callback.claimedBy, JSON.stringify(detail)];
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
