/**
 * Ticket SLA fields (common/sla/ticket-sla.ts) as applyMutation computes them: milestones per step, pauses in
 * on_hold, business time for P3+, the weather stretch, and monotonic priority classes.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Ticket, TicketType } from '../../common/domain';
import { applyMutation, parseMutation, type MutationContext } from '../../common/mutations';
import { slaBadge, slaPolicy, type TicketSlaContext } from '../../common/sla';

const ACTOR = '00000000-0000-4000-8000-000000000001';
const policy = slaPolicy({});
const calm: TicketSlaContext = { policy, weatherAlert: false };
const MIN = 60_000;
/** Thursday 2026-03-05 10:00 in Shanghai: an ordinary working day in a year chinese-days covers. */
const T0 = new Date('2026-03-05T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

/** `null`: no SLA context (the behaviour before SLA wiring). */
type Sla = TicketSlaContext | null;

function ctx(now: Date, current: Ticket | undefined, sla: Sla = calm): MutationContext {
  // A lead: these tests are about the clock, not about who may act (common/ticket-access).
  return { actorId: ACTOR, actorRole: 'lead', now, current, code: null, sla: sla ?? undefined };
}

function create(type: TicketType, priority: number, now = T0, sla: Sla = calm): Ticket {
  const m = parseMutation('ticket.create', {
    id: randomUUID(),
    eventId: randomUUID(),
    type,
    category: 'plumbing',
    channel: 'phone',
    priority,
    title: 'test',
  });
  return applyMutation(m, ctx(now, undefined, sla)).ticket;
}

function move(t: Ticket, status: Ticket['status'], now: Date, sla: Sla = calm): Ticket {
  const outputs =
    status === 'on_hold'
      ? { reason: 'waiting for parts' }
      : status === 'done'
        ? { photos: ['p.jpg'], materials: 'washer', workNotes: 'fixed' }
        : status === 'replied'
          ? { reply: 'answered in writing' }
          : status === 'closed'
            ? { followUp: { reached: true, satisfaction: 5, comment: '' } }
            : undefined;
  const m = parseMutation('ticket.setStatus', { id: t.id, eventId: randomUUID(), status, outputs });
  return applyMutation(m, ctx(now, t, sla)).ticket;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

describe('ticket SLA fields on create', () => {
  it('a P1 repair must be responded to within 15 minutes, at risk after 75% of them', () => {
    const t = create('repair', 1);
    expect(t.slaMilestone).toBe('respond');
    expect(t.slaStartedAt).toBe(T0.toISOString());
    expect(ms(t.slaDueAt)).toBe(at(15).getTime());
    expect(ms(t.slaRiskAt)).toBe(at(11.25).getTime());
    expect(t.slaProvisional).toBe(false);
    expect(t.slaPausedAt).toBeNull();
  });

  it('without an SLA context the fields keep their defaults (the previous behaviour)', () => {
    const t = create('repair', 1, T0, null);
    expect(t.slaMilestone).toBeNull();
    expect(t.slaDueAt).toBeNull();
    const moved = move(t, 'accepted', at(1), null);
    expect(moved.slaDueAt).toBeNull();
  });

  it('a ticket stored before SLA wiring gets its cycle clock from creation at its next change', () => {
    const old = create('repair', 1, T0, null);
    const moved = move(old, 'accepted', at(5));
    expect(moved.slaStartedAt).toBe(T0.toISOString());
    expect(ms(moved.slaDueAt)).toBe(at(15).getTime());
  });

  it('a P3 deadline lands in business time: Friday 17:00 + 2 office hours is Monday 10:00', () => {
    // 2026-03-06 is a Friday; office hours 08:30–17:30 (+08:00).
    const friday5pm = new Date('2026-03-06T09:00:00Z');
    const t = create('repair', 3, friday5pm);
    expect(t.slaDueAt).toBe(new Date('2026-03-09T02:00:00Z').toISOString()); // Monday 10:00 Shanghai
    // 75% of 120 office minutes = 90: 30 on Friday, 60 on Monday → 09:30.
    expect(t.slaRiskAt).toBe(new Date('2026-03-09T01:30:00Z').toISOString());
    expect(policy.calendar.isBusinessTime(Date.parse(t.slaDueAt ?? ''))).toBe(true);
  });

  it('the weather alert stretches the limit by 50%', () => {
    const stormy = create('repair', 1, T0, { policy, weatherAlert: true });
    expect(ms(stormy.slaDueAt)).toBe(at(22.5).getTime());
    const p2 = create('repair', 2, T0, { policy, weatherAlert: true });
    expect(ms(p2.slaDueAt)).toBe(at(45).getTime());
  });

  it('marks deadlines computed on a fallback-calendar year as provisional', () => {
    // chinese-days (v1.5) covers up to 2026: a P3 ticket in 2031 runs on the fallback calendar.
    const t = create('repair', 3, new Date('2031-03-05T02:00:00Z'));
    expect(t.slaProvisional).toBe(true);
    expect(create('repair', 3).slaProvisional).toBe(false);
  });

  it('priority classes are monotonic: a lower class never falls due before a higher one', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-12-01T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom<TicketType>('repair', 'complaint', 'enquiry', 'suggestion', 'praise'),
        (start, type) => {
          const dues = [0, 1, 2, 3, 4].map((p) => ms(create(type, p, start).slaDueAt) ?? Number.POSITIVE_INFINITY);
          for (let p = 1; p < dues.length; p++) expect(dues[p]).toBeGreaterThanOrEqual(dues[p - 1] ?? 0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('ticket SLA fields along the workflow', () => {
  it('respond → on site → fix count from creation; the follow-up counts from completion; closing stops it', () => {
    let t = create('repair', 2);
    t = move(t, 'accepted', at(10));
    expect(t.slaMilestone).toBe('respond');
    t = move(t, 'dispatched', at(20));
    expect(t.slaMilestone).toBe('onSite');
    expect(ms(t.slaDueAt)).toBe(at(240).getTime()); // P2 on site ≤ 4 h from creation
    t = move(t, 'acknowledged', at(30));
    t = move(t, 'on_site', at(90));
    expect(t.slaMilestone).toBe('fix');
    expect(ms(t.slaDueAt)).toBe(at(24 * 60).getTime());
    t = move(t, 'done', at(300));
    expect(t.slaMilestone).toBe('followUp');
    expect(t.slaStartedAt).toBe(at(300).toISOString());
    expect(ms(t.slaDueAt)).toBe(at(300 + 24 * 60).getTime());
    t = move(t, 'confirmed', at(400));
    expect(t.slaStartedAt).toBe(at(300).toISOString()); // still counted from completion
    t = move(t, 'closed', at(500));
    expect(t.slaMilestone).toBeNull();
    expect(t.slaDueAt).toBeNull();
  });

  it('a P3 repair has no on-site limit: once dispatched it runs against the fix limit', () => {
    let t = create('repair', 3);
    t = move(t, 'accepted', at(10));
    t = move(t, 'dispatched', at(20));
    expect(t.slaMilestone).toBe('fix');
  });

  it('complaints: reply from creation, follow-up from the written reply', () => {
    let t = create('complaint', 2);
    t = move(t, 'accepted', at(5));
    t = move(t, 'investigating', at(60));
    expect(t.slaMilestone).toBe('reply');
    expect(ms(t.slaDueAt)).toBe(at(7 * 24 * 60).getTime());
    t = move(t, 'replied', at(600));
    expect(t.slaMilestone).toBe('followUp');
    expect(ms(t.slaDueAt)).toBe(at(600 + 24 * 60).getTime());
  });

  it('on_hold pauses the clock and resuming extends the deadline by the paused span', () => {
    let t = create('repair', 1);
    t = move(t, 'accepted', at(2));
    const dueBefore = ms(t.slaDueAt);
    expect(dueBefore).toBe(at(15).getTime());
    t = move(t, 'on_hold', at(5));
    expect(t.slaDueAt).toBeNull();
    expect(t.slaRiskAt).toBeNull();
    expect(t.slaPausedAt).toBe(at(5).toISOString());
    expect(t.slaRemainingMinutes).toBe(10);
    expect(slaBadge(t, at(50))).toEqual({ state: 'paused', minutes: 10 });
    t = move(t, 'accepted', at(65));
    expect(t.slaPausedAt).toBeNull();
    expect(t.slaRemainingMinutes).toBeNull();
    expect(ms(t.slaDueAt)).toBe(at(75).getTime()); // 15 + the 60 paused minutes
    expect(t.slaPauses).toEqual([{ start: at(5).toISOString(), end: at(65).toISOString() }]);
  });

  it('a hold after the deadline passed does not move it, and leaves nothing remaining', () => {
    let t = create('repair', 1);
    t = move(t, 'accepted', at(2));
    t = move(t, 'on_hold', at(30));
    expect(t.slaRemainingMinutes).toBe(0);
    t = move(t, 'dispatched', at(90));
    // On site ≤ 1 h from creation, the 60 held minutes excluded: 120 min after creation.
    expect(ms(t.slaDueAt)).toBe(at(120).getTime());
  });

  it('pausing never yields negative elapsed time or more remaining time than the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 })), {
          minLength: 1,
          maxLength: 5,
        }),
        (priority, spans) => {
          let t = create('repair', priority);
          t = move(t, 'accepted', at(1));
          let clock = 1;
          const limit = policy.limitMinutes('repair', priority, 'respond') ?? 0;
          for (const [run, held] of spans) {
            clock += run;
            t = move(t, 'on_hold', at(clock));
            expect(t.slaRemainingMinutes ?? 0).toBeGreaterThanOrEqual(0);
            expect(t.slaRemainingMinutes ?? 0).toBeLessThanOrEqual(limit + 1e-6);
            clock += held;
            const dueBefore = t.slaPauses.length;
            t = move(t, 'accepted', at(clock));
            expect(t.slaPauses.length).toBe(dueBefore);
            const state = policy.state({
              type: 'repair',
              priority,
              milestone: 'respond',
              start: new Date(t.slaStartedAt ?? ''),
              pauses: t.slaPauses.map((p) => ({ start: new Date(p.start), end: p.end ? new Date(p.end) : null })),
              now: at(clock),
            });
            expect(state?.elapsedMinutes ?? -1).toBeGreaterThanOrEqual(0);
            // The deadline never comes before the clock started.
            expect(ms(t.slaDueAt) ?? 0).toBeGreaterThanOrEqual(ms(t.slaStartedAt) ?? 0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a priority edit recomputes the deadline of the running milestone', () => {
    const t = create('repair', 2);
    // Raising to P1 needs a reason (common/ticket-access).
    const m = parseMutation('ticket.edit', { id: t.id, eventId: randomUUID(), priority: 1, reason: '住户家中积水' });
    const edited = applyMutation(m, ctx(at(3), t)).ticket;
    expect(edited.slaStartedAt).toBe(t.slaStartedAt);
    expect(ms(edited.slaDueAt)).toBe(at(15).getTime());
  });
});

describe('slaBadge', () => {
  it('reads ok, at risk and overdue from the stored instants', () => {
    const t = create('repair', 1);
    expect(slaBadge(t, at(5)).state).toBe('ok');
    expect(slaBadge(t, at(12)).state).toBe('at_risk');
    expect(slaBadge(t, at(20))).toEqual({ state: 'overdue', minutes: -5 });
    expect(slaBadge(create('fee', 2), at(0)).state).toBe('none');
  });
});
