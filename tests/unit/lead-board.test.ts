/**
 * The lead board's computations (issue 12 item 1): the pure rules (risk, load, ordering, undo) and the board the
 * desk computes from its cache — queue counts, agent cards (presence, call, load, handled today), the SLA-risk
 * list — plus bulk moves through the outbox and the reassignment notice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Call, type Presence, type Ticket, type User } from '../../common/domain';
import {
  loadLevel,
  minutesLeft,
  orderAgents,
  riskAt,
  undoGroups,
  type AgentCard,
  type Move,
  type ReassignTarget,
} from '../../common/lead/board';
import { BOARD_SQL, createBoardQuery } from '../../main/lead/board-query';
import type { CacheDb } from '../../main/cache/db';
import { createReassignNotices } from '../../main/lead/notices';
import { createReassigner } from '../../main/lead/reassign';
import { createOutbox } from '../../main/sync/outbox';
import { createTicketShadow } from '../../main/sync/shadow';
import { openTempCache, testTicket } from '../support/cache';

const NOW = Date.UTC(2026, 10, 26, 6, 0);
const MIDNIGHT = Date.UTC(2026, 10, 26, 0, 0);
const iso = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();

const user = (n: number, patch: Partial<User> = {}): User => ({
  id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  username: `u${n}`,
  name: `坐席${n}`,
  role: 'agent',
  extension: null,
  teamId: 'cs',
  ...patch,
});
const LEAD = user(1, { role: 'lead', name: '组长' });
const AGENT_A = user(2, { skills: ['plumbing'], capacity: 4 });
const AGENT_B = user(3);
const TECH = user(4, { role: 'technician' });

/** A running clock: due in `due` minutes, at risk from `risk` minutes (relative to NOW). */
const clock = (due: number, risk: number): Partial<Ticket> => ({
  slaMilestone: 'respond',
  slaStartedAt: iso(-600),
  slaDueAt: iso(due),
  slaRiskAt: iso(risk),
});

const temps: { dispose(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.dispose();
});

function setup(actor: User = LEAD) {
  const temp = openTempCache('desk-lead-');
  temps.push(temp);
  const { repos } = temp;
  for (const u of [LEAD, AGENT_A, AGENT_B, TECH]) repos.staff.putUser(u);
  const outbox = createOutbox(repos.db, repos.tickets, createTicketShadow(repos.db, repos.tickets), {
    actor: () => actor,
  });
  return { repos, outbox, query: createBoardQuery(repos), reassigner: createReassigner(repos, outbox) };
}

