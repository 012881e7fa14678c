/**
 * Intent-based mutations (DESIGN.md §5) and the one pure function that applies them.
 * The desk host runs it for the optimistic change; the server runs it, authoritatively, on push.
 */
import { z } from 'zod';
import { Category, Channel, Priority, TicketStatus, TicketType, type Ticket, type TicketEvent } from './domain';
import { canTransition, isOpen } from './workflows';

const Uuid = z.string().uuid();
const Text = (max: number) => z.string().trim().min(1).max(max);

export const TicketCreateArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  type: TicketType,
  category: Category,
  channel: Channel,
  priority: Priority.default(3),
  title: Text(200),
  description: z.string().max(5000).default(''),
  unitId: z.string().max(64).nullable().default(null),
  unitCode: z.string().max(32).nullable().default(null),
  residentId: z.string().max(64).nullable().default(null),
  residentName: z.string().max(64).nullable().default(null),
  phone: z.string().max(32).nullable().default(null),
  teamId: z.string().max(32).nullable().default(null),
});
export const TicketSetStatusArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  status: TicketStatus,
  note: z.string().max(2000).default(''),
});
export const TicketAssignArgs = z.object({
  id: Uuid,
  eventId: Uuid,
  assigneeId: Uuid.nullable(),
  teamId: z.string().max(32).nullable().optional(),
});
export const TicketCommentArgs = z.object({ id: Uuid, eventId: Uuid, body: Text(5000) });

export const MUTATION_ARGS = {
  'ticket.create': TicketCreateArgs,
  'ticket.setStatus': TicketSetStatusArgs,
  'ticket.assign': TicketAssignArgs,
  'ticket.comment': TicketCommentArgs,
} as const;
export type MutationName = keyof typeof MUTATION_ARGS;
export const MutationName = z.enum(Object.keys(MUTATION_ARGS) as [MutationName, ...MutationName[]]);
export type MutationArgs<N extends MutationName> = z.output<(typeof MUTATION_ARGS)[N]>;

export type Mutation = {
  [N in MutationName]: { name: N; args: MutationArgs<N> };
}[MutationName];

/** Validates a raw `{name, args}` pair; throws a ZodError with details on bad input. */
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
  /** The ticket the mutation targets, as currently stored (undefined when absent). */
  current: Ticket | undefined;
  /** Human code for a new ticket; the client passes null and gets the server's on the next pull. */
  code: string | null;
}

export interface MutationEffect {
  ticket: Ticket;
  events: TicketEvent[];
}

function requireTicket(ctx: MutationContext, id: string): Ticket {
  if (!ctx.current || ctx.current.id !== id) {
    throw new MutationRejected('not_found', `Ticket ${id} does not exist`);
  }
  return ctx.current;
}

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

export function applyMutation(m: Mutation, ctx: MutationContext): MutationEffect {
  const now = ctx.now.toISOString();
  switch (m.name) {
    case 'ticket.create': {
      const a = m.args;
      if (ctx.current) throw new MutationRejected('exists', `Ticket ${a.id} already exists`);
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
      };
      return { ticket, events: [event(a, ctx, 'created', a.title, { channel: a.channel })] };
    }
    case 'ticket.setStatus': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      if (t.status === a.status) throw new MutationRejected('no_change', `Ticket is already ${a.status}`);
      if (!canTransition(t.type, t.status, a.status)) {
        throw new MutationRejected(
          'illegal_transition',
          `A ${t.type} ticket cannot go from ${t.status} to ${a.status}`,
        );
      }
      const ticket = touched(t, ctx, { status: a.status, closedAt: isOpen(a.status) ? null : now });
      return { ticket, events: [event(a, ctx, 'status', a.note, { from: t.status, to: a.status })] };
    }
    case 'ticket.assign': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      if (!isOpen(t.status)) throw new MutationRejected('closed', 'A closed ticket cannot be reassigned');
      const teamId = a.teamId === undefined ? t.teamId : a.teamId;
      const ticket = touched(t, ctx, { assigneeId: a.assigneeId, teamId });
      const data = { from: t.assigneeId, to: a.assigneeId, teamFrom: t.teamId, teamTo: teamId };
      return { ticket, events: [event(a, ctx, 'assign', '', data)] };
    }
    case 'ticket.comment': {
      const a = m.args;
      const t = requireTicket(ctx, a.id);
      return { ticket: touched(t, ctx, {}), events: [event(a, ctx, 'comment', a.body, {})] };
    }
  }
}
