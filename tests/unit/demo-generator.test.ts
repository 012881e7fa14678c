import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODE_PREFIX, shanghaiDate, TEAM_IDS } from '../../common/domain';
import { awaitingFollowUp, canTransition, isOpen, WORKFLOWS } from '../../common/workflows';
import { generateDemo, type DemoData } from '../../server/seed/generate';

const NOW = new Date('2026-11-26T10:00:00+08:00');
const hash = (d: DemoData) => createHash('sha256').update(JSON.stringify(d)).digest('hex');

describe('demo generator (small)', () => {
  let data: DemoData;
  beforeAll(() => {
    data = generateDemo({ seed: 42, size: 'small', now: NOW });
  });

  it('is deterministic: same seed, size and now give identical data', () => {
    const again = generateDemo({ seed: 42, size: 'small', now: NOW });
    expect(hash(again)).toBe(hash(data));
    expect(again.tickets.slice(0, 50)).toEqual(data.tickets.slice(0, 50));
  });

  it('differs for another seed', () => {
    const other = generateDemo({ seed: 43, size: 'small', now: NOW });
    expect(hash(other)).not.toBe(hash(data));
    expect(other.users[0]?.id).not.toBe(data.users[0]?.id);
  });

  it('has counts in the expected ranges', () => {
    expect(data.projects).toHaveLength(3);
    expect(data.buildings.length).toBeGreaterThanOrEqual(30);
    expect(data.buildings.length).toBeLessThanOrEqual(50);
    expect(data.units.length).toBeGreaterThanOrEqual(7_000);
    expect(data.units.length).toBeLessThanOrEqual(9_000);
    expect(data.residents.length).toBeGreaterThanOrEqual(14_000);
    expect(data.residents.length).toBeLessThanOrEqual(16_000);
    expect(data.tickets).toHaveLength(5_000);
    expect(data.calls.length).toBeGreaterThanOrEqual(6_500);
    expect(data.calls.length).toBeLessThanOrEqual(8_500);
    expect(data.ticketEvents.length).toBeGreaterThan(data.tickets.length * 3);
  });

  it('has the teams and demo accounts the product expects', () => {
    expect(data.teams.map((t) => t.id).sort()).toEqual([...TEAM_IDS].sort());
    const byName = new Map(data.users.map((u) => [u.username, u]));
    for (let i = 1; i <= 20; i++) {
      const agent = byName.get(`agent${String(i).padStart(2, '0')}`);
      expect(agent).toMatchObject({ role: 'agent', extension: String(8000 + i), teamId: 'cs' });
    }
    for (const name of ['lead01', 'lead02', 'lead03']) expect(byName.get(name)?.role).toBe('lead');
    expect(byName.get('kiosk01')?.role).toBe('kiosk');
    expect(byName.get('admin')?.role).toBe('admin');
    expect(data.users.filter((u) => u.role === 'technician').length).toBeGreaterThanOrEqual(10);
    expect(new Set(data.users.map((u) => u.id)).size).toBe(data.users.length);
  });

  it('codes units building-entrance-room, unique per project', () => {
    const seen = new Set<string>();
    for (const u of data.units) {
      expect(u.code).toMatch(/^\d{1,2}-\d-\d{3,4}$/);
      const key = `${u.projectId}/${u.code}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('gives every phone a valid E.164 form, and uuids are v4-formatted', () => {
    expect(data.residentPhones.length).toBeGreaterThan(data.residents.length * 0.9);
    for (const p of data.residentPhones) expect(p.e164).toMatch(/^\+86\d{9,11}$/);
    const landlines = data.residentPhones.filter((p) => p.e164 && !/^\+861\d{10}$/.test(p.e164));
    expect(landlines.length).toBeGreaterThan(100);
    const rawFormats = new Set(data.residentPhones.map((p) => p.raw.replace(/\d/g, '9')));
    expect(rawFormats.size).toBeGreaterThan(5);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const t of data.tickets.slice(0, 500)) expect(t.id).toMatch(uuid);
    for (const e of data.ticketEvents.slice(0, 500)) expect(e.id).toMatch(uuid);
  });

  it('gives tickets statuses valid for their type, with histories that follow the workflow', () => {
    const events = new Map<string, DemoData['ticketEvents']>();
    for (const e of data.ticketEvents) {
      const list = events.get(e.ticketId) ?? [];
      list.push(e);
      events.set(e.ticketId, list);
    }
    const now = NOW.getTime();
    for (const t of data.tickets) {
      expect(Object.keys(WORKFLOWS[t.type])).toContain(t.status);
      const list = events.get(t.id) ?? [];
      expect(list[0]?.kind).toBe('created');
      let status = 'new';
      let prev = '';
      for (const e of list) {
        expect(e.createdAt > prev).toBe(true);
        prev = e.createdAt;
        if (e.kind === 'status') {
          expect(e.data.from).toBe(status);
          expect(canTransition(t.type, status as never, e.data.to as never)).toBe(true);
          status = e.data.to as string;
        }
      }
      expect(status).toBe(t.status);
      expect(Date.parse(prev)).toBeLessThanOrEqual(now);
      expect(t.updatedAt).toBe(prev);
      expect(t.closedAt === null).toBe(isOpen(t.status));
    }
  });

  it('codes tickets uniquely by type prefix and Shanghai day, and counters continue after them', () => {
    const codes = new Set<string>();
    for (const t of data.tickets) {
      expect(t.code).toMatch(/^[A-Z]{2}-\d{8}-\d{4}$/);
      expect(
        t.code.startsWith(`${CODE_PREFIX[t.type]}-${shanghaiDate(new Date(t.createdAt)).replaceAll('-', '')}-`),
      ).toBe(true);
      codes.add(t.code);
    }
    expect(codes.size).toBe(data.tickets.length);
    const counters = new Map(data.ticketCodeCounters.map((c) => [c.prefixDay, c.last]));
    for (const t of data.tickets) {
      const prefixDay = `${CODE_PREFIX[t.type]}-${shanghaiDate(new Date(t.createdAt))}`;
      expect(Number(t.code.slice(12))).toBeLessThanOrEqual(counters.get(prefixDay) ?? 0);
    }
  });

  it('has realistic proportions and an open backlog, some of it for agent01', () => {
    const share = (pred: (t: DemoData['tickets'][number]) => boolean) =>
      data.tickets.filter(pred).length / data.tickets.length;
    expect(share((t) => t.type === 'repair')).toBeGreaterThan(0.5);
    expect(share((t) => t.type === 'repair')).toBeLessThan(0.6);
    expect(share((t) => t.channel === 'phone')).toBeGreaterThan(0.45);
    expect(share((t) => t.priority === 2 || t.priority === 3)).toBeGreaterThan(0.8);
    const p0 = data.tickets.filter((t) => t.priority === 0);
    expect(p0.length).toBeGreaterThan(0);
    expect(p0.length / data.tickets.length).toBeLessThan(0.02);

    // ~10 tickets a day: a live desk of this size has a few dozen open, not hundreds.
    const open = data.tickets.filter((t) => isOpen(t.status));
    expect(open.length).toBeGreaterThanOrEqual(25);
    expect(open.length).toBeLessThanOrEqual(90);
    expect(new Set(open.map((t) => t.status)).size).toBeGreaterThanOrEqual(8);
    expect(open.some((t) => t.assigneeId === null)).toBe(true);
    const agent01 = data.users.find((u) => u.username === 'agent01');
    expect(open.filter((t) => t.assigneeId === agent01?.id).length).toBeGreaterThanOrEqual(2);

    const twoWeeksAgo = NOW.getTime() - 14 * 86_400_000;
    const old = data.tickets.filter((t) => Date.parse(t.createdAt) < twoWeeksAgo);
    expect(old.filter((t) => isOpen(t.status)).length / old.length).toBeLessThan(0.1);
  });

  it('links tickets and calls to existing rows', () => {
    const units = new Map(data.units.map((u) => [u.id, u]));
    const residents = new Map(data.residents.map((r) => [r.id, r]));
    const tickets = new Set(data.tickets.map((t) => t.id));
    for (const t of data.tickets) {
      if (t.unitId) expect(units.get(t.unitId)?.code).toBe(t.unitCode);
      if (t.residentId) expect(residents.get(t.residentId)?.name).toBe(t.residentName);
      expect(t.title).not.toMatch(/[{}]/);
      expect(t.description).not.toMatch(/[{}]/);
    }
    for (const c of data.calls) {
      if (c.ticketId) expect(tickets.has(c.ticketId)).toBe(true);
      if (c.residentId) expect(residents.has(c.residentId)).toBe(true);
    }
    expect(data.calls.filter((c) => c.ticketId).length).toBeGreaterThan(data.calls.length * 0.3);
    const missed = data.calls.filter((c) => c.missed).length / data.calls.length;
    expect(missed).toBeGreaterThan(0.01);
    expect(missed).toBeLessThan(0.1);
    expect(new Set(data.calls.map((c) => c.callId)).size).toBe(data.calls.length);
    const now = NOW.toISOString();
    for (const c of data.calls) {
      expect(c.startedAt <= (c.answeredAt ?? c.startedAt)).toBe(true);
      expect((c.answeredAt ?? c.startedAt) <= (c.endedAt ?? '')).toBe(true);
      expect((c.endedAt ?? '') < now).toBe(true);
      if (c.fromE164) expect(c.fromE164).toMatch(/^\+86\d{9,11}$/);
    }
  });
});

const DAY = 86_400_000;
const HOUR = 3_600_000;
type Ticket = DemoData['tickets'][number];

/** The figures an agent sees on the first screen, by the cache's view definitions (main/cache/tickets.ts). */
function desk(data: DemoData, now: Date) {
  const nowMs = now.getTime();
  const open = data.tickets.filter((t) => isOpen(t.status));
  const due = (t: Ticket) => (t.sla.slaDueAt === null ? Number.POSITIVE_INFINITY : Date.parse(t.sla.slaDueAt));
  const overdue = open.filter((t) => due(t) < nowMs);
  const atRisk = open.filter(
    (t) => due(t) > nowMs && Number.isFinite(due(t)) && Date.parse(t.sla.slaRiskAt ?? '') <= nowMs,
  );
  const followUp = open.filter((t) => awaitingFollowUp(t));
  const waiting = open.filter((t) => !awaitingFollowUp(t) && (t.status === 'on_hold' || t.status === 'promised'));
  const recentlyClosed = data.tickets.filter((t) => t.closedAt !== null && Date.parse(t.closedAt) >= nowMs - 7 * DAY);
  // Time each open ticket spent waiting on the resident or on hold, from its status events.
  const openIds = new Set(open.map((t) => t.id));
  const waited = new Map<string, number>();
  const since = new Map<string, number>();
  for (const e of data.ticketEvents) {
    if (e.kind !== 'status' || !openIds.has(e.ticketId)) continue;
    const at = Date.parse(e.createdAt);
    const from = since.get(e.ticketId);
    if (from !== undefined) {
      waited.set(e.ticketId, (waited.get(e.ticketId) ?? 0) + at - from);
      since.delete(e.ticketId);
    }
    if (e.data.to === 'on_hold' || e.data.to === 'promised') since.set(e.ticketId, at);
  }
  const age = (t: Ticket) => nowMs - Date.parse(t.createdAt);
  const todayStart = Math.floor((nowMs + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  return {
    open,
    overdue,
    atRisk,
    followUp,
    waiting,
    recentlyClosed,
    /** Open tickets not waiting now, by age not counting time on hold or waiting on the resident. */
    activeAges: open.filter((t) => !waiting.includes(t)).map((t) => (age(t) - (waited.get(t.id) ?? 0)) / DAY),
    maxOpenAgeDays: Math.max(...open.map(age)) / DAY,
    maxOverdueHours: Math.max(0, ...overdue.map((t) => (nowMs - due(t)) / HOUR)),
    createdToday: data.tickets.filter((t) => Date.parse(t.createdAt) >= todayStart).length,
  };
}

describe('demo generator: a live front desk on the day it is started', () => {
  const NOWS: [string, Date][] = [
    ['a weekday morning', new Date('2026-11-26T10:00:00+08:00')],
    ['a Monday morning', new Date('2026-11-23T09:00:00+08:00')],
    ['a Sunday night', new Date('2026-11-29T22:30:00+08:00')],
    ['the first working day after the Spring Festival', new Date('2026-02-24T09:30:00+08:00')],
  ];
  const SEEDS = [42, 7, 20261126];
  const cases = SEEDS.flatMap((seed) => NOWS.map(([label, now]) => ({ seed, label, now })));
  const generated = new Map<string, DemoData>();
  const get = (seed: number, now: Date) => {
    const key = `${seed}@${now.toISOString()}`;
    let d = generated.get(key);
    if (!d) generated.set(key, (d = generateDemo({ seed, size: 'small', now })));
    return d;
  };

  it.each(cases)('seed $seed, $label: today busy, open work recent, a handful late', ({ seed, now }) => {
    const data = get(seed, now);
    const nowMs = now.getTime();
    const d = desk(data, now);
    // Nothing from the future; today's tickets up to now.
    expect(data.tickets.every((t) => Date.parse(t.createdAt) <= nowMs)).toBe(true);
    expect(d.createdToday).toBeGreaterThanOrEqual(1);
    // The inbox: a few dozen, recent; older ones only paused (on hold, a promised payment date) or just resumed.
    expect(d.open.length).toBeGreaterThanOrEqual(25);
    expect(d.open.length).toBeLessThanOrEqual(90);
    expect(d.maxOpenAgeDays).toBeLessThan(60);
    expect(d.activeAges.filter((a) => a < 7).length / d.activeAges.length).toBeGreaterThanOrEqual(0.8);
    // Late by minutes to a few days, never by months; a share of the open work, not most of it.
    expect(d.maxOverdueHours).toBeLessThanOrEqual(4 * 24);
    expect(d.overdue.length / d.open.length).toBeLessThanOrEqual(0.2);
    // Follow-up calls due, residents being waited on, a week of closed work.
    expect(d.followUp.length).toBeGreaterThanOrEqual(1);
    expect(d.waiting.length).toBeGreaterThanOrEqual(1);
    expect(d.recentlyClosed.length).toBeGreaterThanOrEqual(30);
    expect(d.recentlyClosed.length).toBeLessThanOrEqual(150);
  });

  it('has tickets at risk and overdue across those days, a few per cent of the open ones', () => {
    const figures = cases.map(({ seed, now }) => desk(get(seed, now), now));
    const atRisk = figures.map((f) => f.atRisk.length);
    const overdue = figures.map((f) => f.overdue.length);
    // With ~45 open tickets both are small numbers: now and then none, mostly a handful.
    expect(atRisk.filter((n) => n > 0).length).toBeGreaterThanOrEqual(cases.length * 0.7);
    expect(overdue.filter((n) => n > 0).length).toBeGreaterThanOrEqual(cases.length * 0.7);
    expect(Math.max(...atRisk)).toBeGreaterThanOrEqual(2);
    const share = figures.reduce((a, f) => a + f.overdue.length / f.open.length, 0) / figures.length;
    expect(share).toBeGreaterThanOrEqual(0.02);
    expect(share).toBeLessThanOrEqual(0.12);
    // On a weekday morning there is something to chase.
    for (const seed of SEEDS) {
      const now = NOWS[0]![1];
      const f = desk(get(seed, now), now);
      expect(f.atRisk.length + f.overdue.length, `seed ${seed}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps two years of history: every month has tickets, old ones closed with their whole story', () => {
    for (const seed of SEEDS) {
      const now = NOWS[0]![1];
      const data = get(seed, now);
      const nowMs = now.getTime();
      const first = Date.parse(data.tickets[0]!.createdAt);
      expect(nowMs - first).toBeGreaterThan(725 * DAY);
      expect(nowMs - first).toBeLessThanOrEqual(730 * DAY);
      // Per 30 days: from ~100 two years ago to ~300 lately (the company grew), none empty or piled up.
      const months = new Array<number>(24).fill(0);
      for (const t of data.tickets) {
        const m = Math.floor((nowMs - Date.parse(t.createdAt)) / (30 * DAY));
        if (m < 24) months[m]!++;
      }
      for (const n of months) {
        expect(n).toBeGreaterThanOrEqual(70);
        expect(n).toBeLessThanOrEqual(340);
      }
      expect(months[0]!).toBeGreaterThan(months[23]!);
      // Everything older than two months is closed or cancelled, most through the whole workflow.
      const old = data.tickets.filter((t) => Date.parse(t.createdAt) < nowMs - 60 * DAY);
      expect(old.every((t) => !isOpen(t.status))).toBe(true);
      expect(old.filter((t) => t.status === 'closed').length / old.length).toBeGreaterThan(0.9);
      const steps = new Map<string, number>();
      for (const e of data.ticketEvents)
        if (e.kind === 'status') steps.set(e.ticketId, (steps.get(e.ticketId) ?? 0) + 1);
      const repairs = old.filter((t) => t.type === 'repair' && t.status === 'closed');
      expect(repairs.every((t) => (steps.get(t.id) ?? 0) >= 7)).toBe(true);
    }
  });

  it('is deterministic for any now, and moves with it', () => {
    const [, sunday] = NOWS[2]!;
    const again = generateDemo({ seed: 7, size: 'small', now: sunday });
    expect(hash(again)).toBe(hash(get(7, sunday)));
    expect(hash(get(7, NOWS[0]![1]))).not.toBe(hash(again));
  });
});
