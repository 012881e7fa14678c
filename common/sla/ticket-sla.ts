/**
 * A ticket's SLA clock (DESIGN.md §4), recomputed by applyMutation on create, status change and priority edit —
 * the desk's optimistic copy and the server run the same code, so both store the same fields.
 *
 * Each step runs against one milestone. Milestones of the work "cycle" (respond → onSite → fix, respond → reply)
 * count from the cycle's start (creation or reopening), as the SOP table says; the follow-up call counts from
 * completion. on_hold pauses the clock: due/risk are null while paused and every hold span is kept, so the
 * deadline after resuming is the exact one with the paused time excluded (in the clock's own time: office minutes
 * for P3+). The weather alert stretches the limits of clocks computed while it is on.
 */
import {
  NO_SLA,
  type SlaMilestone,
  type SlaPause,
  type Ticket,
  type TicketSla,
  type TicketStatus,
  type TicketType,
} from '../domain';
import { computeDeadline, elapsedMinutes, type Pause } from './clock';
import type { SlaPolicy } from './policy';

/** What the clock reads of a ticket (the seed generator replays histories with just these). */
export type SlaSubject = Pick<Ticket, 'type' | 'priority' | 'status' | 'createdAt'> & TicketSla;

/** What applyMutation needs to compute SLA fields (MutationContext.sla). */
export interface TicketSlaContext {
  policy: SlaPolicy;
  /** The lead's weather-alert switch: limits × the policy's stretch factor. */
  weatherAlert: boolean;
}

type From = 'cycle' | 'entered';
type StepClock = { milestone: SlaMilestone; from: From } | 'hold' | null;

const cycle = (milestone: SlaMilestone): StepClock => ({ milestone, from: 'cycle' });
const entered = (milestone: SlaMilestone): StepClock => ({ milestone, from: 'entered' });

/** Steps → milestones. Missing steps (closed, cancelled, paid, fee follow-ups) run no clock. */
const STEP_CLOCKS: Record<TicketType, Partial<Record<TicketStatus, StepClock>>> = {
  repair: {
    new: cycle('respond'),
    accepted: cycle('respond'),
    dispatched: cycle('onSite'),
    acknowledged: cycle('onSite'),
    on_site: cycle('fix'),
    done: entered('followUp'),
    confirmed: entered('followUp'),
    reopened: entered('onSite'),
    on_hold: 'hold',
  },
  complaint: {
    new: cycle('respond'),
    accepted: cycle('respond'),
    investigating: cycle('reply'),
    replied: entered('followUp'),
    reopened: entered('reply'),
    on_hold: 'hold',
  },
  enquiry: { new: cycle('respond') },
  suggestion: { new: cycle('respond') },
  praise: { new: cycle('respond') },
  // No fee limits by default (DESIGN.md gives none); an admin may set fee.respond for the first contact.
  fee: { new: cycle('respond') },
};

const CYCLE_MILESTONES: readonly SlaMilestone[] = ['respond', 'onSite', 'fix', 'reply'];
/** When a class has no limit for the step's milestone, the next one of the cycle applies (P3: no on-site limit). */
const FALLBACK: Partial<Record<SlaMilestone, SlaMilestone>> = { onSite: 'fix' };

export function stepClock(type: TicketType, status: TicketStatus): StepClock {
  return STEP_CLOCKS[type][status] ?? null;
}

function toPauses(pauses: readonly SlaPause[]): Pause[] {
  return pauses.map((p) => ({ start: new Date(p.start), end: p.end === null ? null : new Date(p.end) }));
}

/** The pause list after the ticket moves from `before` to `after` status at `now`. */
function nextPauses(before: SlaSubject | undefined, status: TicketStatus, now: string): SlaPause[] {
  const pauses = before ? before.slaPauses.map((p) => ({ ...p })) : [];
  const open = pauses.at(-1)?.end === null ? pauses.at(-1) : undefined;
  if (status === 'on_hold' && !open) pauses.push({ start: now, end: null });
  if (status !== 'on_hold' && open) open.end = now;
  return pauses;
}

interface Clock {
  milestone: SlaMilestone;
  start: string;
}

/** The milestone and clock start for a running (not paused) step, or null when none applies. */
function runningClock(
  ticket: SlaSubject,
  before: SlaSubject | undefined,
  step: { milestone: SlaMilestone; from: From },
  now: string,
  sla: TicketSlaContext,
): Clock | null {
  let milestone: SlaMilestone | undefined = step.milestone;
  while (milestone && sla.policy.limitMinutes(ticket.type, ticket.priority, milestone) === null) {
    milestone = FALLBACK[milestone];
  }
  if (!milestone) return null;
  const prev = before?.slaMilestone ?? null;
  const prevStart = before?.slaStartedAt ?? null;
  let start: string;
  // A new ticket, or one stored before it had a clock (rows older than SLA wiring): the cycle began at creation.
  if (!before || (step.from === 'cycle' && prev === null && prevStart === null)) start = ticket.createdAt;
  else if (prevStart !== null && prev === milestone) start = prevStart;
  else if (prevStart !== null && step.from === 'cycle' && prev !== null && CYCLE_MILESTONES.includes(prev)) {
    start = prevStart; // the same cycle goes on: respond → on site → fixed all count from its start
  } else start = now;
  return { milestone, start };
}