describe('board rules', () => {
  it('a deadline is breached once past, at risk from its at-risk instant, else fine', () => {
    expect(riskAt(NOW - 1, NOW - 100, NOW)).toBe('breached');
    expect(riskAt(NOW + 1, NOW, NOW)).toBe('at_risk');
    expect(riskAt(NOW + 1, NOW + 1, NOW)).toBeNull();
    expect(riskAt(NOW + 1, null, NOW)).toBeNull();
    expect(minutesLeft(NOW + 90 * 60_000, NOW)).toBe(90);
    expect(minutesLeft(NOW - 30_000, NOW)).toBe(-1);
  });

  it('load against capacity: free below 75%, busy from it, full at it, over beyond', () => {
    expect([0, 2, 3, 4, 5].map((n) => loadLevel(n, 4))).toEqual(['free', 'free', 'busy', 'full', 'over']);
    expect(loadLevel(0, 0)).toBe('full');
  });

  it('orders agents reachable first, then the least loaded, then by name', () => {
    const card = (name: string, presence: AgentCard['presence'], openLoad: number): AgentCard => ({
      userId: name,
      name,
      role: 'agent',
      teamId: null,
      skills: [],
      capacity: 10,
      presence,
      presenceSince: null,
      wrapUpUntil: null,
      call: null,
      openLoad,
      handledToday: 0,
    });
    const ordered = orderAgents([
      card('d', 'offline', 0),
      card('c', 'available', 5),
      card('b', 'on_call', 0),
      card('a', 'available', 5),
      card('e', 'available', 1),
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['e', 'a', 'c', 'b', 'd']);
  });

  it('undo puts each ticket back with the agent it came from', () => {
    const moves: Move[] = [
      { id: 't1', code: null, from: 'a', to: 'x' },
      { id: 't2', code: null, from: null, to: 'x' },
      { id: 't3', code: null, from: 'a', to: 'x' },
    ];
    expect(undoGroups(moves)).toEqual([
      { assigneeId: 'a', ids: ['t1', 't3'] },
      { assigneeId: null, ids: ['t2'] },
    ]);
  });
});

describe('the board from the cache', () => {
  it('counts open, unassigned, at-risk and breached per team queue', () => {
    const { repos, query } = setup();
    repos.tickets.put(testTicket(1, { teamId: 'plumbing', ...clock(-30, -60) })); // breached, unassigned
    repos.tickets.put(testTicket(2, { teamId: 'plumbing', assigneeId: AGENT_A.id, ...clock(20, -10) })); // at risk
    repos.tickets.put(testTicket(3, { teamId: 'plumbing', assigneeId: AGENT_A.id, ...clock(300, 200) })); // fine
    repos.tickets.put(testTicket(4, { teamId: 'lift', ...clock(300, 200) }));
    repos.tickets.put(testTicket(5, { teamId: 'lift', status: 'closed', closedAt: iso(-5), ...clock(-30, -60) }));
    repos.tickets.put(testTicket(6, { teamId: null }));
    const board = query.board(new Date(NOW), MIDNIGHT, 0);
    expect(board.queues).toEqual([
      { teamId: null, open: 1, unassigned: 1, atRisk: 0, breached: 0 },
      { teamId: 'lift', open: 1, unassigned: 1, atRisk: 0, breached: 0 },
      { teamId: 'plumbing', open: 3, unassigned: 1, atRisk: 1, breached: 1 },
    ]);
  });

  it('lists risky tickets least time left first, with step, milestone and owner, and nothing fine or closed', () => {
    const { repos, query } = setup();
    repos.tickets.put(testTicket(1, { status: 'accepted', assigneeId: AGENT_B.id, ...clock(20, -10) }));
    repos.tickets.put(testTicket(2, { ...clock(-30, -60) }));
    repos.tickets.put(testTicket(3, { ...clock(300, 200) }));
    repos.tickets.put(testTicket(4, { status: 'closed', closedAt: iso(-1), ...clock(-90, -100) }));
    repos.tickets.put(testTicket(5, { ...clock(5, -1) }));
    const risk = query.board(new Date(NOW), MIDNIGHT, 0).risk;
    expect(risk.map((r) => [r.title, r.risk, r.minutesLeft])).toEqual([
      ['t2', 'breached', -30],
      ['t5', 'at_risk', 5],
      ['t1', 'at_risk', 20],
    ]);
    expect(risk[2]).toMatchObject({ status: 'accepted', milestone: 'respond', assigneeId: AGENT_B.id });
  });

  it('shows desk staff only, with presence, current call, wrap-up, load against capacity and handled today', () => {
    const { repos, query } = setup();
    const call = Call.parse({
      id: '20000000-0000-4000-8000-000000000001',
      callId: 'pbx-1',
      direction: 'inbound',
      from: '138****5678',
      to: '4008001234',
      agentId: AGENT_A.id,
      residentId: null,
      ticketId: null,
      startedAt: iso(-3),
      answeredAt: iso(-2),
      endedAt: null,
      missed: false,
      notes: '',
      loggedAt: iso(-3),
    });
    repos.calls.put(call);
    const presence = (userId: string, patch: Partial<Presence>): Presence => ({
      userId,
      state: 'available',
      since: iso(-10),
      wrapUpUntil: null,
      callId: null,
      ...patch,
    });
    repos.presence.put(presence(AGENT_A.id, { state: 'on_call', callId: call.id }));
    repos.presence.put(presence(AGENT_B.id, { state: 'wrap_up', wrapUpUntil: iso(1), callId: null }));
    for (let n = 1; n <= 3; n++) repos.tickets.put(testTicket(n, { assigneeId: AGENT_A.id }));
    repos.tickets.put(testTicket(4, { assigneeId: AGENT_A.id, status: 'closed', closedAt: iso(-60) }));
    repos.tickets.put(testTicket(5, { assigneeId: AGENT_A.id, status: 'closed', closedAt: iso(-7 * 60) })); // yesterday
    const agents = query.board(new Date(NOW), MIDNIGHT, 0).agents;
    expect(agents.map((a) => a.name)).toEqual(['坐席2', '坐席3', '组长']);
    expect(agents[0]).toMatchObject({
      presence: 'on_call',
      skills: ['plumbing'],
      capacity: 4,
      openLoad: 3,
      handledToday: 1,
      call: { id: call.id, from: '138****5678', direction: 'inbound' },
    });
    expect(agents[1]).toMatchObject({ presence: 'wrap_up', wrapUpUntil: iso(1), capacity: 10, openLoad: 0 });
    expect(agents[2]).toMatchObject({ presence: 'offline', call: null });
  });
});

describe('re-reading tickets only after they changed', () => {
  /** The board over a cache whose statements count how often they read the tickets table. */
  function countingTicketReads(repos: ReturnType<typeof setup>['repos']) {
    const reads = { n: 0 };
    const db = new Proxy(repos.db, {
      get(target, key, receiver) {
        if (key !== 'prepare') return Reflect.get(target, key, receiver) as unknown;
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!/\bFROM tickets\b/.test(sql)) return statement;
          return new Proxy(statement, {
            get(s, k, r) {
              const value = Reflect.get(s, k, r) as unknown;
              if ((k !== 'all' && k !== 'get') || typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                reads.n++;
                return (value as (...a: unknown[]) => unknown).apply(s, args);
              };
            },
          });
        };
      },
    }) as CacheDb;
    return { reads, query: createBoardQuery({ ...repos, db }) };
  }

  it('a presence change reads no ticket, however late, until the tickets change or a deadline comes', () => {
    const { repos } = setup();
    repos.tickets.put(testTicket(1, { teamId: 'lift', ...clock(120, 60) }));
    const { reads, query } = countingTicketReads(repos);
    expect(query.board(new Date(NOW), MIDNIGHT, 1).queues).toMatchObject([{ teamId: 'lift', open: 1, atRisk: 0 }]);
    const first = reads.n;
    expect(first).toBeGreaterThan(0);
    repos.tickets.put(testTicket(2, { teamId: 'lift' })); // not announced yet: the same tickets version
    repos.presence.put({ userId: AGENT_B.id, state: 'break', since: iso(0), wrapUpUntil: null, callId: null });
    // 59 minutes on, still before ticket 1's at-risk instant: nothing in the figures can have moved.
    const later = query.board(new Date(NOW + 59 * 60_000), MIDNIGHT, 1);
    expect(reads.n).toBe(first);
    expect(later.agents.find((a) => a.userId === AGENT_B.id)?.presence).toBe('break');
    expect(later.queues).toMatchObject([{ teamId: 'lift', open: 1 }]);
    // The tickets changed: read again.
    expect(query.board(new Date(NOW + 59 * 60_000), MIDNIGHT, 2).queues).toMatchObject([{ teamId: 'lift', open: 2 }]);
    expect(reads.n).toBeGreaterThan(first);
  });

  it('reads the tickets again when an at-risk instant or a deadline comes, or a new day starts', () => {
    const { repos, query } = setup();
    repos.tickets.put(testTicket(1, { teamId: 'lift', ...clock(120, 60) }));
    const at = (minutes: number, midnight = MIDNIGHT) => query.board(new Date(NOW + minutes * 60_000), midnight, 1);
    expect(at(0).queues).toMatchObject([{ atRisk: 0, breached: 0 }]);
    expect(at(0).risk).toEqual([]);
    expect(at(60).queues).toMatchObject([{ atRisk: 1, breached: 0 }]);
    expect(at(90).risk).toMatchObject([{ risk: 'at_risk', minutesLeft: 30 }]);
    expect(at(119).risk).toMatchObject([{ minutesLeft: 1 }]);
    expect(at(120.01).queues).toMatchObject([{ atRisk: 0, breached: 1 }]);
    expect(at(121.5).risk).toMatchObject([{ risk: 'breached', minutesLeft: -2 }]);
    repos.tickets.put(testTicket(2, { status: 'closed', assigneeId: AGENT_A.id, closedAt: iso(-60 * 24) }));
    // Closed yesterday, unannounced: counted once the day (not the version) moves back to yesterday's midnight.
    const handled = (midnight: number) =>
      at(122, midnight).agents.find((a) => a.userId === AGENT_A.id)?.handledToday ?? -1;
    expect(handled(MIDNIGHT)).toBe(0);
    expect(handled(MIDNIGHT - 86_400_000)).toBe(1);
  });

  it('counts queues and loads from the board indexes alone, never the tickets rows', () => {
    const { repos } = setup();
    const plan = (sql: string) =>
      repos.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({ now: NOW, since: MIDNIGHT, limit: 50 })
        .map((r) => (r as { detail: string }).detail)
        .join(' | ');
    expect(plan(BOARD_SQL.queues)).toMatch(/USING COVERING INDEX tickets_board_queue/);
    expect(plan(BOARD_SQL.queues)).not.toMatch(/TEMP B-TREE/);
    expect(plan(BOARD_SQL.loads)).toMatch(/USING COVERING INDEX tickets_board_load/);
    expect(plan(BOARD_SQL.nextRisk)).toMatch(/INDEX tickets_board_risk_at/);
    expect(plan(BOARD_SQL.nextDue)).toMatch(/INDEX tickets_by_open_sla/);
  });
});

