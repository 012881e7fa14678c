/** What the console does with tickets: read views from the cache, and turn actions into outbox mutations. */
import { randomUUID } from 'node:crypto';
import type { HistoryRefusal, MethodOutput, ParsedInput } from '../../common/contract';
import { parseMutation, type MutationName, type TicketEffect, type TicketMutation } from '../../common/mutations';
import type { TicketRepo } from '../cache';
import type { Outbox } from '../sync/outbox';
import { DeskError } from '../session';
import { createViewCounts } from './view-counts';

export interface TicketService {
  views(): MethodOutput<'tickets.views'>;
  list(input: ParsedInput<'tickets.list'>): MethodOutput<'tickets.list'>;
  get(id: string): MethodOutput<'tickets.get'>;
  locate(input: ParsedInput<'tickets.locate'>): MethodOutput<'tickets.locate'>;
  jump(input: ParsedInput<'tickets.jump'>): MethodOutput<'tickets.jump'>;
  create(input: ParsedInput<'tickets.create'>): MethodOutput<'tickets.create'>;
  setStatus(input: ParsedInput<'tickets.setStatus'>): MethodOutput<'tickets.setStatus'>;
  assign(input: ParsedInput<'tickets.assign'>): MethodOutput<'tickets.assign'>;
  comment(input: ParsedInput<'tickets.comment'>): MethodOutput<'tickets.comment'>;
  edit(input: ParsedInput<'tickets.edit'>): MethodOutput<'tickets.edit'>;
  tag(input: ParsedInput<'tickets.tag'>): MethodOutput<'tickets.tag'>;
  delete(input: ParsedInput<'tickets.delete'>): MethodOutput<'tickets.delete'>;
  /** The next view counts are taken fresh (a first sync's working set came in). */
  refreshCounts(): void;
}

export function createTicketService(deps: {
  tickets: TicketRepo;
  outbox: Outbox;
  /** The logged-in user's id (null without a session). */
  actorId(): string | null;
  /** After each local write: announce it and schedule a push. */
  onLocalChange(ticketId: string): void;
  /** Whether a ticket's earlier events are not cached, and the fetch that brings them (main/sync/history-fetch). */
  history?: {
    isMissing(ticketId: string): boolean;
    request(ticketId: string): void;
    /** Why the server refused the ticket's history, while the desk is not asking again (null otherwise). */
    refusal(ticketId: string): HistoryRefusal | null;
  };
  /** Whether the cache is bulk-loading (counts then read the whole table: ./view-counts). */
  bulkLoading?: () => boolean;
  /** Whether the first sync is still filling the cache (a ticket shown from the server is not in it yet). */
  filling?: () => boolean;
}): TicketService {
  const { tickets, outbox, actorId } = deps;
  const bulkLoading = deps.bulkLoading ?? (() => false);
  const counts = createViewCounts(
    (actor) => (bulkLoading() ? tickets.countsInOneScan(actor) : tickets.counts(actor)),
    bulkLoading,
  );

  /** Every action gets fresh ids here, so a retried push can never create it twice (DESIGN.md §5). */
  function perform(name: Exclude<MutationName, 'call.log'>, args: Record<string, unknown>): TicketEffect {
    const actor = actorId();
    if (!actor) throw new DeskError('unauthenticated', 'Log in first');
    const ticketId = typeof args.id === 'string' && name !== 'ticket.create' ? args.id : null;
    if (ticketId && deps.filling?.() && !tickets.get(ticketId)) {
      // Shown from the server (./first-sync-reads): acting on it waits for its row, or the action could not replay.
      throw new DeskError('not_synced_yet', 'This ticket is still downloading: try again in a moment');
    }
    const mutation = parseMutation(name, { eventId: randomUUID(), ...args }) as TicketMutation;
    const { effect } = outbox.enqueue(mutation, actor);
    counts.forget();
    deps.onLocalChange(effect.ticket.id);
    return effect;
  }

  function get(id: string): MethodOutput<'tickets.get'> {
    const ticket = tickets.get(id);
    if (!ticket) return null;
    const detail = { ticket, events: tickets.events(id) };
    if (!deps.history?.isMissing(id)) return detail;
    deps.history.request(id); // opened: fetch its history (tickets.changed follows once it is in, or refused)
    const refused = deps.history.refusal(id);
    return { ...detail, historyMissing: true, ...(refused && { historyRefused: refused }) };
  }

  function locate({ id, view }: ParsedInput<'tickets.locate'>): MethodOutput<'tickets.locate'> {
    // The view the agent is in, else the working inbox, else `all`, which holds every cached ticket.
    for (const candidate of [view, 'inbox', 'all'] as const) {
      const index = tickets.position(candidate, actorId(), id);
      if (index !== null) return { view: candidate, index };
    }
    return null;
  }

  return {
    views: () => counts.get(actorId()),
    list: ({ view, offset, limit }) => tickets.list(view, actorId(), offset, limit),
    get,
    locate,
    jump({ id, view, pageSize }) {
      const detail = get(id);
      if (!detail) return { detail, place: null };
      // As locate: this view, else the inbox, else `all`; the page is read from the ticket's row both ways.
      for (const candidate of [view, 'inbox', 'all'] as const) {
        const found = tickets.place(candidate, actorId(), id, pageSize);
        if (found) return { detail, place: { view: candidate, ...found } };
      }
      return { detail, place: null };
    },
    create: (input) => perform('ticket.create', { ...input, id: randomUUID() }).ticket,
    setStatus: (input) => perform('ticket.setStatus', input).ticket,
    assign: (input) => perform('ticket.assign', input).ticket,
    edit(input) {
      // The description this agent edited from: the server keeps a concurrent change and notes ours.
      const base = input.description !== undefined ? tickets.get(input.id)?.description : undefined;
      return perform('ticket.edit', { baseDescription: base, ...input }).ticket;
    },
    tag: (input) => perform('ticket.tag', input).ticket,
    refreshCounts: () => counts.forget(),
    delete(input) {
      perform('ticket.delete', input);
      return { id: input.id };
    },
    comment(input) {
      const event = perform('ticket.comment', input).events[0];
      if (!event) throw new Error('ticket.comment produced no event');
      return event;
    },
  };
}
