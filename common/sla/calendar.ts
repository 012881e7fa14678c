/**
 * Business calendar for the SLA engine (DESIGN.md §4). Pure: no clock reads, no Node built-ins.
 *
 * A day's status comes from, in order of precedence:
 *   1. an admin-entered schedule for that year (overrides the package for the whole year);
 *   2. the `chinese-days` package (official State Council schedules; covers up to 2026 in v1.5.x);
 *   3. a fallback: weekends + fixed-date holidays (元旦 1/1, 劳动节 5/1, 国庆 10/1–10/3), flagged provisional.
 *
 * Times are wall-clock in the site's time zone (default Asia/Shanghai, +08:00, no DST), through the fixed UTC
 * offset derived from it (./timezone).
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import { MAX_YEAR, MIN_YEAR, calendarDate, line } from '../input';
import { DEFAULT_SITE_TIME_ZONE, fixedUtcOffsetMinutes, isTimeZone } from './timezone';

const MINUTE = 60_000;
const DAY = 86_400_000;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24h)');

/** An official (or corrected) holiday schedule for one year, entered by an admin. */
export const YearSchedule = z
  .object({
    year: z.number().int().min(MIN_YEAR).max(MAX_YEAR),
    /** Days off that would otherwise be working days (statutory holidays and 调休 days off). */
    holidays: z.array(calendarDate()).max(366),
    /** Weekend days that are working days (调休 上班). */
    workdays: z.array(calendarDate()).max(366),
  })
  .superRefine((s, ctx) => {
    const prefix = `${s.year}-`;
    for (const d of [...s.holidays, ...s.workdays]) {
      if (!d.startsWith(prefix)) {
        ctx.addIssue({ code: 'custom', message: `${d} is not a valid date in ${s.year}` });
      }
    }
    const off = new Set(s.holidays);
    for (const d of s.workdays) {
      if (off.has(d)) ctx.addIssue({ code: 'custom', message: `${d} is listed both as holiday and as workday` });
    }
  });
export type YearSchedule = z.infer<typeof YearSchedule>;

export const CalendarSettings = z
  .object({
    officeHours: z.object({ start: hhmm, end: hhmm }).default({ start: '08:30', end: '17:30' }),
    /**
     * The site's time zone (IANA name): consoles show every time in it and the calendar counts in it. Lives here, in
     * the synced SLA settings document, so consoles get it with the rest (an older console ignores the key).
     */
    timeZone: line(64).default(DEFAULT_SITE_TIME_ZONE),
    /**
     * Minutes east of UTC for the office's wall clock: derived from `timeZone` (see ./timezone). Documents written
     * before the zone existed carry +480; a value is accepted only when it agrees with the zone.
     */
    utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
    /** Admin-entered schedules; one per year. */
    yearSchedules: z.array(YearSchedule).default([]),
  })
  .superRefine((s, ctx) => {
    const offset = fixedUtcOffsetMinutes(s.timeZone);
    if (offset === null) {
      const message = isTimeZone(s.timeZone)
        ? `${s.timeZone} changes its UTC offset (daylight saving time): the business calendar needs a zone with one offset`
        : `${s.timeZone} is not a time zone (expected an IANA name such as ${DEFAULT_SITE_TIME_ZONE})`;
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message });
    } else if (s.utcOffsetMinutes !== undefined && s.utcOffsetMinutes !== offset) {
      ctx.addIssue({
        code: 'custom',
        path: ['utcOffsetMinutes'],
        message: `utcOffsetMinutes ${s.utcOffsetMinutes} disagrees with ${s.timeZone} (${offset})`,
      });
    }
    if (toMinutes(s.officeHours.start) >= toMinutes(s.officeHours.end)) {
      ctx.addIssue({ code: 'custom', path: ['officeHours'], message: 'office hours must start before they end' });
    }
    const years = s.yearSchedules.map((y) => y.year);
    if (new Set(years).size !== years.length) {
      ctx.addIssue({ code: 'custom', path: ['yearSchedules'], message: 'at most one schedule per year' });
    }
  });
export type CalendarSettingsInput = z.input<typeof CalendarSettings>;

export type CalendarSource = 'admin' | 'package' | 'fallback';

export interface DayInfo {
  /** YYYY-MM-DD in the office's wall clock. */
  date: string;
  working: boolean;
  source: CalendarSource;
}

export interface BusinessCalendar {
  readonly officeStartMinute: number;
  readonly officeEndMinute: number;
  /** Length of one office day in minutes (e.g. 540 for 08:30–17:30). */
  readonly officeDayMinutes: number;
  /** The site's time zone (IANA) and its fixed offset, minutes east of UTC. */
  readonly timeZone: string;
  readonly utcOffsetMinutes: number;
  /** Where a year's holiday data comes from. */
  yearSource(year: number): CalendarSource;
  /** Status of the calendar day with index `dayIndex` (days since 1970-01-01 in the office's wall clock). */
  day(dayIndex: number): DayInfo;
  /** Office window of a day in epoch ms, or null for a non-working day. */
  window(dayIndex: number): { start: number; end: number } | null;
  /** Day index (office wall clock) of an instant. */
  dayIndexOf(ms: number): number;
  /** Whether an instant lies inside an office window (both ends inclusive). */
  isBusinessTime(ms: number): boolean;
}

