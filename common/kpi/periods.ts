/**
 * The dashboard's periods in the site's time zone (a fixed UTC offset: common/sla/timezone.ts accepts only such
 * zones). Shifts are the three eight-hour desk shifts: night 00:00–08:00, day 08:00–16:00, evening 16:00–24:00
 * (site time), each belonging to the calendar day it starts in. Weeks start on Monday (China's working week).
 * server/kpi/sql.ts computes the same buckets in SQL; the KPI integration test checks that both agree.
 */

export const KPI_PERIODS = ['shift', 'day', 'week', 'month'] as const;
export type KpiPeriod = (typeof KPI_PERIODS)[number];

export const SHIFT_HOURS = 8;
export const SHIFT_NAMES = ['night', 'day', 'evening'] as const;
export type ShiftName = (typeof SHIFT_NAMES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 1970-01-01 was a Thursday: Monday 1970-01-05 is day 4 of the epoch. */
const FIRST_MONDAY_DAYS = 4;

/** The start (UTC ms) of the period holding instant `ms`, in a zone `offsetMinutes` east of UTC. */
export function periodStart(period: KpiPeriod, ms: number, offsetMinutes: number): number {
  const offset = offsetMinutes * MINUTE;
  const local = ms + offset;
  switch (period) {
    case 'shift':
      return Math.floor(local / (SHIFT_HOURS * HOUR)) * SHIFT_HOURS * HOUR - offset;
    case 'day':
      return Math.floor(local / DAY) * DAY - offset;
    case 'week': {
      const days = Math.floor(local / DAY) - FIRST_MONDAY_DAYS;
      return (Math.floor(days / 7) * 7 + FIRST_MONDAY_DAYS) * DAY - offset;
    }
    case 'month': {
      const wall = new Date(local);
      return Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), 1) - offset;
    }
  }
}

/** Which shift an instant falls in (site time). */
export function shiftOf(ms: number, offsetMinutes: number): ShiftName {
  const hour = new Date(ms + offsetMinutes * MINUTE).getUTCHours();
  return SHIFT_NAMES[Math.floor(hour / SHIFT_HOURS)] as ShiftName;
}

/** Midnight (UTC ms) starting the site calendar date `date` (YYYY-MM-DD). */
export function siteDayStart(date: string, offsetMinutes: number): number {
  return Date.parse(`${date}T00:00:00Z`) - offsetMinutes * MINUTE;
}

/** The instants [start, end) a report from `from` to `to` (site dates, both included) covers. */
export function reportRange(from: string, to: string, offsetMinutes: number): { start: number; end: number } {
  return { start: siteDayStart(from, offsetMinutes), end: siteDayStart(to, offsetMinutes) + DAY };
}

/** A period's label in site time: 2026-11-26 夜/night, 2026-11-26, 2026-11-23 (week of), 2026-11. */
export function periodKey(period: KpiPeriod, startMs: number, offsetMinutes: number): string {
  const wall = new Date(startMs + offsetMinutes * MINUTE).toISOString();
  if (period === 'month') return wall.slice(0, 7);
  if (period === 'shift') return `${wall.slice(0, 10)} ${wall.slice(11, 16)}`;
  return wall.slice(0, 10);
}
