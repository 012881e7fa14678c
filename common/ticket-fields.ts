/**
 * The one declaration of a ticket's stored fields (issue 13): each Ticket field once, with its column name and the
 * kind of value it holds. Everything that lists them derives from TICKET_FIELDS:
 *   - the wire row order (common/sync.ts TICKET_ROW_FIELDS): a ticket row's values follow this array;
 *   - the server's column list, row mapper and write parameters (server/db/rows.ts), hence every SELECT/INSERT
 *     of tickets on the server and the demo seed (server/seed/load.ts);
 *   - the desk cache's row type, column list, upsert and row mapper (main/cache/tickets).
 * The order is part of the sync protocol (schema 3+): append only, and a new field also needs a server migration
 * that replaces ticket_wire_json (the database writes the wire rows) and a desk cache migration that adds the
 * column. tests/unit/ticket-fields.test.ts fails when either is missing or the order drifts.
 *
 * Server migrations are history and never derive from this: 0007 and 0010 spell out the list of their day.
 */
import type { SlaPause, Ticket } from './domain';

/** What a column holds; each side (server rows, the desk cache) converts a kind its own way. */
export interface TicketFieldKinds {
  text: string;
  textOrNull: string | null;
  int: number;
  numberOrNull: number | null;
  /** An ISO timestamp (timestamptz on the server, TEXT in the cache). */
  time: string;
  timeOrNull: string | null;
  bool: boolean;
  /** A text[] on the server, JSON text in the cache. */
  stringList: string[];
  /** jsonb on the server, JSON text in the cache. */
  pauses: SlaPause[];
}
export type TicketFieldKind = keyof TicketFieldKinds;

export interface TicketFieldSpec {
  field: keyof Ticket;
  /** The column in both the server's and the desk cache's `tickets` table. */
  column: string;
  kind: TicketFieldKind;
  /** False: the server stores no such column; its wire function computes the value (phoneHash). */
  serverColumn?: false;
}

/** In wire order (sync schema 3): append only. */
export const TICKET_FIELDS = [
  { field: 'id', column: 'id', kind: 'text' },
  { field: 'code', column: 'code', kind: 'textOrNull' },
  { field: 'type', column: 'type', kind: 'text' },
  { field: 'category', column: 'category', kind: 'text' },
  { field: 'channel', column: 'channel', kind: 'text' },
  { field: 'priority', column: 'priority', kind: 'int' },
  { field: 'status', column: 'status', kind: 'text' },
  { field: 'title', column: 'title', kind: 'text' },
  { field: 'description', column: 'description', kind: 'text' },
  { field: 'unitId', column: 'unit_id', kind: 'textOrNull' },
  { field: 'unitCode', column: 'unit_code', kind: 'textOrNull' },
  { field: 'residentId', column: 'resident_id', kind: 'textOrNull' },
  { field: 'residentName', column: 'resident_name', kind: 'textOrNull' },
  { field: 'phone', column: 'phone', kind: 'textOrNull' },
  { field: 'teamId', column: 'team_id', kind: 'textOrNull' },
  { field: 'assigneeId', column: 'assignee_id', kind: 'textOrNull' },
  { field: 'createdBy', column: 'created_by', kind: 'textOrNull' },
  { field: 'createdAt', column: 'created_at', kind: 'time' },
  { field: 'updatedAt', column: 'updated_at', kind: 'time' },
  { field: 'closedAt', column: 'closed_at', kind: 'timeOrNull' },
  { field: 'version', column: 'version', kind: 'int' },
  { field: 'tags', column: 'tags', kind: 'stringList' },
  { field: 'slaMilestone', column: 'sla_milestone', kind: 'textOrNull' },
  { field: 'slaStartedAt', column: 'sla_started_at', kind: 'timeOrNull' },
  { field: 'slaDueAt', column: 'sla_due_at', kind: 'timeOrNull' },
  { field: 'slaRiskAt', column: 'sla_risk_at', kind: 'timeOrNull' },
  { field: 'slaPausedAt', column: 'sla_paused_at', kind: 'timeOrNull' },
  { field: 'slaRemainingMinutes', column: 'sla_remaining_minutes', kind: 'numberOrNull' },
  { field: 'slaProvisional', column: 'sla_provisional', kind: 'bool' },
  { field: 'slaPauses', column: 'sla_pauses', kind: 'pauses' },
  { field: 'phoneHash', column: 'phone_hash', kind: 'textOrNull', serverColumn: false },
] as const satisfies readonly TicketFieldSpec[];

export type TicketFieldDecl = (typeof TICKET_FIELDS)[number];
/** Ticket field name → its column name. */
export type TicketColumnOf<F extends keyof Ticket> = Extract<TicketFieldDecl, { field: F }>['column'];

// Compile-time checks against the Ticket schema (common/domain.ts): every field declared, each with a kind whose
// value type is the field's. A field added to Ticket and not here (or with the wrong kind) fails the build.
type Undeclared = Exclude<keyof Ticket, TicketFieldDecl['field']>;
type WrongKind = {
  [D in TicketFieldDecl as D['field']]: [Ticket[D['field']]] extends [TicketFieldKinds[D['kind']]]
    ? [TicketFieldKinds[D['kind']]] extends [Ticket[D['field']] | string]
      ? never
      : D['field']
    : D['field'];
}[TicketFieldDecl['field']];
const everyFieldDeclared: [Undeclared] extends [never] ? true : Undeclared = true;
const everyKindMatches: [WrongKind] extends [never] ? true : WrongKind = true;
void everyFieldDeclared;
void everyKindMatches;

/** The declared fields in wire order, as a tuple type. */
type FieldsOf<T extends readonly TicketFieldSpec[]> = { readonly [I in keyof T]: T[I]['field'] };
export const TICKET_FIELD_NAMES = TICKET_FIELDS.map((f) => f.field) as unknown as FieldsOf<typeof TICKET_FIELDS>;
