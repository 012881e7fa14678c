/**
 * Workflows as data (DESIGN.md §4): the SOP table in ./definitions, the output schema in ./outputs, the one
 * transition engine in ./engine. Importers keep using `common/workflows` for nextStatuses / canTransition.
 */
import { TICKET_TYPES, type Ticket, type TicketStatus, type TicketType } from '../domain';
import { FOLLOW_UP_TYPES, WORKFLOW_DEFS } from './definitions';
import { findStep } from './engine';

export * from './types';
export * from './outputs';
export * from './definitions';
export * from './engine';

type Steps = Partial<Record<TicketStatus, readonly TicketStatus[]>>;

/** Status → allowed next statuses per type, derived from the SOP table (the first cut's shape). */
export const WORKFLOWS: Readonly<Record<TicketType, Steps>> = (() => {
  const out = {} as Record<TicketType, Steps>;
  for (const type of TICKET_TYPES) {
    const steps: Steps = {};
    for (const s of WORKFLOW_DEFS[type].steps) steps[s.status] = s.next.map((t) => t.to);
    out[type] = steps;
  }
  return out;
})();

/** Statuses that end the ticket's active life (for "closed at" and open counts). */
export const TERMINAL_STATUSES: readonly TicketStatus[] = ['closed', 'cancelled'];
export function isOpen(status: TicketStatus): boolean {
  return !TERMINAL_STATUSES.includes(status);
}

/** Waiting for the follow-up call (回访): the step whose way out is closing with the follow-up record. */
export function awaitingFollowUp(ticket: Pick<Ticket, 'type' | 'status'>): boolean {
  if (!FOLLOW_UP_TYPES.includes(ticket.type)) return false;
  return (
    findStep(ticket.type, ticket.status)?.next.some((t) => t.to === 'closed' && t.requires.includes('followUp')) ??
    false
  );
}
