/**
 * SLA clock maths (DESIGN.md §4): deadlines, elapsed time with pauses, weather stretch, ok / at_risk / breached.
 * Pure: every instant is an input; nothing reads the system clock.
 */
import { type BusinessCalendar, businessCalendar, provisionalWarning } from './calendar';

const MINUTE = 60_000;
/** How far ahead (in calendar days) a business deadline is searched before giving up with a warning. */
const HORIZON_DAYS = 3 * 366;

export type ClockKind = 'always' | 'business';
export type SlaStateName = 'ok' | 'at_risk' | 'breached';

/** An on_hold interval. `end` absent/null = still on hold (clipped at `now` when one is given). */
export interface Pause {
  start: Date;
  end?: Date | null;
}

export interface ClockInput {
  start: Date;
  limitMinutes: number;
  calendar: ClockKind;
  /** Business calendar for 'business' clocks; defaults to businessCalendar() (DESIGN.md §4 defaults). */
  schedule?: BusinessCalendar;
  pauses?: readonly Pause[];
  /** Weather alert: limits × `stretchFactor` (default 1.5). */
  stretch?: boolean;
  stretchFactor?: number;
  /** Only used to close an open pause; never read from the system clock. */
  now?: Date;
}

export interface DeadlineResult {
  due: Date;
  /** True when some day on the way was judged by the fallback calendar (year without an official schedule). */
  provisional: boolean;
  warnings: string[];
  /** The limit actually applied, after the weather stretch. */
  effectiveLimitMinutes: number;
}

export interface SlaStateResult {
  elapsedMinutes: number;
  elapsedRatio: number;
  state: SlaStateName;
  due: Date;
  provisional: boolean;
  warnings: string[];
  paused: boolean;
}

type Interval = [number, number];

