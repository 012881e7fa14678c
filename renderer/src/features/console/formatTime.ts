/**
 * Every date and time the renderer shows goes through here (issue 9 point 3), in the site's time zone — the zone
 * the SLA calendar counts in (common/sla/timezone: `settings.calendar.timeZone` of the synced SLA settings,
 * default Asia/Shanghai) — never the PC's own zone, so a BX-20261203-… ticket shows 12月3日 on every PC.
 * SiteTimeZoneSync keeps the zone in step with the settings; components read it with useTimeFormat().
 */
import { useMemo, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_SITE_TIME_ZONE, isTimeZone } from '../../../../common/sla/timezone';

/** What a formatted time depends on: the UI language and the site's time zone. */
export interface TimeFormat {
  language: string;
  timeZone: string;
}

const FORMATS = {
  clock: { hour: '2-digit', minute: '2-digit', hour12: false },
  monthDayClock: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  full: { dateStyle: 'medium', timeStyle: 'short', hour12: false },
  longDate: { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' },
  /** Calendar-day fields, to tell "today" and "this year" in the site's zone. */
  day: { year: 'numeric', month: 'numeric', day: 'numeric' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type Format = keyof typeof FORMATS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One Intl.DateTimeFormat per language, zone and format, reused: building one costs far more than formatting with
 * it, and a list row formats its times on every render (triage.keypress_p95_ms profiles showed it dominating).
 */
function formatter({ language, timeZone }: TimeFormat, format: Format): Intl.DateTimeFormat {
  const key = `${language}\u0000${timeZone}\u0000${format}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(language, { ...FORMATS[format], timeZone })));
  return f;
}

function instant(value: string | Date): Date | null {
  const at = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(at.getTime()) ? null : at;
}

/** "2026-12-03" for the calendar day of `at` in `timeZone`. */
function dayKey(at: Date, timeZone: string): string {
  const parts = formatter({ language: 'en-US', timeZone }, 'day').formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value.padStart(2, '0');
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Short, scannable times for dense lists: "14:02" today, "11-24 09:30" this year, "2024-11-24" before. */
export function formatShortTime(iso: string, format: TimeFormat, now: Date = new Date()): string {
  const at = instant(iso);
  if (!at) return '';
  const day = dayKey(at, format.timeZone);
  const today = dayKey(now, format.timeZone);
  if (day === today) return formatter(format, 'clock').format(at);
  if (day.slice(0, 4) === today.slice(0, 4)) return formatter(format, 'monthDayClock').format(at);
  return formatter(format, 'date').format(at);
}

/** Full date and time ("2026年12月3日 01:30"), for the detail, tooltips and the timeline. */
export function formatFullTime(iso: string, format: TimeFormat): string {
  const at = instant(iso);
  if (!at) return iso;
  return formatter(format, 'full').format(at);
}

/** "14:02" — "offline since", the kiosk's clock. */
export function formatClock(value: string | Date, format: TimeFormat): string {
  const at = instant(value);
  if (!at) return '';
  return formatter(format, 'clock').format(at);
}

/** "2026年12月3日星期四" — the kiosk's date. */
export function formatLongDate(value: string | Date, format: TimeFormat): string {
  const at = instant(value);
  if (!at) return '';
  return formatter(format, 'longDate').format(at);
}

/** The calendar year of an instant in the site's zone (the SLA calendar's year). */
export function siteYear(at: Date, timeZone: string = siteTimeZone()): number {
  return Number(dayKey(at, timeZone).slice(0, 4));
}

// ————————————————————————————————— the site's time zone —————————————————————————————————

let zone = DEFAULT_SITE_TIME_ZONE;
const listeners = new Set<() => void>();

export function siteTimeZone(): string {
  return zone;
}

/** Sets the zone from the SLA settings; a name this browser does not know keeps the default. */
export function setSiteTimeZone(timeZone: string): void {
  const next = isTimeZone(timeZone) ? timeZone : DEFAULT_SITE_TIME_ZONE;
  if (next === zone) return;
  zone = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSiteTimeZone(): string {
  return useSyncExternalStore(subscribe, siteTimeZone);
}

/** The language and site zone to format with; the same object until either changes. */
export function useTimeFormat(): TimeFormat {
  const { i18n } = useTranslation();
  const timeZone = useSiteTimeZone();
  const language = i18n.language;
  return useMemo(() => ({ language, timeZone }), [language, timeZone]);
}
