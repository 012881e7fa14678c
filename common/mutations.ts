/**
 * Intent-based mutations (DESIGN.md §5) and the one pure function that applies them.
 * The desk host runs it for the optimistic change; the server runs it, authoritatively, on push.
 */
import { z } from 'zod';
import {
  CallDirection,
  Category,
  NO_SLA,
  Channel,
  Priority,
  TicketStatus,
  TicketType,
  Call as CallRecord,
  type Call,
  type Role,
  type Ticket,
  type TicketEvent,
} from './domain';
import { CALL_MUTATION_ARGS, PresenceSetArgs } from './calls/args';
import { Uuid, isoDateTime, line, text } from './input';
import { ticketSla, type TicketSlaContext } from './sla/ticket-sla';
import {
  ASSIGN_SCOPES,
  REASON_MAX,
  REASON_REQUIRED_MESSAGE,
  checkTicketAction,
  hasReason,
  type Actor,
  type TicketAction,
} from './ticket-access';
import { StatusOutputs, isOpen, validateTransition } from './workflows';

/** Required text: trimmed, not empty. */
const Required = (max: number) => text(max, { trim: true, min: 1 });
/**
 * Why: required where common/ticket-access says so (cancel, raise to P0/P1, reassign someone else's ticket).
 * Optional in the schema: mutations already in outboxes carry none, and the rule, not the shape, decides.
 */
const Reason = text(REASON_MAX, { trim: true }).optional();

export const TicketCreateArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  type: TicketType,
  category: Category,
  channel: Channel,
  priority: Priority.default(3),
  title: Required(200),
  description: text(5000).default(''),
  unitId: line(64).nullable().default(null),
  unitCode: text(32).nullable().default(null),
  residentId: line(64).nullable().default(null),
  residentName: text(64).nullable().default(null),
  /** Typed in full, or masked (the caller's or the resident's number as the desk shows it: see callId). */
  phone: line(32).nullable().default(null),
  teamId: line(32).nullable().default(null),
  /**
   * The call the ticket is taken from. The desk holds numbers masked (issue 11 §4): the server records the whole
   * number of this call's caller, or of the resident's phone, that the masked `phone` stands for.
   */
  callId: Uuid.optional(),
});
export const TicketSetStatusArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  status: TicketStatus,
  note: text(2000).default(''),
  /**
   * What was recorded to leave the step (photos, materials, reply, follow-up…). Optional: mutations already in
   * outboxes carry none; the workflow table decides which transitions require which outputs.
   */
  outputs: StatusOutputs.optional(),
  reason: Reason,
});
export const TicketAssignArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  assigneeId: Uuid.nullable(),
  teamId: line(32).nullable().optional(),
  reason: Reason,
  /** Part of a bulk move (issue 12 lead board); `queue` is for leads and admins only. Absent: one ticket. */
  scope: z.enum(ASSIGN_SCOPES).optional(),
});
export const TicketCommentArgs = z.object({ id: Uuid, eventId: Uuid, body: Required(5000) });
/**
 * Field edits. Scalars: last writer (in server order) wins. Description: when the ticket's description is no
 * longer `baseDescription` (someone changed it meanwhile), the current one stays and this text becomes a
 * `conflict` note; without `baseDescription` it simply overwrites.
 */
export const TicketEditArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  title: Required(200).optional(),
  description: text(5000).optional(),
  category: Category.optional(),
  priority: Priority.optional(),
  baseDescription: text(5000).optional(),
  reason: Reason,
});
const Tag = line(32, { trim: true, min: 1 });
/** Set semantics: remove, then add; concurrent adds merge. */
export const TicketTagArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  add: z.array(Tag).max(20).default([]),
  remove: z.array(Tag).max(20).default([]),
});
/** A tombstone (lead/admin only, checked on the server): every later mutation of the ticket is rejected. */
export const TicketDeleteArgs = z.object({ id: Uuid, eventId: Uuid, reason: Required(500) });
const Iso = isoDateTime();
/** Insert-only by the client's uuid: a replay inserts nothing twice. */
export const CallLogArgs = z.object({
  id: Uuid,
  direction: CallDirection,
  from: line(32, { trim: true, min: 1 }),
  to: line(32, { trim: true }).nullable().default(null),
  /** The agent's clock: shown, never used for ordering. */
  startedAt: Iso,
  answeredAt: Iso.nullable().default(null),
  endedAt: Iso.nullable().default(null),
  missed: z.boolean().default(false),
  notes: text(5000).default(''),
  residentId: line(64).nullable().default(null),
  ticketId: Uuid.nullable().default(null),
});

