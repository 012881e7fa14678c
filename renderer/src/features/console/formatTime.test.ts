import { afterEach, describe, expect, it } from 'vitest';
import {
  formatClock,
  formatFullTime,
  formatLongDate,
  formatShortTime,
  setSiteTimeZone,
  siteTimeZone,
  siteYear,
  type TimeFormat,
} from './formatTime';

const SHANGHAI = 'Asia/Shanghai';
const zh: TimeFormat = { language: 'zh-CN', timeZone: SHANGHAI };
const en: TimeFormat = { language: 'en', timeZone: SHANGHAI };

// The formatters are cached per language, zone and format: the output must stay what a fresh Intl.DateTimeFormat
// gives, whichever language or zone asked first.
describe('formatTime', () => {
  // 2026-11-26 15:00 in Shanghai, and times before it (Shanghai wall clock, UTC+8).
  const now = new Date('2026-11-26T07:00:00Z');
  const today = '2026-11-26T06:02:00.000Z'; // 14:02
  const thisYear = '2026-11-24T01:30:00.000Z'; // 11-24 09:30
  const before = '2024-11-24T01:30:00.000Z';
  const fresh = (format: TimeFormat, options: Intl.DateTimeFormatOptions, iso: string) =>
    new Intl.DateTimeFormat(format.language, { ...options, timeZone: format.timeZone }).format(new Date(iso));

  it('formats like a fresh formatter in the site zone, per language and zone, across repeated calls', () => {
    for (let round = 0; round < 2; round++) {
      for (const format of [zh, en, { language: 'zh-CN', timeZone: 'America/New_York' }]) {
        expect(formatFullTime(before, format)).toBe(
          fresh(format, { dateStyle: 'medium', timeStyle: 'short', hour12: false }, before),
        );
        expect(formatClock(today, format)).toBe(
          fresh(format, { hour: '2-digit', minute: '2-digit', hour12: false }, today),
        );
      }
      for (const format of [zh, en]) {
        expect(formatShortTime(today, format, now)).toBe(
          fresh(format, { hour: '2-digit', minute: '2-digit', hour12: false }, today),
        );
        expect(formatShortTime(thisYear, format, now)).toBe(
          fresh(
            format,
            { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false },
            thisYear,
          ),
        );
        expect(formatShortTime(before, format, now)).toBe(
          fresh(format, { year: 'numeric', month: '2-digit', day: '2-digit' }, before),
        );
      }
    }
    expect(formatShortTime(today, zh, now)).toBe('14:02');
    expect(formatShortTime(today, zh, now)).not.toBe(formatFullTime(today, zh));
  });

  it('keeps its answers for bad input', () => {
    expect(formatShortTime('not a date', en, now)).toBe('');
    expect(formatFullTime('not a date', en)).toBe('not a date');
    expect(formatClock('', zh)).toBe('');
    expect(formatLongDate('nope', zh)).toBe('');
  });
});

// Issue 9: BX-20261203-… (created 2026-12-02T17:30Z, 01:30 on 3 December in China) showed 12月2日 on a PC set to a
// zone west of UTC. Every time shows in the site's zone, whatever the process's (TZ) zone is.
describe('site time zone', () => {
  const nearMidnight = '2026-12-02T17:30:00Z';
  // The tests run in Node (vitest), where setting TZ changes the process's default zone; this file belongs to the
  // web project, which has no Node types.
  const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
  const originalTz = env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete env.TZ;
    else env.TZ = originalTz;
    setSiteTimeZone(SHANGHAI);
  });

  const check = () => {
    expect(formatFullTime(nearMidnight, zh)).toMatch(/^2026年12月3日 01:30$/);
    expect(formatFullTime(nearMidnight, en)).toMatch(/^Dec 3, 2026,? 01:30$/);
    expect(formatLongDate(nearMidnight, zh)).toBe('2026年12月3日星期四');
    expect(formatClock(nearMidnight, zh)).toBe('01:30');
    // Later the same Shanghai day: the short form is a clock time; the next Shanghai day: a date.
    expect(formatShortTime(nearMidnight, zh, new Date('2026-12-03T10:00:00Z'))).toBe('01:30');
    expect(formatShortTime(nearMidnight, zh, new Date('2026-12-03T16:00:00Z'))).toBe('12/03 01:30');
    // 31 December in New York is already the new year in Shanghai.
    expect(siteYear(new Date('2026-12-31T17:00:00Z'), SHANGHAI)).toBe(2027);
    expect(siteYear(new Date('2026-12-31T17:00:00Z'), 'America/New_York')).toBe(2026);
  };

  it.each(['America/New_York', 'America/Los_Angeles', 'UTC', 'Asia/Shanghai', 'Pacific/Kiritimati'])(
    'shows the Shanghai date when the process runs in %s',
    (tz) => {
      env.TZ = tz; // Node resets its (and ICU's) default zone when TZ changes
      expect(new Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(tz === 'UTC' ? 'UTC' : tz);
      check();
    },
  );

  it('formats in another zone when asked for one (the formatter is per zone)', () => {
    const newYork: TimeFormat = { language: 'zh-CN', timeZone: 'America/New_York' };
    expect(formatFullTime(nearMidnight, newYork)).toBe('2026年12月2日 12:30');
    expect(formatFullTime(nearMidnight, zh)).toBe('2026年12月3日 01:30');
  });

  it('takes the zone from the settings, keeping the default for a name the browser does not know', () => {
    expect(siteTimeZone()).toBe(SHANGHAI);
    setSiteTimeZone('Asia/Tokyo');
    expect(siteTimeZone()).toBe('Asia/Tokyo');
    setSiteTimeZone('Mars/Olympus_Mons');
    expect(siteTimeZone()).toBe(SHANGHAI);
  });
});
