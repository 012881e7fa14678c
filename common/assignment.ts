/**
 * Auto-assignment and escalation (issue 12 item 2): the queue settings a lead sets, the shapes the routes and the
 * desk exchange, and the one pure decision — which agent gets the next ticket — shared by the server (which makes
 * it, inside the transaction that makes the ticket assignable) and the tests (which check it for fairness and
 * capacity).
 *
 * Who may receive: active users with role `agent` in the queue's team whose presence is available, on_call or
 * wrap_up — at the desk and working. Queue tickets are not calls: an agent on a call still holds tickets, and a
 * capacity bounds how many. Break and offline (and no presence at all) receive nothing.
 */
import { z } from 'zod';
import { AGENT_CAPACITY_MAX, Category, PresenceState, TicketType, type Category as CategoryT } from './domain';
import { Uuid, line } from './input';

export const ASSIGNMENT_MODES = ['manual', 'round_robin', 'least_loaded'] as const;
export const AssignmentMode = z.enum(ASSIGNMENT_MODES);
export type AssignmentMode = z.infer<typeof AssignmentMode>;

/** Presence states in which an agent receives tickets (see the header). */
export const RECEIVING_PRESENCE: readonly PresenceState[] = ['available', 'on_call', 'wrap_up'];

/** An escalation fires this many minutes after a step's deadline at the earliest / latest (a week). */
export const ESCALATE_AFTER_MIN = 1;
export const ESCALATE_AFTER_MAX = 10_080;

const TeamId = line(64, { trim: true, min: 1 });

/** One team queue's settings. */
export const QueueSettings = z.object({
  teamId: TeamId,
  mode: AssignmentMode,
  /** Only agents whose skills include the ticket's category (an agent with no skills listed takes every one). */
  skillsFilter: z.boolean(),
  /** Minutes past a step's deadline after which the lead is told; null: no escalation. */
  escalateAfterMinutes: z.number().int().min(ESCALATE_AFTER_MIN).max(ESCALATE_AFTER_MAX).nullable(),
  /** The lead's pick: an escalated ticket is reassigned to this user; null: notify only. */
  escalateToId: Uuid.nullable(),
});
export type QueueSettings = z.infer<typeof QueueSettings>;

/** What a lead sends to change a queue (the team comes from the path / the call). */
export const SetQueueSettingsRequest = QueueSettings.omit({ teamId: true }).strict();
export type SetQueueSettingsRequest = z.infer<typeof SetQueueSettingsRequest>;

export const SetCapacityRequest = z.object({ capacity: z.number().int().min(0).max(AGENT_CAPACITY_MAX) }).strict();
export type SetCapacityRequest = z.infer<typeof SetCapacityRequest>;

/** A ticket waiting for an agent with room, oldest first. */
export const WaitingTicket = z.object({
  id: Uuid,
  code: z.string().nullable(),
  title: z.string(),
  category: Category,
  priority: z.number().int(),
  createdAt: z.string(),
});
export type WaitingTicket = z.infer<typeof WaitingTicket>;

export const QueueAgent = z.object({
  id: Uuid,
  name: z.string(),
  skills: z.array(Category),
  capacity: z.number().int(),
  load: z.number().int(),
  presence: PresenceState.nullable(),
});
export type QueueAgent = z.infer<typeof QueueAgent>;

export const QueueOverview = z.object({
  settings: QueueSettings,
  nameZh: z.string(),
  nameEn: z.string(),
  agents: z.array(QueueAgent),
  waiting: z.array(WaitingTicket),
});
export type QueueOverview = z.infer<typeof QueueOverview>;

export const AssignmentOverview = z.object({ queues: z.array(QueueOverview) });
export type AssignmentOverview = z.infer<typeof AssignmentOverview>;

export const Escalation = z.object({
  id: Uuid,
  ticketId: Uuid,
  ticketCode: z.string().nullable(),
  ticketType: TicketType,
  title: z.string(),
  teamId: z.string().nullable(),
  step: z.string(),
  dueAt: z.string(),
  createdAt: z.string(),
  reassignedTo: Uuid.nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: Uuid.nullable(),
});
export type Escalation = z.infer<typeof Escalation>;

/** The routes' answers (the overview and one escalation are answered as they are). */
export const SetQueueSettingsResponse = z.object({ settings: QueueSettings });
export type SetQueueSettingsResponse = z.infer<typeof SetQueueSettingsResponse>;
export const SetCapacityResponse = z.object({ capacity: z.number().int() });
export type SetCapacityResponse = z.infer<typeof SetCapacityResponse>;
export const EscalationList = z.object({ items: z.array(Escalation) });
export type EscalationList = z.infer<typeof EscalationList>;

/** Why the system assigned a ticket: the queue's rule, or an escalation to the lead's pick. */
export type AssignRule = Exclude<AssignmentMode, 'manual'> | 'escalation';

const RULE_NAMES: Record<AssignRule, { zh: string; en: string }> = {
  round_robin: { zh: '轮流分派', en: 'round robin' },
  least_loaded: { zh: '按负载最少', en: 'least loaded' },
  escalation: { zh: '超时升级', en: 'escalation' },
};

/**
 * The note on a system assignment's timeline event: written once by the server and read on every console, in
 * both languages (the event's `data.rule` keeps the rule itself).
 */
export function systemAssignmentNote(rule: AssignRule): string {
  const name = RULE_NAMES[rule];
  return `系统自动分派（${name.zh}）/ Assigned by the system (${name.en})`;
}

/** The live message a new escalation sends to leads' and admins' consoles. */
export const ESCALATION_LIVE_TYPE = 'escalation';

/** One agent as the decision sees it. */
export interface Candidate {
  id: string;
  skills: readonly CategoryT[];
  capacity: number;
  /** Open tickets the agent holds now. */
  load: number;
  presence: PresenceState | null;
  /** The queue's turn at which they last received a ticket; null: never. */
  lastTurn: number | null;
}

const hasSkill = (c: Candidate, category: CategoryT) => c.skills.length === 0 || c.skills.includes(category);

/** At the desk (a receiving presence) with room under capacity: may take some ticket now. */
export const canReceive = (c: Candidate): boolean =>
  c.presence !== null && RECEIVING_PRESENCE.includes(c.presence) && c.load < c.capacity;

/** Who may take this ticket now: able to receive, and with the skill when the queue asks. */
export function eligible(candidates: readonly Candidate[], category: CategoryT, skillsFilter: boolean): Candidate[] {
  return candidates.filter((c) => canReceive(c) && (!skillsFilter || hasSkill(c, category)));
}

/** Never assigned first, then the longest since the last turn; the id breaks ties so every node decides alike. */
function byTurn(a: Candidate, b: Candidate): number {
  if (a.lastTurn !== b.lastTurn) {
    if (a.lastTurn === null) return -1;
    if (b.lastTurn === null) return 1;
    return a.lastTurn - b.lastTurn;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The agent who gets a ticket of `category`, or null (manual queue, or nobody eligible: the ticket waits).
 * round_robin: the eligible agent whose turn is longest ago; least_loaded: the fewest open tickets, then by turn.
 */
export function chooseAssignee(
  mode: AssignmentMode,
  candidates: readonly Candidate[],
  category: CategoryT,
  skillsFilter: boolean,
): Candidate | null {
  if (mode === 'manual') return null;
  const pool = eligible(candidates, category, skillsFilter);
  const order = mode === 'least_loaded' ? (a: Candidate, b: Candidate) => a.load - b.load || byTurn(a, b) : byTurn;
  return pool.sort(order)[0] ?? null;
}