export const MUTATION_ARGS = {
  'ticket.create': TicketCreateArgs,
  'ticket.setStatus': TicketSetStatusArgs,
  'ticket.assign': TicketAssignArgs,
  'ticket.comment': TicketCommentArgs,
  'ticket.edit': TicketEditArgs,
  'ticket.tag': TicketTagArgs,
  'ticket.delete': TicketDeleteArgs,
  'call.log': CallLogArgs,
  ...CALL_MUTATION_ARGS,
  'presence.set': PresenceSetArgs,
} as const;
/** What a schema-1 console may send (it knows nothing newer). */
export const V1_MUTATION_NAMES: readonly string[] = [
  'ticket.create',
  'ticket.setStatus',
  'ticket.assign',
  'ticket.comment',
];
export type MutationName = keyof typeof MUTATION_ARGS;
export const MutationName = z.enum(Object.keys(MUTATION_ARGS) as [MutationName, ...MutationName[]]);
export type MutationArgs<N extends MutationName> = z.output<(typeof MUTATION_ARGS)[N]>;

export type Mutation = {
  [N in MutationName]: { name: N; args: MutationArgs<N> };
}[MutationName];

export type MutationOf<N extends MutationName> = Extract<Mutation, { name: N }>;
export type TicketMutation = Extract<Mutation, { name: `ticket.${string}` }>;
/** Mutations about calls and presence: common/calls applies them (they have no ticket). */
export type CallMutation = Exclude<Mutation, TicketMutation>;
export function isTicketMutation(m: Mutation): m is TicketMutation {
  return m.name.startsWith('ticket.');
}

/** Validates a raw `{name, args}` pair; throws a ZodError with details on bad input. */
export function parseMutation<N extends MutationName>(name: N, args: unknown): MutationOf<N>;
export function parseMutation(name: string, args: unknown): Mutation;
export function parseMutation(name: string, args: unknown): Mutation {
  const n = MutationName.parse(name);
  return { name: n, args: MUTATION_ARGS[n].parse(args) } as Mutation;
}

/** A domain rule said no. The reason is shown to the agent and recorded on the server. */
export class MutationRejected extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MutationRejected';
  }
}

export interface MutationContext {
  /** Who performs the mutation (the server's authenticated user; the desk host's logged-in user). */
  actorId: string;
  /** Server time on the server, local time in the optimistic client copy. */
  now: Date;
  /** The ticket the mutation targets, as currently stored (undefined when absent or deleted). */
  current: Ticket | undefined;
  /** Human code for a new ticket; the client passes null and gets the server's on the next pull. */
  code: string | null;
  /** The target ticket's tombstone, when it was deleted (the server knows; a cache just lacks the row). */
  tombstone?: { reason: string } | undefined;
  /**
   * The actor's role and team (the server's authenticated user; the desk's signed-in user): every ticket mutation
   * is checked against common/ticket-access, and fails closed without a role.
   */
  actorRole?: Role | undefined;
  actorTeamId?: string | null | undefined;
  /**
   * The SLA policy and weather-alert switch: with it, create / status / priority changes recompute the ticket's
   * SLA fields (common/sla/ticket-sla.ts); without it they are left as they were.
   */
  sla?: TicketSlaContext | undefined;
}

export interface MutationEffect {
  /** The ticket after the mutation (for `ticket.delete` its last state); null for `call.log`. */
  ticket: Ticket | null;
  events: TicketEvent[];
  /** Set by `ticket.delete`. */
  deleted: { id: string; reason: string } | null;
  /** Calls to insert (insert-only by id). */
  calls: Call[];
}

/** What a ticket mutation does: it always has its ticket. */
export interface TicketEffect extends MutationEffect {
  ticket: Ticket;
}

function requireTicket(ctx: MutationContext, id: string): Ticket {
  if (ctx.tombstone) throw new MutationRejected('deleted', `Ticket was deleted: ${ctx.tombstone.reason}`);
  if (!ctx.current || ctx.current.id !== id) {
    throw new MutationRejected('not_found', `Ticket ${id} does not exist`);
  }
  return ctx.current;
}

function actorOf(ctx: MutationContext): Actor | undefined {
  return ctx.actorRole === undefined
    ? undefined
    : { id: ctx.actorId, role: ctx.actorRole, teamId: ctx.actorTeamId ?? null };
}

