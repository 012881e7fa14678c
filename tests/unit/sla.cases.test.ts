// Fixed cases for the SLA engine (DESIGN.md §4) against the official 2026 schedule
// (国务院办公厅关于2026年部分节假日安排的通知, 国办发明电〔2025〕7号, 2025-11-04).
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { businessCalendar, computeDeadline, packageYearsCovered, slaPolicy, slaState } from '../../common/sla';

/** Shanghai wall-clock time → Date. */
const sh = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

const pkg = businessCalendar();
const dayIndex = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const working = (date: string) => pkg.day(dayIndex(date)).working;
const business = (start: string, limitMinutes: number, cal = pkg) =>
  computeDeadline({ start: sh(start), limitMinutes, calendar: 'business', schedule: cal });

describe('chinese-days coverage', () => {
  it('covers 2026 and not 2027', () => {
    expect(packageYearsCovered()).toContain(2026);
    expect(packageYearsCovered()).not.toContain(2027);
    expect(pkg.yearSource(2026)).toBe('package');
    expect(pkg.yearSource(2027)).toBe('fallback');
  });
});

describe('2026 National Day (official: 10/1–10/7 off; 9/20 Sun and 10/10 Sat are working days)', () => {
  it('marks the days as the official schedule does', () => {
    for (const d of ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'])
      expect(working(d), d).toBe(false);
    // 10/8 (Thu) is an ordinary working day in 2026 (the 8-day break 10/1–10/8 was 2025's schedule).
    expect(working('2026-10-08')).toBe(true);
    expect(working('2026-09-30')).toBe(true);
    expect(working('2026-09-20')).toBe(true); // Sunday, 调休 上班
    expect(working('2026-10-10')).toBe(true); // Saturday, 调休 上班
    expect(working('2026-10-11')).toBe(false); // plain Sunday
    // 中秋 9/25–9/27 is a separate break in 2026.
    expect(working('2026-09-25')).toBe(false);
  });

  it('a P3 deadline skips the whole week and resumes on 10/8', () => {
    const r = business('2026-09-30T16:30', 120);
    expect(iso(r.due)).toBe('2026-10-08 09:30');
    expect(r.provisional).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('the 调休 Saturday 10/10 counts as business time', () => {
    expect(iso(business('2026-10-09T17:00', 120).due)).toBe('2026-10-10 10:00');
    expect(iso(business('2026-09-18T17:00', 120).due)).toBe('2026-09-20 10:00'); // Sat 9/19 off, Sun 9/20 works
  });
});

describe('2026 Spring Festival (official: 2/15–2/23 off; Saturdays 2/14 and 2/28 are working days)', () => {
  it('marks the days as the official schedule does', () => {
    for (let d = 15; d <= 23; d++) expect(working(`2026-02-${d}`), `2026-02-${d}`).toBe(false);
    expect(working('2026-02-14')).toBe(true);
    expect(working('2026-02-28')).toBe(true);
    expect(working('2026-02-24')).toBe(true);
    expect(working('2026-02-21')).toBe(false);
  });

  it('deadlines run on the 调休 Saturdays and skip the break', () => {
    expect(iso(business('2026-02-13T17:00', 120).due)).toBe('2026-02-14 10:00');
    expect(iso(business('2026-02-14T17:00', 120).due)).toBe('2026-02-24 10:00');
    expect(iso(business('2026-02-27T17:00', 120).due)).toBe('2026-02-28 10:00');
  });
});

describe('years without an official schedule', () => {
  it('2027 falls back to weekends + fixed-date holidays, provisional and warned', () => {
    const r = business('2026-12-31T16:30', 120);
    expect(iso(r.due)).toBe('2027-01-04 09:30'); // 1/1 fixed holiday, 1/2–1/3 weekend
    expect(r.provisional).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('2027');
    expect(r.warnings[0]).toMatch(/provisional/);
    // National Day fallback: 10/1–10/3 only.
    expect(iso(business('2027-09-30T17:00', 60).due)).toBe('2027-10-04 09:00');
  });

  it('a far-future year is provisional too, never a crash', () => {
    const r = business('2150-06-01T12:00', 600);
    expect(r.provisional).toBe(true);
    expect(r.warnings[0]).toContain('2150');
  });

  it('24/7 clocks never need the calendar and are never provisional', () => {
    const r = computeDeadline({ start: sh('2027-10-01T10:00'), limitMinutes: 60, calendar: 'always' });
    expect(iso(r.due)).toBe('2027-10-01 11:00');
    expect(r.provisional).toBe(false);
  });

  it('slaState carries the provisional flag and warning for leads/admins', () => {
    const s = slaState({
      start: sh('2026-12-31T16:30'),
      now: sh('2027-01-04T09:00'),
      limitMinutes: 120,
      calendar: 'business',
      schedule: pkg,
    });
    expect(s.provisional).toBe(true);
    expect(s.warnings[0]).toContain('2027');
    expect(s.elapsedMinutes).toBe(90);
    expect(s.state).toBe('at_risk');
  });
});

describe('admin-entered schedules', () => {
  it('an admin 2027 schedule overrides the fallback and makes the deadline non-provisional', () => {
    const cal = businessCalendar({
      yearSchedules: [{ year: 2027, holidays: ['2027-01-01', '2027-01-04'], workdays: ['2027-01-02'] }],
    });
    expect(cal.yearSource(2027)).toBe('admin');
    const r = business('2026-12-31T16:30', 120, cal);
    expect(iso(r.due)).toBe('2027-01-02 09:30'); // admin: Saturday 1/2 is a working day
    expect(r.provisional).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('an admin override for 2026 beats the package', () => {
    const cal = businessCalendar({
      yearSchedules: [{ year: 2026, holidays: ['2026-10-01', '2026-10-02', '2026-10-08'], workdays: [] }],
    });
    expect(cal.yearSource(2026)).toBe('admin');
    expect(cal.day(dayIndex('2026-10-08')).working).toBe(false);
    expect(cal.day(dayIndex('2026-10-05')).working).toBe(true); // the admin's list is the whole truth for 2026
    expect(cal.day(dayIndex('2026-10-10')).working).toBe(false); // no admin 调休 Saturday: plain weekend
    expect(iso(business('2026-10-07T17:00', 120, cal).due)).toBe('2026-10-09 10:00');
  });

  it('rejects malformed schedules', () => {
    expect(() => businessCalendar({ yearSchedules: [{ year: 2027, holidays: ['2026-10-01'], workdays: [] }] })).toThrow(
      ZodError,
    );
    expect(() => businessCalendar({ yearSchedules: [{ year: 2027, holidays: ['2027-02-30'], workdays: [] }] })).toThrow(
      ZodError,
    );
    expect(() =>
      businessCalendar({ yearSchedules: [{ year: 2027, holidays: ['2027-01-01'], workdays: ['2027-01-01'] }] }),
    ).toThrow(ZodError);
    expect(() => businessCalendar({ officeHours: { start: '18:00', end: '09:00' } })).toThrow(ZodError);
  });
});

describe('policy defaults (DESIGN.md §4)', () => {
  const policy = slaPolicy();
  const start = sh('2026-11-26T10:00'); // Thursday

  it('uses the §4 figures on the right clock', () => {
    expect(policy.limitMinutes('repair', 0, 'respond')).toBe(0);
    expect(policy.limitMinutes('repair', 0, 'onSite')).toBe(15);
    expect(policy.limitMinutes('repair', 1, 'onSite')).toBe(60);
    expect(policy.limitMinutes('repair', 1, 'fix')).toBe(120);
    expect(policy.limitMinutes('repair', 2, 'onSite')).toBe(240);
    expect(policy.limitMinutes('repair', 2, 'fix')).toBe(1440);
    expect(policy.limitMinutes('repair', 3, 'respond')).toBe(120);
    expect(policy.limitMinutes('repair', 4, 'fix')).toBe(7 * 540);
    expect(policy.limitMinutes('complaint', 2, 'reply')).toBe(7 * 1440);
    expect(policy.limitMinutes('repair', 3, 'onSite')).toBeNull();
    expect(policy.deadline({ type: 'fee', priority: 3, milestone: 'respond', start })).toBeNull();
    expect(policy.clockFor(2)).toBe('always');
    expect(policy.clockFor(3)).toBe('business');
    expect(iso(policy.deadline({ type: 'repair', priority: 0, milestone: 'onSite', start })!.due)).toBe(
      '2026-11-26 10:15',
    );
    // P2 runs through the night; P3 waits for office hours.
    const evening = sh('2026-11-26T20:00');
    expect(iso(policy.deadline({ type: 'repair', priority: 2, milestone: 'respond', start: evening })!.due)).toBe(
      '2026-11-26 20:30',
    );
    expect(iso(policy.deadline({ type: 'repair', priority: 3, milestone: 'respond', start: evening })!.due)).toBe(
      '2026-11-27 10:30',
    );
  });

  it('weather alert stretches limits by 50%', () => {
    const r = policy.deadline({ type: 'repair', priority: 1, milestone: 'onSite', start, weatherAlert: true })!;
    expect(r.effectiveLimitMinutes).toBe(90);
    expect(iso(r.due)).toBe('2026-11-26 11:30');
  });

  it('on_hold pauses the clock; an open hold is clipped at now', () => {
    const pauses = [{ start: sh('2026-11-26T10:10'), end: sh('2026-11-26T10:40') }];
    const r = policy.deadline({ type: 'repair', priority: 1, milestone: 'onSite', start, pauses })!;
    expect(iso(r.due)).toBe('2026-11-26 11:30');
    const s = policy.state({
      type: 'repair',
      priority: 1,
      milestone: 'onSite',
      start,
      now: sh('2026-11-26T10:50'),
      pauses: [{ start: sh('2026-11-26T10:20') }],
    })!;
    expect(s.paused).toBe(true);
    expect(s.elapsedMinutes).toBe(20);
    expect(iso(s.due)).toBe('2026-11-26 11:30'); // due if resumed now
  });

  it('ok below 75 %, at_risk from 75 %, breached from 100 %', () => {
    const at = (now: string) =>
      policy.state({ type: 'repair', priority: 1, milestone: 'onSite', start, now: sh(now) })!.state;
    expect(at('2026-11-26T10:44')).toBe('ok');
    expect(at('2026-11-26T10:45')).toBe('at_risk');
    expect(at('2026-11-26T10:59')).toBe('at_risk');
    expect(at('2026-11-26T11:00')).toBe('breached');
    expect(at('2026-11-26T09:00')).toBe('ok'); // now before start: nothing elapsed
  });

  it('admin settings override limits and are validated', () => {
    const custom = slaPolicy({ limits: { repair: { onSite: { P1: 45 } } }, weatherStretchFactor: 2 });
    expect(custom.limitMinutes('repair', 1, 'onSite')).toBe(45);
    expect(custom.limitMinutes('repair', 2, 'onSite')).toBe(240);
    expect(
      custom.deadline({ type: 'repair', priority: 1, milestone: 'onSite', start, weatherAlert: true })!
        .effectiveLimitMinutes,
    ).toBe(90);
    expect(() => slaPolicy({ limits: { repair: { onSite: { P1: 5 } } } })).toThrow(ZodError); // P1 before P0
    expect(() => slaPolicy({ limits: { repair: { followUp: { P3: 60 } } } })).toThrow(ZodError); // P3 before P2
    expect(() => slaPolicy({ limits: { repair: { respond: { P3: -1 } } } })).toThrow(ZodError);
    expect(() => slaPolicy({ surprise: true })).toThrow(ZodError);
    expect(slaPolicy({ limits: { repair: { onSite: { P2: null } } } }).limitMinutes('repair', 2, 'onSite')).toBeNull();
  });
});
