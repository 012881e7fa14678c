/**
 * What the `s` step menu offers for one or several tickets, from common/workflows: every allowed next step,
 * and per step whether it can be taken right away, needs the step form (outputs such as photos or a reply),
 * or cannot be taken here. Pure.
 */
import type { Ticket, TicketStatus } from '../../../../../common/domain';
import { nextStatuses, validateTransition, type OutputKey } from '../../../../../common/workflows';

export interface StepOption {
  status: TicketStatus;
  /** Tickets this step is allowed for at all (workflow). */
  allowed: Ticket[];
  /** Of those, the ones it can be taken for with no further record. */
  ready: Ticket[];
  /** What the first ticket that is not ready still needs. */
  missing: OutputKey[];
  /** `run`: take it now; `form`: open the step form (one ticket only); `blocked`: show why not. */
  mode: 'run' | 'form' | 'blocked';
}

export function stepOptions(tickets: readonly Ticket[], stepFormAvailable: boolean): StepOption[] {
  const order: TicketStatus[] = [];
  for (const ticket of tickets) {
    for (const status of nextStatuses(ticket.type, ticket.status)) if (!order.includes(status)) order.push(status);
  }
  return order.map((status) => {
    const allowed = tickets.filter((ticket) => nextStatuses(ticket.type, ticket.status).includes(status));
    const ready: Ticket[] = [];
    let missing: OutputKey[] = [];
    for (const ticket of allowed) {
      const check = validateTransition(ticket, status);
      if (check.ok) ready.push(ticket);
      else if (missing.length === 0) missing = check.missing;
    }
    let mode: StepOption['mode'] = 'blocked';
    if (ready.length > 0) mode = 'run';
    else if (tickets.length === 1 && missing.length > 0 && stepFormAvailable) mode = 'form';
    return { status, allowed, ready, missing, mode };
  });
}