/**
 * Refuses what the actor may not do (`forbidden`) or does without a required reason (`reason_required`); returns
 * the trimmed reason ('' when none).
 */
function authorize(ctx: MutationContext, ticket: Ticket | undefined, action: TicketAction, reason?: string): string {
  const actor = actorOf(ctx);
  const check = checkTicketAction(actor, ticket, action);
  if (!check.ok) throw new MutationRejected(check.code, check.message.en);
  if (check.reasonRequired && !hasReason(reason)) {
    throw new MutationRejected('reason_required', REASON_REQUIRED_MESSAGE.en);
  }
  return reason?.trim() ?? '';
}

/** The event's data with the reason, when one was given. */
const withReason = (data: Record<string, unknown>, reason: string) => (reason ? { ...data, reason } : data);

function event(
  m: { eventId: string; id: string },
  ctx: MutationContext,
  kind: TicketEvent['kind'],
  body: string,
  data: Record<string, unknown>,
): TicketEvent {
  return {
    id: m.eventId,
    ticketId: m.id,
    kind,
    body,
    data,
    authorId: ctx.actorId,
    createdAt: ctx.now.toISOString(),
  };
}

function touched(t: Ticket, ctx: MutationContext, patch: Partial<Ticket>): Ticket {
  return { ...t, ...patch, updatedAt: ctx.now.toISOString(), version: t.version + 1 };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The conflict note's id, derived from the edit's event id so client and server agree on it: the same uuid with
 * version nibble 8 (a random v4 id never has it, so the mapping cannot collide with another event).
 */
export function conflictNoteId(eventId: string): string {
  return `${eventId.slice(0, 14)}8${eventId.slice(15)}`;
}

/** The ticket with its SLA fields recomputed, when the context carries a policy. */
function withSla(ticket: Ticket, before: Ticket, ctx: MutationContext): Ticket {
  return ctx.sla ? { ...ticket, ...ticketSla(ticket, before, ctx.now, ctx.sla) } : ticket;
}

function ticketEffect(ticket: Ticket, events: TicketEvent[]): TicketEffect {
  return { ticket, events, deleted: null, calls: [] };
}

/**
 * The one domain function: client (optimistic) and server (authoritative) both run it. Pure: the caller
 * loads `current` and the tombstone, and writes the effect.
 */
export function applyMutation(m: TicketMutation, ctx: MutationContext): TicketEffect;
export function applyMutation(m: Mutation, ctx: MutationContext): MutationEffect;
export function applyMutation(m: Mutation, ctx: MutationContext): MutationEffect {
  const { ticket, events, deleted = null, calls = [] } = applyTicketOrCall(m, ctx);
  return { ticket, events, deleted, calls };
}

function applyTicketOrCall(
  m: Mutation,
  ctx: MutationContext,
): Partial<MutationEffect> & Pick<MutationEffect, 'ticket' | 'events'> {
  const now = ctx.now.toISOString();
  switch (m.name) {
    case 'ticket.create': {
      const a = m.args;
      if (ctx.tombstone) throw new MutationRejected('deleted', `Ticket was deleted: ${ctx.tombstone.reason}`);
      if (ctx.current) throw new MutationRejected('exists', `Ticket ${a.id} already exists`);
      authorize(ctx, undefined, { kind: 'create' });
      const ticket: Ticket = {
        id: a.id,
        code: ctx.code,
        type: a.type,
        category: a.category,
        channel: a.channel,
        priority: a.priority,
        status: 'new',
        title: a.title,
        description: a.description,
        unitId: a.unitId,
        unitCode: a.unitCode,
        residentId: a.residentId,
        residentName: a.residentName,
        phone: a.phone,
        teamId: a.teamId,
        assigneeId: null,
        createdBy: ctx.actorId,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        version: 1,
        tags: [],
        ...NO_SLA,
        phoneHash: null,
      };
      if (ctx.sla) Object.assign(ticket, ticketSla(ticket, undefined, ctx.now, ctx.sla));
      return { ticket, events: [event(a, ctx, 'created', a.title, { channel: a.channel })] };
    }
    case 'ticket.setStatus': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      const reason = authorize(ctx, t, { kind: 'status', to: a.status }, a.reason);
      const result = validateTransition(t, a.status, a.outputs, ctx.actorRole, a.note);
      if (!result.ok) throw new MutationRejected(result.code, result.message.en);
      // A follow-up with satisfaction ≤ 2 asked to close and lands in `reopened`: same team, same assignee.
      const to = result.status;
      const ticket = withSla(touched(t, ctx, { status: to, closedAt: isOpen(to) ? null : now }), t, ctx);
      const data: Record<string, unknown> = { from: t.status, to };
      if (a.outputs !== undefined) data.outputs = a.outputs;
      if (result.reopenedByFollowUp) data.requested = a.status;
      const body = a.note || reason || (result.reopenedByFollowUp ? (a.outputs?.followUp?.comment ?? '') : '');
      return { ticket, events: [event(a, ctx, 'status', body, withReason(data, reason))] };
    }
    case 'ticket.assign': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      const action = { kind: 'assign', assigneeId: a.assigneeId, scope: a.scope } as const;
      const reason = authorize(ctx, t, action, a.reason);
      if (!isOpen(t.status)) throw new MutationRejected('closed', 'A closed ticket cannot be reassigned');
      const teamId = a.teamId === undefined ? t.teamId : a.teamId;
      const ticket = touched(t, ctx, { assigneeId: a.assigneeId, teamId });
      const moved = { from: t.assigneeId, to: a.assigneeId, teamFrom: t.teamId, teamTo: teamId };
      const data = a.scope === undefined ? moved : { ...moved, scope: a.scope };
      return { ticket, events: [event(a, ctx, 'assign', reason, withReason(data, reason))] };
    }
    case 'ticket.comment': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      authorize(ctx, t, { kind: 'comment' });
      return { ticket: touched(t, ctx, {}), events: [event(a, ctx, 'comment', a.body, {})] };
    }
    case 'ticket.edit': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      const reason = authorize(ctx, t, { kind: 'edit', priority: a.priority }, a.reason);
      const patch: Partial<Ticket> = {};
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of ['title', 'category', 'priority'] as const) {
        const value = a[field];
        if (value !== undefined && value !== t[field]) {
          Object.assign(patch, { [field]: value });
          changed[field] = { from: t[field], to: value };
        }
      }
      const events: TicketEvent[] = [];
      if (a.description !== undefined && a.description !== t.description) {
        if (a.baseDescription !== undefined && a.baseDescription !== t.description) {
          // Someone else changed it first: theirs stays, ours is kept as a note beside it.
          const note = event(a, ctx, 'conflict', a.description, { field: 'description', base: a.baseDescription });
          events.push({ ...note, id: conflictNoteId(a.eventId) });
        } else {
          patch.description = a.description;
          changed.description = { from: t.description, to: a.description };
        }
      }
      if (Object.keys(changed).length > 0)
        events.unshift(event(a, ctx, 'edit', reason, withReason({ changed }, reason)));
      if (events.length === 0) throw new MutationRejected('no_change', 'Nothing to change');
      const edited = touched(t, ctx, patch);
      return ticketEffect(patch.priority !== undefined ? withSla(edited, t, ctx) : edited, events);
    }
    case 'ticket.tag': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      authorize(ctx, t, { kind: 'tag' });
      const set = new Set(t.tags);
      for (const tag of a.remove) set.delete(tag);
      for (const tag of a.add) set.add(tag);
      const tags = [...set].sort();
      // Someone else made the same change: nothing to do, and nothing to reject either.
      if (sameSet(tags, t.tags)) return ticketEffect(t, []);
      return ticketEffect(touched(t, ctx, { tags }), [event(a, ctx, 'tags', '', { add: a.add, remove: a.remove })]);
    }
    case 'ticket.delete': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      authorize(ctx, t, { kind: 'delete' });
      return { ticket: t, events: [], deleted: { id: t.id, reason: a.reason } };
    }
    case 'call.log': {
      const a = m.args;
      const call: Call = CallRecord.parse({
        id: a.id,
        callId: a.id,
        direction: a.direction,
        from: a.from,
        to: a.to,
        agentId: ctx.actorId,
        residentId: a.residentId,
        ticketId: a.ticketId,
        startedAt: a.startedAt,
        answeredAt: a.answeredAt,
        endedAt: a.endedAt,
        missed: a.missed,
        notes: a.notes,
        loggedAt: now,
        fromE164: null,
      });
      return { ticket: null, events: [], calls: [call] };
    }
    default:
      // Call events, call actions and presence have no ticket: common/calls applies them.
      throw new Error(`${m.name} is not a ticket mutation`);
  }
}
