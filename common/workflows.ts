/**
 * Which statuses each ticket type moves through, and the allowed next steps (DESIGN.md §4).
 * A first cut: the SOP issue adds responsible roles, time limits and required outputs per step.
 */
import type { TicketStatus, TicketType } from './domain';

type Steps = Partial<Record<TicketStatus, readonly TicketStatus[]>>;

const repair: Steps = {
  new: ['accepted', 'cancelled'],
  accepted: ['dispatched', 'on_hold', 'cancelled'],
  dispatched: ['acknowledged', 'on_hold', 'cancelled'],
  acknowledged: ['on_site', 'on_hold'],
  on_site: ['done', 'on_hold'],
  done: ['confirmed', 'reopened'],
  confirmed: ['closed', 'reopened'],
  closed: ['reopened'],
  on_hold: ['accepted', 'dispatched', 'acknowledged', 'on_site', 'cancelled'],
  reopened: ['dispatched', 'on_hold'],
  cancelled: [],
};

const complaint: Steps = {
  new: ['accepted', 'cancelled'],
  accepted: ['investigating', 'on_hold'],
  investigating: ['replied', 'on_hold'],
  replied: ['closed', 'investigating'],
  on_hold: ['accepted', 'investigating'],
  closed: ['reopened'],
  reopened: ['investigating'],
  cancelled: [],
};

const firstContact: Steps = { new: ['closed', 'cancelled'], closed: [], cancelled: [] };

const fee: Steps = {
  new: ['contacted', 'cancelled'],
  contacted: ['promised', 'paid', 'escalated'],
  promised: ['paid', 'escalated', 'contacted'],
  paid: ['closed'],
  escalated: ['paid', 'closed'],
  closed: [],
  cancelled: [],
};

export const WORKFLOWS: Record<TicketType, Steps> = {
  repair,
  complaint,
  enquiry: firstContact,
  suggestion: firstContact,
  praise: firstContact,
  fee,
};

export function nextStatuses(type: TicketType, from: TicketStatus): readonly TicketStatus[] {
  return WORKFLOWS[type][from] ?? [];
}

export function canTransition(type: TicketType, from: TicketStatus, to: TicketStatus): boolean {
  return nextStatuses(type, from).includes(to);
}

/** Statuses that end the ticket's active life (for "closed at" and open counts). */
export const TERMINAL_STATUSES: readonly TicketStatus[] = ['closed', 'cancelled'];
export function isOpen(status: TicketStatus): boolean {
  return !TERMINAL_STATUSES.includes(status);
}
