/**
 * "Time left" on the SOP card. Tickets carry the SLA clock of their current step (slaDueAt / slaRiskAt /
 * slaPausedAt, computed by common/sla when a ticket changes); a ticket without them — older rows, or a build
 * where those fields are not there yet — still shows the step's time limit from the workflow definition.
 * Pure: the clock comes in as `now`.
 */
import type { Ticket } from '../../../../../common/domain';
import { findStep, type TimeLimit } from '../../../../../common/workflows';

/** The SLA fields, read only when present (absent, undefined and null all mean "not computed"). */
export interface MaybeSlaFields {
  slaDueAt?: string | null;
  slaRiskAt?: string | null;
  slaPausedAt?: string | null;
  /** While paused: minutes of the clock left to the deadline. */
  slaRemainingMinutes?: number | null;
}

export type TimeLeft =
  | { kind: 'paused'; since: string; remainingMinutes: number | null }
  | { kind: 'due'; dueAt: string; msLeft: number; state: 'ok' | 'at_risk' | 'breached' }
  | { kind: 'limit'; minutes: number; milestone: TimeLimit['milestone']; from: TimeLimit['from'] }
  | { kind: 'none' };

const instant = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

export function timeLeft(ticket: Pick<Ticket, 'type' | 'status' | 'priority'> & MaybeSlaFields, now: Date): TimeLeft {
  if (ticket.slaPausedAt && instant(ticket.slaPausedAt) !== null) {
    return { kind: 'paused', since: ticket.slaPausedAt, remainingMinutes: ticket.slaRemainingMinutes ?? null };
  }
  const due = instant(ticket.slaDueAt);
  if (due !== null && ticket.slaDueAt) {
    const risk = instant(ticket.slaRiskAt);
    const t = now.getTime();
    const state = t >= due ? 'breached' : risk !== null && t >= risk ? 'at_risk' : 'ok';
    return { kind: 'due', dueAt: ticket.slaDueAt, msLeft: due - t, state };
  }
  const limit = findStep(ticket.type, ticket.status)?.limit;
  const minutes = limit?.minutes[ticket.priority];
  if (!limit || minutes === undefined) return { kind: 'none' };
  return { kind: 'limit', minutes, milestone: limit.milestone, from: limit.from };
}

const UNITS = {
  zh: { d: '天', h: '小时', m: '分钟', sep: '', under: '不到 1 分钟' },
  en: { d: ' d', h: ' h', m: ' min', sep: ' ', under: 'under 1 min' },
} as const;

/**
 * A duration as at most its two largest units, rounded down: "1天3小时", "45分钟" / "1 d 3 h", "45 min".
 * Negative durations are formatted by their size (the caller says "overdue").
 */
export function formatDuration(ms: number, language: 'zh' | 'en'): string {
  const u = UNITS[language];
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  if (totalMinutes === 0) return u.under;
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts = [
    [days, u.d],
    [hours, u.h],
    [minutes, u.m],
  ] as const;
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join(u.sep);
}