/** Merged, sorted pause intervals in ms; open pauses end at `now` (or are dropped, with a warning). */
function normalisePauses(pauses: readonly Pause[], now: number | undefined, warnings: string[]): Interval[] {
  const raw: Interval[] = [];
  for (const p of pauses) {
    const a = p.start.getTime();
    const b = p.end ? p.end.getTime() : now;
    if (b === undefined) {
      warnings.push('An open on_hold interval was ignored because no "now" was given.');
      continue;
    }
    if (!Number.isFinite(a) || !Number.isFinite(b) || b <= a) continue; // empty or reversed: contributes nothing
    raw.push([a, b]);
  }
  raw.sort((x, y) => x[0] - y[0]);
  const merged: Interval[] = [];
  for (const iv of raw) {
    const last = merged[merged.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else merged.push([iv[0], iv[1]]);
  }
  return merged;
}

/** Subtract sorted, merged `pauses` from [a, b). */
function subtract(a: number, b: number, pauses: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = a;
  for (const [p, q] of pauses) {
    if (q <= cursor) continue;
    if (p >= b) break;
    if (p > cursor) out.push([cursor, Math.min(p, b)]);
    cursor = Math.max(cursor, q);
    if (cursor >= b) break;
  }
  if (cursor < b) out.push([cursor, b]);
  return out;
}

class CalendarWatch {
  readonly fallbackYears = new Set<number>();
  constructor(readonly cal: BusinessCalendar) {}
  window(dayIndex: number) {
    const info = this.cal.day(dayIndex);
    if (info.source === 'fallback') this.fallbackYears.add(Number(info.date.slice(0, 4)));
    return this.cal.window(dayIndex);
  }
  warnings(): string[] {
    return [...this.fallbackYears].sort().map(provisionalWarning);
  }
}

function stretched(input: ClockInput): number {
  const limit = Math.max(0, input.limitMinutes);
  return input.stretch ? limit * Math.max(1, input.stretchFactor ?? 1.5) : limit;
}

let defaultCalendar: BusinessCalendar | undefined;
/** The given schedule, or the default one (08:30–17:30 +08:00, package + fallback) if none was passed. */
function requireSchedule(input: ClockInput): BusinessCalendar {
  return input.schedule ?? (defaultCalendar ??= businessCalendar());
}

/** The earliest instant at which the (stretched) limit of active time has elapsed since `start`. */
export function computeDeadline(input: ClockInput): DeadlineResult {
  const warnings: string[] = [];
  const effectiveLimitMinutes = stretched(input);
  let remaining = effectiveLimitMinutes * MINUTE;
  const start = input.start.getTime();
  const pauses = normalisePauses(input.pauses ?? [], input.now?.getTime(), warnings);

  if (input.calendar === 'always') {
    for (const [a, b] of subtract(start, Number.POSITIVE_INFINITY, pauses)) {
      if (remaining <= b - a)
        return { due: new Date(a + remaining), provisional: false, warnings, effectiveLimitMinutes };
      remaining -= b - a;
    }
    /* c8 ignore next */
    throw new Error('unreachable: the last active segment is unbounded');
  }

  const watch = new CalendarWatch(requireSchedule(input));
  const first = watch.cal.dayIndexOf(start);
  for (let d = first; d <= first + HORIZON_DAYS; d++) {
    const w = watch.window(d);
    if (!w || w.end <= start) continue;
    for (const [a, b] of subtract(Math.max(w.start, start), w.end, pauses)) {
      if (remaining <= b - a) {
        const fw = watch.warnings();
        return {
          due: new Date(a + remaining),
          provisional: fw.length > 0,
          warnings: [...warnings, ...fw],
          effectiveLimitMinutes,
        };
      }
      remaining -= b - a;
    }
  }
  const fw = watch.warnings();
  return {
    due: new Date(start + effectiveLimitMinutes * MINUTE),
    provisional: true,
    warnings: [
      ...warnings,
      ...fw,
      `No business time found within ${HORIZON_DAYS} days of the start; showing the calendar-time deadline instead.`,
    ],
    effectiveLimitMinutes,
  };
}

/** Active (clock-running) minutes between `start` and `now`: pauses and, for 'business', non-office time excluded. */
export function elapsedMinutes(input: ClockInput & { now: Date }): {
  minutes: number;
  provisional: boolean;
  warnings: string[];
} {
  const warnings: string[] = [];
  const start = input.start.getTime();
  const now = input.now.getTime();
  if (!(now > start)) return { minutes: 0, provisional: false, warnings };
  const pauses = normalisePauses(input.pauses ?? [], now, warnings);

  if (input.calendar === 'always') {
    const ms = subtract(start, now, pauses).reduce((sum, [a, b]) => sum + (b - a), 0);
    return { minutes: ms / MINUTE, provisional: false, warnings };
  }
  const watch = new CalendarWatch(requireSchedule(input));
  let ms = 0;
  for (let d = watch.cal.dayIndexOf(start); d <= watch.cal.dayIndexOf(now); d++) {
    const w = watch.window(d);
    if (!w) continue;
    const a = Math.max(w.start, start);
    const b = Math.min(w.end, now);
    if (b > a) ms += subtract(a, b, pauses).reduce((sum, [x, y]) => sum + (y - x), 0);
  }
  const fw = watch.warnings();
  return { minutes: ms / MINUTE, provisional: fw.length > 0, warnings: [...warnings, ...fw] };
}

export const AT_RISK_RATIO = 0.75;

/** Where a clock stands at `now`: elapsed ratio of the (stretched) limit and ok / at_risk / breached. */
export function slaState(input: ClockInput & { now: Date; atRiskRatio?: number }): SlaStateResult {
  const deadline = computeDeadline(input);
  const elapsed = elapsedMinutes(input);
  const limit = deadline.effectiveLimitMinutes;
  const elapsedRatio = limit > 0 ? elapsed.minutes / limit : input.now.getTime() >= deadline.due.getTime() ? 1 : 0;
  const atRisk = input.atRiskRatio ?? AT_RISK_RATIO;
  const state: SlaStateName = elapsedRatio >= 1 ? 'breached' : elapsedRatio >= atRisk ? 'at_risk' : 'ok';
  const now = input.now.getTime();
  const paused = (input.pauses ?? []).some((p) => p.start.getTime() <= now && (!p.end || p.end.getTime() > now));
  return {
    elapsedMinutes: elapsed.minutes,
    elapsedRatio,
    state,
    due: deadline.due,
    provisional: deadline.provisional || elapsed.provisional,
    warnings: [...new Set([...deadline.warnings, ...elapsed.warnings])],
    paused,
  };
}
