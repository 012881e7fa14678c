/**
 * What each role may do on the server (DESIGN.md §8: enforced here, not only hidden in the UI).
 * The kiosk is a locked-down lobby device shared by every resident at the counter: it files tickets through intake
 * and gets a receipt back (code and status); it reads no ticket at all — not even one it filed, which would be
 * another resident's — and never sees residents or the sync feed.
 */
import type { Role, User } from '../../common/domain';
import { HttpError } from '../http/errors';

export const PERMISSIONS = {
  /** List and read tickets (GET /api/v1/tickets, /api/v1/tickets/:id). */
  'tickets.read': ['agent', 'lead', 'technician', 'admin'],
  /** File a ticket through POST /api/v1/tickets. */
  'tickets.intake': ['agent', 'lead', 'technician', 'kiosk', 'admin'],
  'residents.read': ['agent', 'lead', 'technician', 'admin'],
  /** Push mutations and pull the change feed (a console's cache). */
  sync: ['agent', 'lead', 'technician', 'admin'],
  /** Change SLA limits and the calendar's year schedules. */
  'settings.sla': ['admin'],
  /** Switch the weather alert (limits × 1.5). */
  'settings.weatherAlert': ['lead', 'admin'],
  /** Report call events (POST /api/v1/cti/events): the PBX's service account, and nothing else it may do. */
  cti: ['integration'],
  /** The call log and callback queue (GET /api/v1/calls) and the CTI settings agents need (dispositions). */
  'calls.read': ['agent', 'lead', 'admin'],
  /** Keep the list of blocked callers. */
  'cti.blocks': ['lead', 'admin'],
  /** Outbound caller-ID rules and the CTI settings (switch, dispositions, wrap-up time). */
  'cti.admin': ['admin'],
  /** Read the audit log (GET /api/v1/audit): the shift's lead and the admin answer for what was done. */
  'audit.read': ['lead', 'admin'],
  /**
   * A resident's PIPL requests: export everything held about them, erase (anonymise) them. Admin only: rare,
   * irreversible acts handled by whoever answers for the site's personal data, not part of a shift's work.
   */
  'residents.privacy': ['admin'],
  // Lobby kiosk and queue (issue 12 §4).
  /** The kiosk's own flows: take a number, report a repair, check a status (each shows only what it needs). */
  'kiosk.flows': ['kiosk'],
  /** The queue board (what is called, what comes next) and its live socket: the lobby display and the desk. */
  'queue.watch': ['kiosk', 'agent', 'lead', 'admin'],
  /** Call the next number to a counter, re-call or skip it. */
  'queue.call': ['agent', 'lead', 'admin'],
  // Auto-assignment and escalation (issue 12 item 2).
  /** The queues' settings, agents' load and capacity, the waiting queue and the escalations. */
  'assignment.read': ['lead', 'admin'],
  /** Change a queue's mode, skills filter and escalation, an agent's capacity; acknowledge an escalation. */
  'assignment.manage': ['lead', 'admin'],
  /** The KPI dashboard and its CSV (GET /api/v1/kpi, /api/v1/kpi.csv): the shift lead's and the admin's figures. */
  'kpi.read': ['lead', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Fails closed: a role that is not on the permission's list (or no role at all) may not. */
export function can(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function requirePermission(user: User, permission: Permission): void {
  if (!can(user.role, permission)) throw new HttpError(403, 'forbidden', { permission });
}