/** Due and at-risk instants of a clock, with its pauses excluded (open ones clipped at `now`). */
function deadlines(ticket: SlaSubject, clock: Clock, pauses: Pause[], now: Date, sla: TicketSlaContext) {
  const { policy } = sla;
  const due = policy.deadline({
    type: ticket.type,
    priority: ticket.priority,
    milestone: clock.milestone,
    start: new Date(clock.start),
    pauses,
    weatherAlert: sla.weatherAlert,
    now,
  });
  if (!due) return null;
  const risk = computeDeadline({
    start: new Date(clock.start),
    limitMinutes: due.effectiveLimitMinutes * policy.atRiskRatio,
    calendar: policy.clockFor(ticket.priority),
    schedule: policy.calendar,
    pauses,
    now,
  });
  return { due: due.due, risk: risk.due, provisional: due.provisional || risk.provisional };
}

/**
 * The SLA fields of `ticket` (already carrying its new status and priority) after a mutation at `now`;
 * `before` is the ticket as it was (undefined on create).
 */
export function ticketSla(
  ticket: SlaSubject,
  before: SlaSubject | undefined,
  now: Date,
  sla: TicketSlaContext,
): TicketSla {
  const at = now.toISOString();
  const pauses = nextPauses(before, ticket.status, at);
  const step = stepClock(ticket.type, ticket.status);
  if (step === null) return { ...NO_SLA, slaPauses: pauses };

  if (step === 'hold') {
    const milestone = before?.slaMilestone ?? null;
    const start = before?.slaStartedAt ?? null;
    const pausedAt = pauses.at(-1)?.start ?? at;
    if (milestone === null || start === null) return { ...NO_SLA, slaPausedAt: pausedAt, slaPauses: pauses };
    const d = deadlines(ticket, { milestone, start }, toPauses(pauses), now, sla);
    if (!d) return { ...NO_SLA, slaPausedAt: pausedAt, slaPauses: pauses };
    // What is left of the clock (in its own time) when it stopped; nothing if it had already run out.
    const left =
      d.due.getTime() > now.getTime()
        ? elapsedMinutes({
            start: now,
            now: d.due,
            limitMinutes: 0,
            calendar: sla.policy.clockFor(ticket.priority),
            schedule: sla.policy.calendar,
          }).minutes
        : 0;
    return {
      ...NO_SLA,
      slaMilestone: milestone,
      slaStartedAt: start,
      slaPausedAt: pausedAt,
      slaRemainingMinutes: Math.round(left * 100) / 100,
      slaProvisional: d.provisional,
      slaPauses: pauses,
    };
  }

  const clock = runningClock(ticket, before, step, at, sla);
  if (!clock) return { ...NO_SLA, slaPauses: pauses };
  const d = deadlines(ticket, clock, toPauses(pauses), now, sla);
  if (!d) return { ...NO_SLA, slaPauses: pauses };
  return {
    ...NO_SLA,
    slaMilestone: clock.milestone,
    slaStartedAt: clock.start,
    slaDueAt: d.due.toISOString(),
    slaRiskAt: d.risk.toISOString(),
    slaProvisional: d.provisional,
    slaPauses: pauses,
  };
}

export type SlaBadgeState = 'none' | 'paused' | 'ok' | 'at_risk' | 'overdue';

/**
 * Where a ticket's clock stands at `now`, for badges and sorting: minutes left (negative when overdue; office
 * minutes while paused) and the state. Reads only the stored fields.
 */
export function slaBadge(
  t: Pick<Ticket, 'slaDueAt' | 'slaRiskAt' | 'slaPausedAt' | 'slaRemainingMinutes' | 'slaMilestone'>,
  now: Date,
): { state: SlaBadgeState; minutes: number | null } {
  if (t.slaPausedAt !== null && t.slaDueAt === null) {
    return { state: t.slaMilestone === null ? 'none' : 'paused', minutes: t.slaRemainingMinutes };
  }
  if (t.slaDueAt === null) return { state: 'none', minutes: null };
  const left = (Date.parse(t.slaDueAt) - now.getTime()) / 60_000;
  if (left < 0) return { state: 'overdue', minutes: left };
  const risk = t.slaRiskAt === null ? Number.POSITIVE_INFINITY : Date.parse(t.slaRiskAt);
  return { state: now.getTime() >= risk ? 'at_risk' : 'ok', minutes: left };
}
