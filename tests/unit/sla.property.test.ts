// Property tests for the SLA engine (DESIGN.md §4), fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TICKET_TYPES } from '../../common/domain';
import {
  businessCalendar,
  computeDeadline,
  elapsedMinutes,
  MILESTONES,
  type Pause,
  slaPolicy,
  slaState,
} from '../../common/sla';

const MIN = 60_000;
const policy = slaPolicy();
const cal = businessCalendar();
// 2025-01-01 … 2027-12-31 (Shanghai): covered years plus the uncovered 2027 (fallback calendar).
const FROM = Date.parse('2025-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-31T00:00:00+08:00');

const instant = fc.integer({ min: FROM / MIN, max: TO / MIN }).map((m) => new Date(m * MIN));
const clock = fc.constantFrom('always' as const, 'business' as const);
const limit = fc.integer({ min: 0, max: 5 * 1440 });
/** Pauses near a start: offsets and lengths in minutes; some open-ended. */
const pausesAround = (start: Date) =>
  fc
    .array(
      fc.record({
        offset: fc.integer({ min: -600, max: 10 * 1440 }),
        length: fc.integer({ min: -60, max: 3 * 1440 }),
        open: fc.boolean(),
      }),
      { maxLength: 5 },
    )
    .map((ps) =>
      ps.map((p): Pause => ({
        start: new Date(start.getTime() + p.offset * MIN),
        end: p.open ? null : new Date(start.getTime() + (p.offset + p.length) * MIN),
      })),
    );
const withPauses = instant.chain((start) => fc.tuple(fc.constant(start), pausesAround(start)));

describe('SLA properties', () => {
  it('elapsed time is never negative and never exceeds wall time, whatever the pauses', () => {
    fc.assert(
      fc.property(
        withPauses,
        clock,
        fc.integer({ min: -1440, max: 20 * 1440 }),
        ([start, pauses], calendar, nowOff) => {
          const now = new Date(start.getTime() + nowOff * MIN);
          const e = elapsedMinutes({ start, now, limitMinutes: 60, calendar, schedule: cal, pauses });
          expect(e.minutes).toBeGreaterThanOrEqual(0);
          expect(e.minutes).toBeLessThanOrEqual(Math.max(0, nowOff));
          const s = slaState({ start, now, limitMinutes: 60, calendar, schedule: cal, pauses });
          expect(s.elapsedRatio).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('deadlines are monotonic in priority (same type, milestone and start)', () => {
    fc.assert(
      fc.property(
        instant,
        fc.constantFrom(...TICKET_TYPES),
        fc.constantFrom(...MILESTONES),
        fc.boolean(),
        (start, type, milestone, weatherAlert) => {
          let prev = -Infinity;
          for (let p = 0; p <= 4; p++) {
            const d = policy.deadline({ type, priority: p, milestone, start, weatherAlert });
            if (!d) continue;
            expect(d.due.getTime(), `P${p} ${type}.${milestone}`).toBeGreaterThanOrEqual(prev);
            prev = d.due.getTime();
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a P3+ deadline always falls in business time', () => {
    fc.assert(
      fc.property(
        withPauses,
        fc.constantFrom(...TICKET_TYPES),
        fc.constantFrom(...MILESTONES),
        fc.integer({ min: 3, max: 4 }),
        fc.boolean(),
        ([start, pauses], type, milestone, priority, weatherAlert) => {
          const d = policy.deadline({ type, priority, milestone, start, pauses, weatherAlert, now: start });
          if (!d) return;
          expect(cal.isBusinessTime(d.due.getTime()), d.due.toISOString()).toBe(true);
          expect(d.due.getTime()).toBeGreaterThanOrEqual(start.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('more pause never makes the due date earlier', () => {
    fc.assert(
      fc.property(
        withPauses,
        clock,
        limit,
        fc.integer({ min: 0, max: 5 * 1440 }),
        fc.integer({ min: 1, max: 2 * 1440 }),
        ([start, pauses], calendar, limitMinutes, off, len) => {
          const closed = pauses.filter((p) => p.end);
          const extra: Pause = {
            start: new Date(start.getTime() + off * MIN),
            end: new Date(start.getTime() + (off + len) * MIN),
          };
          const a = computeDeadline({ start, limitMinutes, calendar, schedule: cal, pauses: closed });
          const b = computeDeadline({ start, limitMinutes, calendar, schedule: cal, pauses: [...closed, extra] });
          expect(b.due.getTime()).toBeGreaterThanOrEqual(a.due.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the weather stretch never shortens a deadline', () => {
    fc.assert(
      fc.property(withPauses, clock, limit, ([start, pauses], calendar, limitMinutes) => {
        const base = { start, limitMinutes, calendar, schedule: cal, pauses, now: start };
        expect(computeDeadline({ ...base, stretch: true }).due.getTime()).toBeGreaterThanOrEqual(
          computeDeadline(base).due.getTime(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('deadline and state agree: breached exactly from the due instant on, elapsed equals the limit there', () => {
    fc.assert(
      fc.property(
        withPauses,
        clock,
        fc.integer({ min: 1, max: 5 * 1440 }),
        ([start, pauses], calendar, limitMinutes) => {
          const closed = pauses.filter((p) => p.end);
          const input = { start, limitMinutes, calendar, schedule: cal, pauses: closed };
          const { due } = computeDeadline(input);
          expect(slaState({ ...input, now: due }).state).toBe('breached');
          expect(elapsedMinutes({ ...input, now: due }).minutes).toBeCloseTo(limitMinutes, 6);
          expect(slaState({ ...input, now: new Date(due.getTime() - MIN) }).state).not.toBe('breached');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a deadline that crosses an uncovered year is provisional and warned about; covered years are not', () => {
    fc.assert(
      fc.property(instant, limit, (start, limitMinutes) => {
        const r = computeDeadline({ start, limitMinutes, calendar: 'business', schedule: cal });
        const touches2027 = r.due.getTime() >= Date.parse('2027-01-01T00:00:00+08:00');
        expect(r.provisional).toBe(touches2027);
        expect(r.warnings.length > 0).toBe(touches2027);
      }),
      { numRuns: 300 },
    );
  });
});
