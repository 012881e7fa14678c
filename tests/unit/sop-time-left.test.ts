/**
 * The SOP card's "time left": from the ticket's SLA fields when it has them, else the step's time limit from the
 * workflow definition. Loaded by path (the module belongs to the web TypeScript project).
 */
import { describe, expect, it } from 'vitest';
import type { TicketStatus, TicketType } from '../../common/domain';
import { findStep } from '../../common/workflows';

type Input = {
  type: TicketType;
  status: TicketStatus;
  priority: number;
  slaDueAt?: string | null;
  slaRiskAt?: string | null;
  slaPausedAt?: string | null;
  slaRemainingMinutes?: number | null;
};
// By path: the module belongs to the web TypeScript project, not this (node) one.
const timeLeftPath = '../../renderer/src/features/console/sop/timeLeft.ts';
const { timeLeft, formatDuration } = (await import(/* @vite-ignore */ timeLeftPath)) as {
  timeLeft(ticket: Input, now: Date): Record<string, unknown> & { kind: string };
  formatDuration(ms: number, language: 'zh' | 'en'): string;
};

const now = new Date('2026-03-02T10:00:00+08:00');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
const repair = { type: 'repair' as const, status: 'on_site' as const, priority: 2 };

describe('timeLeft', () => {
  it('counts down to slaDueAt, at risk from slaRiskAt, breached after the deadline', () => {
    expect(timeLeft({ ...repair, slaDueAt: at(90), slaRiskAt: at(30) }, now)).toEqual({
      kind: 'due',
      dueAt: at(90),
      msLeft: 90 * 60_000,
      state: 'ok',
    });
    expect(timeLeft({ ...repair, slaDueAt: at(20), slaRiskAt: at(-5) }, now)).toMatchObject({
      kind: 'due',
      state: 'at_risk',
    });
    expect(timeLeft({ ...repair, slaDueAt: at(-61), slaRiskAt: at(-200) }, now)).toMatchObject({
      kind: 'due',
      state: 'breached',
      msLeft: -61 * 60_000,
    });
    // Exactly at the deadline is breached (100% elapsed), exactly at the risk instant is at risk (75%).
    expect(timeLeft({ ...repair, slaDueAt: at(0), slaRiskAt: at(-1) }, now)).toMatchObject({ state: 'breached' });
    expect(timeLeft({ ...repair, slaDueAt: at(5), slaRiskAt: at(0) }, now)).toMatchObject({ state: 'at_risk' });
  });

  it('shows a paused clock (on hold) with what is left on resume', () => {
    const paused = { ...repair, status: 'on_hold' as const, slaPausedAt: at(-30), slaDueAt: null };
    expect(timeLeft({ ...paused, slaRemainingMinutes: 45 }, now)).toEqual({
      kind: 'paused',
      since: at(-30),
      remainingMinutes: 45,
    });
    expect(timeLeft(paused, now)).toMatchObject({ kind: 'paused', remainingMinutes: null });
  });

  it('falls back to the step’s limit from the workflow when the ticket has no SLA fields', () => {
    for (const priority of [0, 1, 2, 3, 4]) {
      const expected = findStep('repair', 'on_site')!.limit!;
      expect(timeLeft({ ...repair, priority }, now)).toEqual({
        kind: 'limit',
        minutes: expected.minutes[priority],
        milestone: expected.milestone,
        from: expected.from,
      });
    }
    // Present but null (not computed) and unparseable values fall back the same way.
    expect(timeLeft({ ...repair, slaDueAt: null, slaRiskAt: null, slaPausedAt: null }, now)).toMatchObject({
      kind: 'limit',
      minutes: 1440,
    });
    expect(timeLeft({ ...repair, slaDueAt: 'soon' }, now)).toMatchObject({ kind: 'limit' });
  });

  it('says there is no limit where the workflow sets none', () => {
    expect(timeLeft({ type: 'fee', status: 'contacted', priority: 3 }, now)).toEqual({ kind: 'none' });
    expect(timeLeft({ type: 'repair', status: 'closed', priority: 3 }, now)).toEqual({ kind: 'none' });
  });
});

describe('formatDuration', () => {
  it('uses the two largest units, rounded down, in both languages', () => {
    expect(formatDuration(0, 'zh')).toBe('不到 1 分钟');
    expect(formatDuration(59_999, 'en')).toBe('under 1 min');
    expect(formatDuration(45 * 60_000, 'zh')).toBe('45分钟');
    expect(formatDuration(90 * 60_000, 'zh')).toBe('1小时30分钟');
    expect(formatDuration(90 * 60_000, 'en')).toBe('1 h 30 min');
    expect(formatDuration((27 * 60 + 5) * 60_000, 'zh')).toBe('1天3小时');
    expect(formatDuration(2 * 1440 * 60_000, 'en')).toBe('2 d');
    expect(formatDuration((1440 + 5) * 60_000, 'en')).toBe('1 d');
    expect(formatDuration(7 * 1440 * 60_000 + 59_000, 'zh')).toBe('7天');
  });

  it('formats an overdue (negative) span by its size', () => {
    expect(formatDuration(-61 * 60_000, 'zh')).toBe('1小时1分钟');
  });
});
