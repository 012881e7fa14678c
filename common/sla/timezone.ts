/**
 * The site's time zone (issue 9 point 3): one IANA name, default Asia/Shanghai, kept in the SLA settings document
 * (`settings.calendar.timeZone`) so every console receives it with the SLA settings. Consoles show every time in
 * it, and the business calendar counts its days and office hours in it.
 *
 * The calendar's maths work in one fixed UTC offset (a day is `floor((ms + offset) / 24 h)`), so the offset is
 * derived from the zone instead of being a second setting that could disagree with it, and only zones with one
 * offset are accepted: a zone with daylight saving time would need per-instant offsets the calendar does not
 * have. Asia/Shanghai has kept +08:00 since 1991 (no DST). Pure: Intl only, no clock reads.
 */

export const DEFAULT_SITE_TIME_ZONE = 'Asia/Shanghai';

const partFormats = new Map<string, Intl.DateTimeFormat | null>();

/** A formatter giving the zone's wall-clock fields, or null when the runtime does not know the zone. */
function wallClock(timeZone: string): Intl.DateTimeFormat | null {
  let f = partFormats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null; // RangeError: not a time zone this runtime knows
    }
    partFormats.set(timeZone, f);
  }
  return f;
}

/** Whether the runtime knows `timeZone` as a time zone name. */
export function isTimeZone(timeZone: string): boolean {
  return timeZone.trim() !== '' && wallClock(timeZone) !== null;
}

/** Minutes east of UTC of `timeZone` at the instant `ms`; null for an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number | null {
  const f = wallClock(timeZone);
  if (!f) return null;
  const part = (parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const parts = f.formatToParts(ms);
  const wall = Date.UTC(
    part(parts, 'year'),
    part(parts, 'month') - 1,
    part(parts, 'day'),
    part(parts, 'hour'),
    part(parts, 'minute'),
    part(parts, 'second'),
  );
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** Years sampled for a fixed offset: every January and July over the years the desk's data can span. */
const FIRST_SAMPLE_YEAR = 2000;
const LAST_SAMPLE_YEAR = 2060;
const fixedOffsets = new Map<string, number | null>();

/**
 * The one UTC offset (minutes east) of `timeZone` if it kept the same offset in every January and July from 2000 to
 * 2060 (no DST, no change); null for a zone with DST or an unknown zone.
 */
export function fixedUtcOffsetMinutes(timeZone: string): number | null {
  if (fixedOffsets.has(timeZone)) return fixedOffsets.get(timeZone) ?? null;
  let offset: number | null = null;
  if (isTimeZone(timeZone)) {
    offset = zoneOffsetMinutes(timeZone, Date.UTC(FIRST_SAMPLE_YEAR, 0, 15, 12));
    for (let year = FIRST_SAMPLE_YEAR; year <= LAST_SAMPLE_YEAR && offset !== null; year++) {
      for (const month of [0, 6]) {
        if (zoneOffsetMinutes(timeZone, Date.UTC(year, month, 15, 12)) !== offset) offset = null;
      }
    }
  }
  fixedOffsets.set(timeZone, offset);
  return offset;
}