describe('bulk moves through the outbox', () => {
  it('moves a queue with a reason, one queued assign per open ticket carrying reason and scope', () => {
    const { repos, outbox, reassigner } = setup();
    repos.tickets.put(testTicket(1, { teamId: 'plumbing', assigneeId: AGENT_A.id }));
    repos.tickets.put(testTicket(2, { teamId: 'plumbing' }));
    repos.tickets.put(testTicket(3, { teamId: 'plumbing', assigneeId: AGENT_B.id })); // already there
    repos.tickets.put(testTicket(4, { teamId: 'lift' }));
    const target = { kind: 'queue', teamId: 'plumbing' } as const;
    expect(() => reassigner.reassign({ target, assigneeId: AGENT_B.id }, LEAD.id)).toThrow(/reason/);
    expect(outbox.count()).toBe(0);
    const result = reassigner.reassign({ target, assigneeId: AGENT_B.id, reason: '下班交接' }, LEAD.id);
    expect(result.moved.map((m) => [m.id, m.from])).toEqual([
      [testTicket(1).id, AGENT_A.id],
      [testTicket(2).id, null],
    ]);
    expect(outbox.pending().map((e) => e.args)).toMatchObject([
      { id: testTicket(1).id, assigneeId: AGENT_B.id, reason: '下班交接', scope: 'queue' },
      { id: testTicket(2).id, assigneeId: AGENT_B.id, reason: '下班交接', scope: 'queue' },
    ]);
    expect(repos.tickets.get(testTicket(4).id)?.assigneeId).toBeNull();
    expect(repos.tickets.events(testTicket(1).id).at(-1)).toMatchObject({ kind: 'assign', body: '下班交接' });
  });

  it('moves a selection as `selection`, needing a reason; one ticket alone needs none unless someone holds it', () => {
    const { repos, outbox, reassigner } = setup();
    repos.tickets.put(testTicket(1));
    repos.tickets.put(testTicket(2, { assigneeId: AGENT_A.id }));
    const both: ReassignTarget = { kind: 'tickets', ids: [testTicket(1).id, testTicket(2).id] };
    expect(() => reassigner.reassign({ target: both, assigneeId: AGENT_B.id }, LEAD.id)).toThrow(/reason/);
    expect(
      reassigner.reassign({ target: both, assigneeId: AGENT_B.id, reason: '均衡负载' }, LEAD.id).moved,
    ).toHaveLength(2);
    expect(outbox.pending().map((e) => (e.args as { scope?: string }).scope)).toEqual(['selection', 'selection']);
    repos.tickets.put(testTicket(3));
    const one: ReassignTarget = { kind: 'tickets', ids: [testTicket(3).id] };
    expect(reassigner.reassign({ target: one, assigneeId: AGENT_A.id }, LEAD.id).moved).toHaveLength(1);
    expect(outbox.pending().at(-1)?.args).not.toHaveProperty('scope');
    // Someone holds it now: the shared rules ask the lead for a reason.
    expect(reassigner.reassign({ target: one, assigneeId: AGENT_B.id }, LEAD.id).refused).toMatchObject([
      { code: 'reason_required' },
    ]);
  });

  it("an agent's queue move is refused by the shared rules, ticket by ticket, and nothing is queued", () => {
    const { repos, outbox, reassigner } = setup(AGENT_A);
    repos.tickets.put(testTicket(1, { teamId: 'plumbing' }));
    const result = reassigner.reassign(
      { target: { kind: 'queue', teamId: 'plumbing' }, assigneeId: AGENT_B.id, reason: 'x' },
      AGENT_A.id,
    );
    expect(result).toMatchObject({ moved: [], refused: [{ id: testTicket(1).id, code: 'forbidden' }] });
    expect(outbox.count()).toBe(0);
  });
});

