/**
 * Who may do what to a ticket (issue 11 §2). applyMutation runs these checks, so the desk's optimistic copy and
 * the server's authoritative run apply the same rules; the renderer asks them too, to show a refusal in the
 * agent's language or to ask for a reason before it calls the desk. Fails closed: an actor without a known role
 * may do nothing at all.
 *
 * - Leads and admins act on every ticket; reassigning a ticket someone else holds is theirs alone.
 * - Agents and technicians take unassigned tickets and act on their own and their team's. An agent also works
 *   any ticket whose current SOP step is the desk's (responsible: agent) — accepting, dispatching, the follow-up
 *   call after a technician's repair. A note on any ticket is every staff member's: the desk logs each contact.
 * - Raising a priority to P0/P1, cancelling and reassigning someone else's ticket need a reason (`reason`).
 * - The kiosk only files tickets; the PBX's service account touches none.
 */
import { ROLES, type Role, type Ticket, type TicketStatus } from './domain';
import { STAFF_ROLES } from './workflows/definitions';
import { findStep } from './workflows/engine';

export interface Actor {
  id: string;
  role: Role;
  teamId: string | null;
}

/** Who may file a ticket: staff, and the lobby kiosk (through intake). */
export const INTAKE_ROLES: readonly Role[] = [...STAFF_ROLES, 'kiosk'];
/** Who acts on every ticket, reassigns tickets others hold and deletes tickets. */
export const SUPERVISOR_ROLES: readonly Role[] = ['lead', 'admin'];
/** Raising a ticket to this class or above (P0 life safety, P1 emergency) needs a reason. */
export const REASON_PRIORITY = 1;
/** A reason's length limit (the same in the mutation args and the contract). */
export const REASON_MAX = 500;

/** One ticket mutation as the rules see it. */
export type TicketAction =
  | { kind: 'create' }
  | { kind: 'comment' }
  | { kind: 'tag' }
  | { kind: 'delete' }
  | { kind: 'status'; to: TicketStatus }
  | { kind: 'edit'; priority?: number | undefined }
  | { kind: 'assign'; assigneeId: string | null; scope?: AssignScope | undefined };

/**
 * How much a reassignment moves (issue 12): one ticket, a chosen selection, or a whole team queue. Moving a queue
 * is a lead's or an admin's act whoever holds its tickets, and always states why.
 */
export const ASSIGN_SCOPES = ['ticket', 'selection', 'queue'] as const;
export type AssignScope = (typeof ASSIGN_SCOPES)[number];

export type AccessCheck =
  { ok: true; reasonRequired: boolean } | { ok: false; code: 'forbidden'; message: { zh: string; en: string } };

const deny = (zh: string, en: string): AccessCheck => ({ ok: false, code: 'forbidden', message: { zh, en } });

const isKnownRole = (role: unknown): role is Role => (ROLES as readonly unknown[]).includes(role);

/** Someone other than the actor holds the ticket. */
function heldByOther(ticket: Ticket, actor: Actor): boolean {
  return ticket.assigneeId !== null && ticket.assigneeId !== actor.id;
}

/** Unassigned, the actor's own, the actor's team's, or (for an agent) at one of the desk's SOP steps. */
export function inReach(ticket: Ticket, actor: Actor): boolean {
  if (ticket.assigneeId === null || ticket.assigneeId === actor.id) return true;
  if (ticket.teamId !== null && ticket.teamId === actor.teamId) return true;
  return actor.role === 'agent' && findStep(ticket.type, ticket.status)?.responsible === 'agent';
}

/** Whether the action needs a reason, whoever takes it. */
export function reasonRequired(ticket: Ticket, action: TicketAction, actor: Actor): boolean {
  switch (action.kind) {
    case 'status':
      return action.to === 'cancelled';
    case 'edit':
      return action.priority !== undefined && action.priority <= REASON_PRIORITY && action.priority < ticket.priority;
    case 'assign':
      return action.scope === 'queue' || (heldByOther(ticket, actor) && action.assigneeId !== ticket.assigneeId);
    default:
      return false;
  }
}

/**
 * May `actor` take `action` on `ticket` (undefined only for `create`)? When allowed, says whether a reason is
 * required; the caller checks that one was given (applyMutation: `reason_required`).
 */
export function checkTicketAction(
  actor: Actor | undefined,
  ticket: Ticket | undefined,
  action: TicketAction,
): AccessCheck {
  if (!actor || !isKnownRole(actor.role))
    return deny('无法确认您的角色，不能操作工单', 'Your role is unknown: no ticket action');
  if (action.kind === 'create') {
    return INTAKE_ROLES.includes(actor.role)
      ? { ok: true, reasonRequired: false }
      : deny('您的角色不能新建工单', `A ${actor.role} may not file tickets`);
  }
  if (!STAFF_ROLES.includes(actor.role)) return deny('您的角色不能处理工单', `A ${actor.role} may not work tickets`);
  const supervisor = SUPERVISOR_ROLES.includes(actor.role);
  if (action.kind === 'delete') {
    return supervisor
      ? { ok: true, reasonRequired: false }
      : deny('只有主管或管理员可以删除工单', 'Only a lead or an admin may delete a ticket');
  }
  if (!ticket) return { ok: true, reasonRequired: false }; // nothing to judge: the mutation reports not_found
  const allowed: AccessCheck = { ok: true, reasonRequired: reasonRequired(ticket, action, actor) };
  if (supervisor || action.kind === 'comment') return allowed;
  if (action.kind === 'assign' && action.scope === 'queue') {
    return deny('只有主管或管理员可以整队列转派', 'Only a lead or an admin may reassign a whole queue');
  }
  if (action.kind === 'assign' && heldByOther(ticket, actor) && action.assigneeId !== ticket.assigneeId) {
    return deny('改派他人的工单须由主管或管理员操作', "Reassigning someone else's ticket is for leads and admins");
  }
  if (!inReach(ticket, actor)) {
    return deny(
      '坐席只能处理未分配、自己或本组的工单',
      "You may act only on unassigned tickets, your own and your team's",
    );
  }
  return allowed;
}

/** A reason was given: text beyond whitespace. */
export function hasReason(reason: string | undefined): boolean {
  return reason !== undefined && reason.trim().length > 0;
}

export const REASON_REQUIRED_MESSAGE = {
  zh: '此操作须填写原因',
  en: 'This action needs a reason',
} as const;
