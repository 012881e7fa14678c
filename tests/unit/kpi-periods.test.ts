/**
 * The KPI dashboard's periods (common/kpi/periods.ts) in site time, Asia/Shanghai (UTC+8, no DST): eight-hour
 * shifts from midnight, days from midnight, weeks from Monday, calendar months; and the report's date range.
 */
import { describe, expect, it } from 'vitest';
import { KpiQuery, periodKey, periodStart, reportRange, shiftOf } from '../../common/kpi';

const SH = 480;
const at = (wall: string) => Date.parse(`${wall}+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();

describe('KPI periods in Shanghai time', () => {
  it('cuts shifts at 00:00, 08:00 and 16:00 site time', () => {
    expect(iso(periodStart('shift', at('2026-11-02T07:59:59.999'), SH))).toBe('2026-11-01T16:00:00.000Z'); // 00:00
    expect(iso(periodStart('shift', at('2026-11-02T08:00:00'), SH))).toBe('2026-11-02T00:00:00.000Z'); // 08:00
    expect(iso(periodStart('shift', at('2026-11-02T15:59:59'), SH))).toBe('2026-11-02T00:00:00.000Z');
    expect(iso(periodStart('shift', at('2026-11-02T16:00:00'), SH))).toBe('2026-11-02T08:00:00.000Z'); // 16:00
    expect(iso(periodStart('shift', at('2026-11-02T23:59:59'), SH))).toBe('2026-11-02T08:00:00.000Z');
    expect(shiftOf(at('2026-11-02T00:30:00'), SH)).toBe('night');
    expect(shiftOf(at('2026-11-02T08:00:00'), SH)).toBe('day');
    expect(shiftOf(at('2026-11-02T16:00:00'), SH)).toBe('evening');
    expect(periodKey('shift', periodStart('shift', at('2026-11-02T17:00:00'), SH), SH)).toBe('2026-11-02 16:00');
  });

  it('starts a day at Shanghai midnight, which is 16:00 UTC the day before', () => {
    expect(iso(periodStart('day', at('2026-11-02T00:00:00'), SH))).toBe('2026-11-01T16:00:00.000Z');
    expect(iso(periodStart('day', at('2026-11-01T23:59:59.999'), SH))).toBe('2026-10-31T16:00:00.000Z');
    // 2026-11-01T20:00Z is already 2 November in Shanghai.
    expect(periodKey('day', periodStart('day', Date.parse('2026-11-01T20:00:00Z'), SH), SH)).toBe('2026-11-02');
  });

  it('starts weeks on Monday', () => {
    // 2026-11-01 is a Sunday: its week began Monday 26 October; Monday 2 November starts the next.
    expect(periodKey('week', periodStart('week', at('2026-11-01T23:59:59'), SH), SH)).toBe('2026-10-26');
    expect(periodKey('week', periodStart('week', at('2026-11-02T00:00:00'), SH), SH)).toBe('2026-11-02');
    expect(periodKey('week', periodStart('week', at('2026-11-08T12:00:00'), SH), SH)).toBe('2026-11-02');
    // Across a year end: Thursday 1 January 2026 is in the week of Monday 29 December 2025.
    expect(periodKey('week', periodStart('week', at('2026-01-01T10:00:00'), SH), SH)).toBe('2025-12-29');
    for (let day = 0; day < 14; day++) {
      const start = periodStart('week', at('2026-03-01T12:00:00') + day * 86_400_000, SH);
      expect(new Date(start + SH * 60_000).getUTCDay()).toBe(1);
    }
  });

  it('cuts months at Shanghai midnight on the 1st, February of a leap year included', () => {
    expect(iso(periodStart('month', at('2026-12-01T00:00:00'), SH))).toBe('2026-11-30T16:00:00.000Z');
    expect(periodKey('month', periodStart('month', at('2026-11-30T23:59:59'), SH), SH)).toBe('2026-11');
    expect(periodKey('month', periodStart('month', at('2028-02-29T12:00:00'), SH), SH)).toBe('2028-02');
    expect(periodKey('month', periodStart('month', at('2028-03-01T00:00:00'), SH), SH)).toBe('2028-03');
  });

  it('covers both end dates of a report, from midnight to midnight site time', () => {
    const { start, end } = reportRange('2026-11-02', '2026-11-03', SH);
    expect(iso(start)).toBe('2026-11-01T16:00:00.000Z');
    expect(iso(end)).toBe('2026-11-03T16:00:00.000Z');
  });

  it('limits a report’s length by its period', () => {
    const ok = (q: object) => KpiQuery.safeParse(q).success;
    expect(ok({ period: 'shift', from: '2026-11-01', to: '2026-12-01' })).toBe(true); // 31 days
    expect(ok({ period: 'shift', from: '2026-11-01', to: '2026-12-02' })).toBe(false); // 32
    expect(ok({ period: 'month', from: '2025-12-01', to: '2026-11-30' })).toBe(true); // 12 months
    expect(ok({ period: 'day', from: '2026-11-02', to: '2026-11-01' })).toBe(false);
  });
});