function toMinutes(hm: string): number {
  const [h, m] = hm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function dateKey(dayIndex: number): string {
  return new Date(dayIndex * DAY).toISOString().slice(0, 10);
}

function weekday(dayIndex: number): number {
  return new Date(dayIndex * DAY).getUTCDay();
}

// --- chinese-days adapter ---------------------------------------------------------------------------------------
// We read the package's generated data file rather than its lookup functions: the functions (v1.5.x) build their
// tables by parsing "YYYY-M-D" as UTC and formatting in the host's local zone, so west of UTC every date shifts by a
// day; and for a year they do not know they silently answer "Mon–Fri work". The JSON was generated by the package's
// build and lists exactly the dates of the official schedules, so "no entry for a year" means "not covered".
interface PackageYear {
  holidays: Set<string>;
  workdays: Set<string>;
}
const packageData = chineseDaysData as { holidays?: Record<string, string>; workdays?: Record<string, string> };
const packageYears = new Map<number, PackageYear>();
for (const [kind, table] of [
  ['holidays', packageData.holidays ?? {}],
  ['workdays', packageData.workdays ?? {}],
] as const) {
  for (const date of Object.keys(table)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) continue;
    const year = Number(date.slice(0, 4));
    let y = packageYears.get(year);
    if (!y) packageYears.set(year, (y = { holidays: new Set(), workdays: new Set() }));
    y[kind].add(date);
  }
}

/** Holidays and 调休 workdays chinese-days knows for a year, or null if it does not cover that year. */
export function packageYear(year: number): PackageYear | null {
  const y = packageYears.get(year);
  return y && y.holidays.size > 0 ? y : null;
}

/** Years the installed chinese-days covers (ascending). */
export function packageYearsCovered(): number[] {
  return [...packageYears.keys()].filter((y) => packageYear(y) !== null).sort((a, b) => a - b);
}

const FALLBACK_HOLIDAYS = ['01-01', '05-01', '10-01', '10-02', '10-03'];

/** Builds a business calendar from (unvalidated) settings; throws a ZodError on invalid settings. */
export function businessCalendar(settings: CalendarSettingsInput = {}): BusinessCalendar {
  const s = CalendarSettings.parse(settings);
  const officeStartMinute = toMinutes(s.officeHours.start);
  const officeEndMinute = toMinutes(s.officeHours.end);
  // Validated by the parse: the zone has one offset.
  const utcOffsetMinutes = fixedUtcOffsetMinutes(s.timeZone) ?? 0;
  const offset = utcOffsetMinutes * MINUTE;
  const admin = new Map<number, { holidays: Set<string>; workdays: Set<string> }>(
    s.yearSchedules.map((y) => [y.year, { holidays: new Set(y.holidays), workdays: new Set(y.workdays) }]),
  );

  const yearSource = (year: number): CalendarSource =>
    admin.has(year) ? 'admin' : packageYear(year) ? 'package' : 'fallback';

  const day = (dayIndex: number): DayInfo => {
    const date = dateKey(dayIndex);
    const year = Number(date.slice(0, 4));
    const wd = weekday(dayIndex);
    const weekend = wd === 0 || wd === 6;
    const table = admin.get(year) ?? packageYear(year);
    const source: CalendarSource = admin.has(year) ? 'admin' : table ? 'package' : 'fallback';
    if (table) {
      if (table.workdays.has(date)) return { date, working: true, source };
      if (table.holidays.has(date)) return { date, working: false, source };
      return { date, working: !weekend, source };
    }
    return { date, working: !weekend && !FALLBACK_HOLIDAYS.includes(date.slice(5)), source };
  };

  const window = (dayIndex: number) => {
    if (!day(dayIndex).working) return null;
    const midnight = dayIndex * DAY - offset;
    return { start: midnight + officeStartMinute * MINUTE, end: midnight + officeEndMinute * MINUTE };
  };

  const dayIndexOf = (ms: number) => Math.floor((ms + offset) / DAY);

  return {
    officeStartMinute,
    officeEndMinute,
    officeDayMinutes: officeEndMinute - officeStartMinute,
    timeZone: s.timeZone,
    utcOffsetMinutes,
    yearSource,
    day,
    window,
    dayIndexOf,
    isBusinessTime(ms) {
      const w = window(dayIndexOf(ms));
      return w !== null && ms >= w.start && ms <= w.end;
    },
  };
}

/** Admin/lead-facing warning for a year without an official schedule (zh + en). */
export function provisionalWarning(year: number): string {
  return (
    `${year} 年法定节假日安排尚未录入：按周末及固定日期节日（元旦、劳动节、国庆 10/1–10/3）临时计算，时限为暂定，` +
    `请管理员录入国务院公布的安排。 / No official ${year} holiday schedule: deadlines use weekends plus fixed-date ` +
    `holidays (1/1, 5/1, 10/1–10/3) and are provisional until an admin enters the official schedule.`
  );
}
