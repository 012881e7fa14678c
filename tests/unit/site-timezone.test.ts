/**
 * The site's time zone (issue 9 point 3): an IANA name in the SLA settings document (settings.calendar.timeZone,
 * default Asia/Shanghai). The business calendar's fixed offset is derived from it, so the calendar's days are the
 * days the console shows; a stored offset must agree with the zone, and a zone with DST is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../common/domain';
import {
  CalendarSettings,
  DEFAULT_SITE_TIME_ZONE,
  DEFAULT_SLA_DOCUMENT,
  SlaSettingsDocument,
  SlaSettingsSchema,
  businessCalendar,
  fixedUtcOffsetMinutes,
  siteTimeZone,
  slaPolicy,
  zoneOffsetMinutes,
} from '../../common/sla';

describe('zone offsets', () => {
  it.each([
    ['Asia/Shanghai', 480],
    ['Asia/Hong_Kong', 480],
    ['Asia/Tokyo', 540],
    ['Asia/Kolkata', 330],
    ['UTC', 0],
  ])('%s has one offset: %i', (zone, offset) => {
    expect(fixedUtcOffsetMinutes(zone)).toBe(offset);
  });

  it.each(['America/New_York', 'Europe/London', 'Australia/Sydney', 'Not/AZone', '', '+08:00 maybe'])(
    '%j has no one offset (DST, or not a zone)',
    (zone) => {
      expect(fixedUtcOffsetMinutes(zone)).toBeNull();
    },
  );

  it('reads an offset at an instant, DST included', () => {
    expect(zoneOffsetMinutes('America/New_York', Date.UTC(2026, 0, 15))).toBe(-300);
    expect(zoneOffsetMinutes('America/New_York', Date.UTC(2026, 6, 15))).toBe(-240);
    expect(zoneOffsetMinutes('Asia/Shanghai', Date.UTC(2026, 11, 2, 17, 30))).toBe(480);
  });
});

describe('the calendar follows the site zone', () => {
  it('defaults to Asia/Shanghai, +08:00', () => {
    expect(DEFAULT_SITE_TIME_ZONE).toBe('Asia/Shanghai');
    const calendar = businessCalendar();
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    expect(calendar.utcOffsetMinutes).toBe(480);
    expect(CalendarSettings.parse({}).timeZone).toBe('Asia/Shanghai');
    expect(siteTimeZone(DEFAULT_SLA_DOCUMENT.settings)).toBe('Asia/Shanghai');
  });

  it('derives the offset from another fixed-offset zone', () => {
    const tokyo = businessCalendar({ timeZone: 'Asia/Tokyo' });
    expect(tokyo.utcOffsetMinutes).toBe(540);
    // 2026-12-02T15:30Z: 00:30 on 3 December in Tokyo, 23:30 on 2 December in Shanghai.
    const at = Date.UTC(2026, 11, 2, 15, 30);
    expect(tokyo.day(tokyo.dayIndexOf(at)).date).toBe('2026-12-03');
    expect(businessCalendar().day(businessCalendar().dayIndexOf(at)).date).toBe('2026-12-02');
  });

  it('accepts a stored offset that agrees with the zone (documents from before the zone) and refuses one that does not', () => {
    expect(CalendarSettings.safeParse({ utcOffsetMinutes: 480 }).success).toBe(true);
    expect(CalendarSettings.safeParse({ timeZone: 'Asia/Tokyo', utcOffsetMinutes: 540 }).success).toBe(true);
    const disagree = CalendarSettings.safeParse({ utcOffsetMinutes: 540 });
    expect(disagree.success).toBe(false);
    expect(disagree.error?.issues[0]?.path).toEqual(['utcOffsetMinutes']);
    expect(CalendarSettings.safeParse({ timeZone: 'Asia/Tokyo', utcOffsetMinutes: 480 }).success).toBe(false);
  });

  it('refuses a zone with daylight saving time or an unknown zone, in the settings as a whole too', () => {
    for (const timeZone of ['America/Los_Angeles', 'Europe/Berlin', 'Asia/Nowhere']) {
      const parsed = CalendarSettings.safeParse({ timeZone });
      expect(parsed.success, timeZone).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['timeZone']);
      expect(SlaSettingsSchema.safeParse({ calendar: { timeZone } }).success).toBe(false);
    }
  });

  it('travels in the synced settings document', () => {
    const doc = SlaSettingsDocument.parse({
      settings: { calendar: { timeZone: 'Asia/Tokyo' } },
      weatherAlert: false,
      version: 3,
      updatedAt: null,
    });
    expect(siteTimeZone(doc.settings)).toBe('Asia/Tokyo');
    expect(slaPolicy(doc.settings).calendar.utcOffsetMinutes).toBe(540);
  });

  it("the calendar's day of any instant is the day the console shows, and the ticket code's day", () => {
    const calendar = businessCalendar();
    const shown = new Intl.DateTimeFormat('en-CA', {
      timeZone: siteTimeZone(DEFAULT_SLA_DOCUMENT.settings),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
        const day = calendar.day(calendar.dayIndexOf(ms)).date;
        expect(day).toBe(shown.format(ms));
        expect(day).toBe(shanghaiDate(new Date(ms)));
      }),
      { numRuns: 500 },
    );
  });
});