describe('reassignment notices', () => {
  const assignEvent = (n: number, author: string, data: Record<string, unknown>, minutesAgo = 1) => ({
    id: `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    ticketId: testTicket(n).id,
    kind: 'assign' as const,
    body: '调班',
    data,
    authorId: author,
    createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  });

  it('tells the agent of tickets moved to or from them by someone else, once, and not of old history', () => {
    const { repos } = setup();
    repos.tickets.putEvent(assignEvent(9, LEAD.id, { from: null, to: AGENT_A.id })); // before the mark
    const notices = createReassignNotices(repos);
    expect(notices.collect(AGENT_A.id, new Date())).toEqual([]);
    repos.tickets.put(testTicket(1, { code: 'BX-1' }));
    repos.tickets.putEvent(assignEvent(1, LEAD.id, { from: AGENT_B.id, to: AGENT_A.id }));
    repos.tickets.putEvent(assignEvent(2, LEAD.id, { from: AGENT_A.id, to: AGENT_B.id }));
    repos.tickets.putEvent(assignEvent(3, AGENT_A.id, { from: AGENT_A.id, to: AGENT_B.id })); // their own act
    repos.tickets.putEvent(assignEvent(4, LEAD.id, { from: AGENT_B.id, to: LEAD.id })); // not about them
    repos.tickets.putEvent(assignEvent(5, LEAD.id, { from: null, to: AGENT_A.id }, 60)); // history
    repos.tickets.putEvent(assignEvent(6, LEAD.id, { from: null, to: AGENT_A.id }), true); // optimistic only
    const got = notices.collect(AGENT_A.id, new Date());
    expect(got).toEqual([
      expect.objectContaining({ ticketId: testTicket(1).id, code: 'BX-1', direction: 'received', byName: '组长' }),
      expect.objectContaining({ ticketId: testTicket(2).id, code: null, direction: 'lost', reason: '调班' }),
    ]);
    expect(notices.collect(AGENT_A.id, new Date())).toEqual([]);
  });
});
