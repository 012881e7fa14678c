const FORMATS = {
  clock: { hour: '2-digit', minute: '2-digit', hour12: false },
  monthDayClock: { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
  full: { dateStyle: 'medium', timeStyle: 'short', hour12: false },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One Intl.DateTimeFormat per language and format, reused: building one costs far more than formatting with it,
 * and a list row formats its times on every render (triage.keypress_p95_ms profiles showed it dominating).
 */
function formatter(language: string, format: keyof typeof FORMATS): Intl.DateTimeFormat {
  const key = `${language}\u0000${format}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(language, FORMATS[format])));
  return f;
}

/** Short, scannable times for dense lists: "14:02" today, "11-24 09:30" this year, "2024-11-24" before. */
export function formatShortTime(iso: string, language: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const sameDay = at.toDateString() === now.toDateString();
  if (sameDay) return formatter(language, 'clock').format(at);
  if (at.getFullYear() === now.getFullYear()) return formatter(language, 'monthDayClock').format(at);
  return formatter(language, 'date').format(at);
}

/** Full local date and time, for tooltips and the timeline. */
export function formatFullTime(iso: string, language: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return formatter(language, 'full').format(at);
}

/** "14:02" — used for "offline since". */
export function formatClock(iso: string, language: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return formatter(language, 'clock').format(at);
}
