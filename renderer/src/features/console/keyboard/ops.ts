/**
 * What the keyboard layer (and the detail's buttons) do to a ticket, and how the shared ticket rules
 * (common/ticket-access) see it: the console asks them before it calls the desk, so a refusal is shown in the
 * agent's language and a reason is asked for up front. The desk and the server run the same rules again.
 */
import type { Priority, Ticket, TicketStatus, User } from '../../../../../common/domain';
import { checkTicketAction, type AccessCheck, type TicketAction } from '../../../../../common/ticket-access';
import { textIn } from './bindings';

export type Op =
  | { kind: 'assign'; user: Pick<User, 'id' | 'name'> | null }
  | { kind: 'status'; status: TicketStatus }
  | { kind: 'priority'; priority: Priority };

export function ticketAction(op: Op): TicketAction {
  if (op.kind === 'assign') return { kind: 'assign', assigneeId: op.user?.id ?? null };
  if (op.kind === 'status') return { kind: 'status', to: op.status };
  return { kind: 'edit', priority: op.priority };
}

export function judge(user: User, ticket: Ticket, op: Op): AccessCheck {
  return checkTicketAction(user, ticket, ticketAction(op));
}

/** Why the rules refuse `op` on `ticket`, in `language`; null when it is allowed. */
export function refusal(user: User, ticket: Ticket, op: Op, language: string): string | null {
  const check = judge(user, ticket, op);
  return check.ok ? null : textIn(check.message, language);
}

/** Which question the reason dialog asks (its i18n key under `triage.reason`). */
export type ReasonQuestion = 'cancel' | 'priority' | 'reassign';

export function reasonQuestion(op: Op): ReasonQuestion {
  if (op.kind === 'status') return 'cancel';
  if (op.kind === 'priority') return 'priority';
  return 'reassign';
}

/** The tickets among `tickets` that the rules allow `op` on only with a reason. */
export function needingReason(user: User, tickets: readonly Ticket[], op: Op): Ticket[] {
  return tickets.filter((ticket) => {
    const check = judge(user, ticket, op);
    return check.ok && check.reasonRequired;
  });
}
