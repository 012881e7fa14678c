/**
 * A ticket as the cache stores it: the row type, column list and conversions derived from the one field
 * declaration (common/ticket-fields), the derived columns the views' indexes use, and the upsert a put runs.
 */
import type { Ticket, TicketEvent } from '../../../common/domain';
import { isMaskedPhone, maskPhone, phoneHashOf } from '../../../common/residents/phone';
import type { PhoneHasher } from '../../../common/residents/phone-hash';
import {
  TICKET_FIELDS,
  type TicketFieldDecl,
  type TicketFieldKind,
  type TicketFieldKinds,
  type TicketFieldSpec,
} from '../../../common/ticket-fields';
import { awaitingFollowUp, isOpen } from '../../../common/workflows';
import { SLA_NO_DEADLINE } from '../migrations/005_ticket_sla';

/** A `tickets` row as SELECT TICKET_COLUMNS returns it: each declared field's column, in its cache encoding. */
export type TicketRow = { [D in TicketFieldDecl as D['column']]: CacheValue<D['kind']> };
export interface EventRow {
  id: string;
  ticket_id: string;
  kind: TicketEvent['kind'];
  body: string;
  data: string;
  author_id: string | null;
  created_at: string;
}

/** The declared fields' columns (common/ticket-fields), in declaration order. */
export const TICKET_COLUMNS = TICKET_FIELDS.map((f) => f.column).join(', ');

/** How the cache stores each kind: SQLite has no booleans or arrays, so those three are converted. */
type Converted = 'bool' | 'stringList' | 'pauses';
type CacheKinds = Omit<TicketFieldKinds, Converted> & { bool: number; stringList: string; pauses: string };
type CacheValue<K extends TicketFieldKind> = CacheKinds[K];

const FROM_CACHE: { [K in Converted]: (value: CacheKinds[K]) => TicketFieldKinds[K] } = {
  bool: (v) => v === 1,
  stringList: (v) => JSON.parse(v) as string[],
  pauses: (v) => JSON.parse(v) as Ticket['slaPauses'],
};
// `?? []`: shadows written before sync schema 2 have no tags, rows cached or shadowed before the SLA wiring have
// no SLA fields (and every other missing value is stored as null).
const TO_CACHE: { [K in Converted]: (value: TicketFieldKinds[K] | undefined) => CacheKinds[K] } = {
  bool: (v) => (v ? 1 : 0),
  stringList: (v) => JSON.stringify(v ?? []),
  pauses: (v) => JSON.stringify(v ?? []),
};

const FIELD_NAMES = TICKET_FIELDS.map((f) => f.field);
const COLUMN_NAMES = TICKET_FIELDS.map((f) => f.column as keyof TicketRow);
const isConverted = (kind: TicketFieldKind): kind is Converted => kind in TO_CACHE;
/**
 * The converted fields as [index, field, column, encode, decode]. Every other value is copied as it is: on the
 * initial sync's hot path a call per field would cost a third more than the insert's own work (measured).
 */
const CONVERTED = TICKET_FIELDS.flatMap((f: TicketFieldSpec, i) =>
  isConverted(f.kind)
    ? [
        [
          i,
          f.field,
          f.column as keyof TicketRow,
          TO_CACHE[f.kind] as (value: unknown) => unknown,
          FROM_CACHE[f.kind] as (value: unknown) => unknown,
        ] as const,
      ]
    : [],
);
const PHONE_AT = FIELD_NAMES.indexOf('phone');
const PHONE_HASH_AT = FIELD_NAMES.indexOf('phoneHash');
/** The columns put() writes after the declared ones: derived for the views' indexes (migrations 001, 005). */
const DERIVED_COLUMNS = ['is_open', 'updated_ms', 'sla_due_ms', 'sla_risk_ms', 'closed_ms', 'wait_kind'] as const;

/** Every field, in order: a ticket starts as a copy, so V8 keeps it a fast object (see server/db/rows.ts). */
const TICKET_SHAPE: Record<string, unknown> = Object.fromEntries(FIELD_NAMES.map((f) => [f, null]));

export function toTicket(r: TicketRow): Ticket {
  const ticket = { ...TICKET_SHAPE };
  for (let i = 0; i < FIELD_NAMES.length; i++) ticket[FIELD_NAMES[i]!] = r[COLUMN_NAMES[i]!];
  for (const [, field, column, , decode] of CONVERTED) ticket[field] = decode(r[column]);
  return ticket as Ticket;
}

/** Derived `wait_kind`: whose move it is when the desk is waiting (a view each), else null. */
function waitKind(t: Ticket): 'follow_up' | 'resident' | null {
  if (!isOpen(t.status)) return null;
  if (awaitingFollowUp(t)) return 'follow_up';
  return t.status === 'on_hold' || t.status === 'promised' ? 'resident' : null;
}

export function toEvent(r: EventRow): TicketEvent {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    body: r.body,
    data: JSON.parse(r.data) as Record<string, unknown>,
    authorId: r.author_id,
    createdAt: r.created_at,
  };
}

// Positional parameters in TICKET_COLUMNS order, then DERIVED_COLUMNS: no per-row object copy and no named-parameter
// lookup on the initial sync's hot path (about 2x faster than `@name`).
const UPSERT_COLUMNS = [...COLUMN_NAMES, ...DERIVED_COLUMNS];
export const TICKET_UPSERT = `INSERT INTO tickets (${UPSERT_COLUMNS.join(', ')})
  VALUES (${UPSERT_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${UPSERT_COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/**
 * TICKET_UPSERT's parameters for `t`. `hash` hashes a whole number this desk was given (an optimistic ticket's
 * typed phone) before it is masked: the cache keeps numbers masked only (issue 11 §4), the server's already are.
 */
export function ticketValues(t: Ticket, hash: PhoneHasher): unknown[] {
  // Pulled rows come masked with their hash: the fast path. A whole number is hashed, then masked.
  const whole = t.phone !== null && !isMaskedPhone(t.phone);
  const values: unknown[] = new Array(FIELD_NAMES.length);
  for (let i = 0; i < FIELD_NAMES.length; i++) values[i] = t[FIELD_NAMES[i]!] ?? null;
  for (const [at, field, , encode] of CONVERTED) values[at] = encode(t[field]);
  if (whole) {
    values[PHONE_AT] = maskPhone(t.phone as string);
    // Caller-ID finds earlier tickets by the caller's number's hash (migrations 009, 010).
    values[PHONE_HASH_AT] = phoneHashOf(hash, t.phone);
  }
  values.push(
    // DERIVED_COLUMNS
    isOpen(t.status) ? 1 : 0,
    Date.parse(t.updatedAt),
    t.slaDueAt ? Date.parse(t.slaDueAt) : SLA_NO_DEADLINE,
    t.slaRiskAt ? Date.parse(t.slaRiskAt) : null,
    t.closedAt ? Date.parse(t.closedAt) : null,
    waitKind(t),
  );
  return values;
}
