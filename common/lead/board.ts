/**
 * The shift lead's board (issue 12 item 1): what it shows and the pure rules behind it. The desk host computes the
 * board from its cache (main/lead); the renderer draws it. Kept here so both sides, and the tests, share one shape.
 */
import { z } from 'zod';
import { CallDirection, Category, PresenceState, Role, TicketStatus, TicketType } from '../domain';
import { Uuid, line, text } from '../input';
import { REASON_MAX } from '../ticket-access';

const Iso = z.string().datetime({ offset: true });
const Count = z.number().int().min(0);

/** Who may open the board and reassign others' tickets or whole queues (the server decides the latter). */
export const LEAD_ROLES: readonly Role[] = ['lead', 'admin'];
export const isLead = (role: Role | undefined): boolean => role !== undefined && LEAD_ROLES.includes(role);

/** The SLA risk list shows at most this many tickets, the least time left first. */
export const RISK_LIST_LIMIT = 50;
/** A bulk reassignment moves at most this many tickets at once (a whole queue included). */
export const BULK_MAX = 500;

/** One team queue: open tickets, the unassigned, those at risk (≥ 75% of the limit used) and the breached. */
export const QueueCounts = z.object({
  /** null: open tickets no team holds yet. */
  teamId: z.string().nullable(),
  open: Count,
  unassigned: Count,
  atRisk: Count,
  breached: Count,
});
export type QueueCounts = z.infer<typeof QueueCounts>;

/** The call an agent is on or wrapping up, as the board shows it (the number stays masked). */
export const AgentCall = z.object({
  id: z.string(),
  direction: CallDirection,
  from: z.string().nullable(),
  startedAt: Iso,
  answeredAt: Iso.nullable(),
});

export const AgentCard = z.object({
  userId: z.string(),
  name: z.string(),
  role: Role,
  teamId: z.string().nullable(),
  skills: z.array(Category),
  capacity: Count,
  presence: PresenceState,
  presenceSince: Iso.nullable(),
  wrapUpUntil: Iso.nullable(),
  call: AgentCall.nullable(),
  /** Open tickets assigned to the agent. */
  openLoad: Count,
  /** Tickets the agent closed since the desk's local midnight. */
  handledToday: Count,
});
export type AgentCard = z.infer<typeof AgentCard>;

export const RiskLevel = z.enum(['at_risk', 'breached']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const RiskItem = z.object({
  ticketId: z.string(),
  code: z.string().nullable(),
  title: z.string(),
  teamId: z.string().nullable(),
  priority: z.number().int(),
  type: TicketType,
  /** The SOP step the ticket is at, and the SLA milestone whose clock runs. */
  status: TicketStatus,
  milestone: z.string().nullable(),
  dueAt: Iso,
  /** Minutes until the deadline; negative once breached. */
  minutesLeft: z.number(),
  risk: RiskLevel,
  assigneeId: z.string().nullable(),
});
export type RiskItem = z.infer<typeof RiskItem>;

export const LeadBoard = z.object({
  at: Iso,
  queues: z.array(QueueCounts),
  agents: z.array(AgentCard),
  risk: z.array(RiskItem),
});
export type LeadBoard = z.infer<typeof LeadBoard>;

/** What to reassign: chosen tickets, or every open ticket of one team queue (leads and admins only). */
export const ReassignTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tickets'), ids: z.array(Uuid).min(1).max(BULK_MAX) }),
  z.object({ kind: z.literal('queue'), teamId: line(32, { trim: true, min: 1 }) }),
]);
export type ReassignTarget = z.infer<typeof ReassignTarget>;

export const ReassignRequest = z.object({
  target: ReassignTarget,
  assigneeId: Uuid.nullable(),
  reason: text(REASON_MAX, { trim: true }).optional(),
});
export type ReassignRequest = z.infer<typeof ReassignRequest>;

/** One ticket moved: where from and to (`z` puts it back with `from`). */
export const Move = z.object({
  id: z.string(),
  code: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
});
export type Move = z.infer<typeof Move>;

export const ReassignResult = z.object({
  moved: z.array(Move),
  refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
});
export type ReassignResult = z.infer<typeof ReassignResult>;

/** The live notice for the agent who received or lost a ticket through someone else's reassignment. */
export const ReassignNotice = z.object({
  eventId: z.string(),
  ticketId: z.string(),
  code: z.string().nullable(),
  direction: z.enum(['received', 'lost']),
  byName: z.string(),
  reason: z.string(),
});
export type ReassignNotice = z.infer<typeof ReassignNotice>;

/** A deadline's risk at `nowMs`: breached once past, at risk from the at-risk instant, else none. */
export function riskAt(dueMs: number, riskMs: number | null, nowMs: number): RiskLevel | null {
  if (dueMs < nowMs) return 'breached';
  if (riskMs !== null && riskMs <= nowMs) return 'at_risk';
  return null;
}

/** Whole minutes left until `dueMs` (rounded towards the deadline's side: -0.5 min reads as breached). */
export const minutesLeft = (dueMs: number, nowMs: number): number => Math.floor((dueMs - nowMs) / 60_000);

/** How full an agent is: `over` beyond capacity, `full` at it, `busy` from 75%, else `free`. */
export type LoadLevel = 'free' | 'busy' | 'full' | 'over';
export function loadLevel(openLoad: number, capacity: number): LoadLevel {
  if (openLoad > capacity) return 'over';
  if (openLoad === capacity) return 'full';
  return openLoad >= capacity * 0.75 ? 'busy' : 'free';
}

const PRESENCE_ORDER: Record<z.infer<typeof PresenceState>, number> = {
  available: 0,
  on_call: 1,
  wrap_up: 2,
  break: 3,
  offline: 4,
};

/** Cards in the order a lead scans them: reachable agents first, then the least loaded, then by name. */
export function orderAgents(cards: readonly AgentCard[]): AgentCard[] {
  return [...cards].sort(
    (a, b) =>
      PRESENCE_ORDER[a.presence] - PRESENCE_ORDER[b.presence] ||
      a.openLoad / Math.max(a.capacity, 1) - b.openLoad / Math.max(b.capacity, 1) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
}

/** The moves that undo `moves`: each ticket back to where it came from, grouped by that assignee. */
export function undoGroups(moves: readonly Move[]): { assigneeId: string | null; ids: string[] }[] {
  const groups = new Map<string | null, string[]>();
  for (const m of moves) groups.set(m.from, [...(groups.get(m.from) ?? []), m.id]);
  return [...groups].map(([assigneeId, ids]) => ({ assigneeId, ids }));
}

/** A reassignment of more than one ticket, or of a queue, always states why (issue 12: "with a required reason"). */
export function bulkNeedsReason(target: ReassignTarget): boolean {
  return target.kind === 'queue' || target.ids.length > 1;
}
