/**
 * The KPI report (issue 12 item 3) on PGlite and, with TEST_DATABASE_URL, PostgreSQL. Tickets are pushed through
 * the real sync path at set server times (so the KPI facts come from the triggers that run with each write); calls
 * are rows as server/cti stores them. Every figure below is worked out by hand from the fixture, in the comments.
 *
 * Times are Asia/Shanghai (UTC+8). P2 repairs run 24/7: respond ≤ 30 min, on site ≤ 4 h, fixed ≤ 24 h from
 * creation; the follow-up call ≤ 24 h after completion. A P3 enquiry's respond limit is 2 office hours.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_DEFINITIONS, periodStart, type KpiReport, type KpiRow } from '../../common/kpi';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import { kpiReport } from '../../server/kpi/report';
import { keepRollups } from '../../server/kpi/rollups';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures, type Fixtures } from './support/fixtures';
import { mulberry32 } from '../support/prng';

const OFFSET_MIN = 480;
/** A Shanghai wall-clock time as an instant. */
const sh = (wall: string) => new Date(`${wall}+08:00`);
const MONDAY = '2026-11-02';
const TUESDAY = '2026-11-03';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`KPI report on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let staff: Fixtures;
    let clock = sh(`${MONDAY}T08:00:00`);
    const tokens: Record<string, string> = {};
    const clientId = randomUUID();
    let mutationId = 0;

    const get = (username: string | null, url: string) =>
      app.inject({
        method: 'GET',
        url,
        headers: username ? { authorization: `Bearer ${tokens[username]}` } : {},
      });
    const report = async (query: string): Promise<KpiReport> => {
      const res = await get('lead01', `/api/v1/kpi?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<KpiReport>();
    };

    let signedInAt = 0;
    async function signIn(username: string): Promise<void> {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      tokens[username] = res.json<{ token: string }>().token;
    }

    /** Pushes one mutation as lead01 at Shanghai time `wall`; it must be applied. */
    async function push(wall: string, name: string, args: Record<string, unknown>): Promise<void> {
      clock = sh(wall);
      // Tokens last 12 h: the fixture spans two days of server time.
      if (clock.getTime() - signedInAt > 6 * 3600_000) {
        await signIn('lead01');
        signedInAt = clock.getTime();
      }
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/sync/push',
        headers: { authorization: `Bearer ${tokens.lead01}` },
        payload: {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ id: ++mutationId, name, args: { eventId: randomUUID(), ...args } }],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      const result = res.json<PushResponse>().results[0];
      expect(result?.outcome, `${name} at ${wall}: ${JSON.stringify(result?.error)}`).toBe('applied');
    }
    const create = async (wall: string, type: string, priority: number) => {
      const id = randomUUID();
      await push(wall, 'ticket.create', {
        id,
        type,
        category: 'plumbing',
        channel: 'phone',
        priority,
        title: 't',
        teamId: 'cs',
      });
      return id;
    };
    const status = (wall: string, id: string, to: string, extra: Record<string, unknown> = {}) =>
      push(wall, 'ticket.setStatus', { id, status: to, ...extra });
    const assign = (wall: string, id: string, assigneeId: string) =>
      push(wall, 'ticket.assign', { id, assigneeId, reason: '分派' });
    const repairOutputs = { outputs: { photos: ['p1'], materials: '阀门', workNotes: '已修复' } };

    async function insertCall(c: {
      direction?: 'inbound' | 'outbound';
      started: string;
      answered?: string;
      ended?: string;
      missed?: boolean;
      agentId?: string | null;
      callback?: { state: string; doneAt?: string };
    }): Promise<void> {
      const id = randomUUID();
      const detail = c.callback?.doneAt
        ? { callback: { state: 'done', doneAt: sh(c.callback.doneAt).toISOString() } }
        : {};
      await db.query(
        `INSERT INTO calls (id, call_id, direction, started_at, answered_at, ended_at, missed, agent_id, state,
                            callback_state, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          id,
          c.direction ?? 'inbound',
          sh(c.started),
          c.answered ? sh(c.answered) : null,
          c.ended ? sh(c.ended) : null,
          c.missed ?? false,
          c.agentId ?? null,
          c.ended ? 'ended' : 'ringing',
          c.callback?.state ?? 'none',
          JSON.stringify(detail),
        ],
      );
    }

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      staff = await seedFixtures(db);
      await db.query(
        `INSERT INTO users (id, username, name, role, password_hash) SELECT gen_random_uuid(), 'admin', 'admin', 'admin', password_hash FROM users WHERE username = 'lead01'`,
      );
      app = buildServer({ db, now: () => clock, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
      const { agent, agent2 } = staff;

      // T1, Monday 09:00, P2 repair for agent01, followed all the way to a satisfied follow-up call.
      const t1 = await create(`${MONDAY}T09:00:00`, 'repair', 2);
      await assign(`${MONDAY}T09:05:00`, t1, agent.id);
      await status(`${MONDAY}T09:10:00`, t1, 'accepted'); //         first response after 10 min
      await status(`${MONDAY}T09:20:00`, t1, 'dispatched'); //       respond clock ends 09:20 ≤ 09:30: met
      await status(`${MONDAY}T10:00:00`, t1, 'acknowledged');
      await status(`${MONDAY}T11:00:00`, t1, 'on_site'); //          on-site clock ends 11:00 ≤ 13:00: met
      await status(`${MONDAY}T12:00:00`, t1, 'done', repairOutputs); // fixed 12:00 ≤ Tue 09:00: met; completed
      await status(`${MONDAY}T13:00:00`, t1, 'confirmed');
      await status(`${TUESDAY}T10:00:00`, t1, 'closed', {
        outputs: { followUp: { reached: true, satisfaction: 5, comment: '' } },
      }); //                                                         follow-up ends Tue 10:00 ≤ Tue 12:00: met

      // T2, Monday 10:00, P2 repair for agent02, responded late and still open.
      const t2 = await create(`${MONDAY}T10:00:00`, 'repair', 2);
      await assign(`${MONDAY}T10:30:00`, t2, agent2.id);
      await status(`${MONDAY}T11:00:00`, t2, 'accepted'); //         first response after 60 min
      await status(`${MONDAY}T11:30:00`, t2, 'dispatched'); //       respond clock ends 11:30 > 10:30: missed

      // T3, Monday 14:00, P3 enquiry for agent01, closed at first contact.
      const t3 = await create(`${MONDAY}T14:00:00`, 'enquiry', 3);
      await assign(`${MONDAY}T14:01:00`, t3, agent.id);
      await status(`${MONDAY}T14:05:00`, t3, 'closed'); //           response 5 min; respond met; first contact

      // T4, Tuesday 09:00, P2 repair for agent01: done, then reopened.
      const t4 = await create(`${TUESDAY}T09:00:00`, 'repair', 2);
      await assign(`${TUESDAY}T09:01:00`, t4, agent.id);
      await status(`${TUESDAY}T09:05:00`, t4, 'accepted'); //        first response after 5 min
      await status(`${TUESDAY}T09:10:00`, t4, 'dispatched'); //      respond met
      await status(`${TUESDAY}T09:20:00`, t4, 'acknowledged');
      await status(`${TUESDAY}T09:30:00`, t4, 'on_site'); //         on site met
      await status(`${TUESDAY}T10:00:00`, t4, 'done', repairOutputs); // fixed met; completed
      await status(`${TUESDAY}T11:00:00`, t4, 'reopened', { outputs: { reason: '仍漏水' } }); // follow-up clock met

      // T5, Tuesday 10:00, cancelled: in no ticket metric.
      const t5 = await create(`${TUESDAY}T10:00:00`, 'repair', 2);
      await status(`${TUESDAY}T10:10:00`, t5, 'cancelled', { reason: '重复报修' });

      // Calls, Monday. Inbound: C1 answered by agent01 (handle 300 s), C2 by agent02 (120 s), C3 missed and called
      // back 20 min after it ended, C4 missed and not yet called back, C6 still ringing. C5 is outbound (ignored).
      await insertCall({
        started: `${MONDAY}T09:00:00`,
        answered: `${MONDAY}T09:00:10`,
        ended: `${MONDAY}T09:05:10`,
        agentId: agent.id,
      });
      await insertCall({
        started: `${MONDAY}T09:30:00`,
        answered: `${MONDAY}T09:30:20`,
        ended: `${MONDAY}T09:32:20`,
        agentId: agent2.id,
      });
      await insertCall({
        started: `${MONDAY}T10:00:00`,
        ended: `${MONDAY}T10:00:30`,
        missed: true,
        callback: { state: 'done', doneAt: `${MONDAY}T10:20:30` },
      });
      await insertCall({
        started: `${MONDAY}T11:00:00`,
        ended: `${MONDAY}T11:00:40`,
        missed: true,
        callback: { state: 'open' },
      });
      await insertCall({
        direction: 'outbound',
        started: `${MONDAY}T12:00:00`,
        answered: `${MONDAY}T12:00:05`,
        ended: `${MONDAY}T12:10:05`,
        agentId: agent.id,
      });
      await insertCall({ started: `${MONDAY}T15:00:00`, agentId: null });
      // Sunday 23:59:59 (the week before Monday's) and Sunday 23:00 — for the period boundaries only.
      for (const username of ['agent01', 'lead01', 'kiosk01', 'admin']) await signIn(username);
      await insertCall({
        started: `2026-11-01T23:59:59`,
        answered: `2026-11-02T00:00:09`,
        ended: `2026-11-02T00:01:09`,
        agentId: agent.id,
      });
    });

    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    const only = (rows: KpiRow[], key: string, groupId: string | null = null) => {
      const row = rows.find((r) => r.periodKey === key && r.groupId === groupId);
      expect(row, `row ${key} / ${groupId}`).toBeDefined();
      return (row as KpiRow).values;
    };

    it('computes every KPI per day, as worked out by hand', async () => {
      const r = await report(`period=day&from=${MONDAY}&to=${TUESDAY}`);
      expect(r.rows.map((row) => row.periodKey)).toEqual([MONDAY, TUESDAY]);
      // Monday: T1, T2, T3. Responses 10, 60, 5 min → median 10; p90 at rank 0.9 × 2 = 1.8 of [5, 10, 60]:
      // 10 + 0.8 × 50 = 50. Respond clocks: T1 met, T2 missed, T3 met → 2/3. On site, fixed, follow-up: T1 only,
      // met. Closed: T1, T3 → 2/3. Completed: T1 (done), T3 (closed), none reopened → 0. Satisfaction: T1's 5.
      // Follow-up rate: completed repairs/complaints = T1, reached → 1/1. First contact: T3 → 1/3.
      // Calls: inbound C1 C2 C3 C4 C6 = 5; ended C1–C4 = 4; answered 2/4, missed 2/4; handle (300 + 120) / 2 = 210 s;
      // callback: C3's 20 min only.
      expect(only(r.rows, MONDAY)).toEqual({
        tickets: 3,
        firstResponseMedianMin: 10,
        firstResponseP90Min: 50,
        onTimeRespond: 0.6667,
        onTimeOnSite: 1,
        onTimeFix: 1,
        onTimeReply: null,
        onTimeFollowUp: 1,
        completionRate: 0.6667,
        reopenRate: 0,
        satisfactionAvg: 5,
        followUpRate: 1,
        firstContactResolution: 0.3333,
        callsInbound: 5,
        callAnswerRate: 0.5,
        callAbandonRate: 0.5,
        avgHandleSec: 210,
        callbackMedianMin: 20,
      });
      // Tuesday: T4 only (T5 cancelled). Response 5 min. Respond, on site, fixed met; its follow-up clock ended
      // with the reopening, within 24 h: met. Not closed; completed and reopened → 1/1; no score; completed repair
      // without a follow-up call → 0/1; not first contact. No calls.
      expect(only(r.rows, TUESDAY)).toEqual({
        tickets: 1,
        firstResponseMedianMin: 5,
        firstResponseP90Min: 5,
        onTimeRespond: 1,
        onTimeOnSite: 1,
        onTimeFix: 1,
        onTimeReply: null,
        onTimeFollowUp: 1,
        completionRate: 0,
        reopenRate: 1,
        satisfactionAvg: null,
        followUpRate: 0,
        firstContactResolution: 0,
        callsInbound: 0,
        callAnswerRate: null,
        callAbandonRate: null,
        avgHandleSec: null,
        callbackMedianMin: null,
      });
      // Both days: responses [5, 5, 10, 60] → median 7.5; p90 at rank 2.7: 10 + 0.7 × 50 = 45. Respond 3/4;
      // closed 2/4; reopened 1 of 3 completed; follow-up 1 of 2 completed repairs; first contact 1/4.
      const total = only(r.totals, '');
      expect(total).toMatchObject({
        tickets: 4,
        firstResponseMedianMin: 7.5,
        firstResponseP90Min: 45,
        onTimeRespond: 0.75,
        completionRate: 0.5,
        reopenRate: 0.3333,
        followUpRate: 0.5,
        firstContactResolution: 0.25,
        callsInbound: 5,
      });
    });

    it('groups by agent: tickets by their assignee, calls by the agent who answered', async () => {
      const r = await report(`period=day&from=${MONDAY}&to=${MONDAY}&group=agent`);
      // agent01 on Monday: T1 (10 min) and T3 (5 min) → median 7.5; C1 handled in 300 s.
      expect(only(r.rows, MONDAY, staff.agent.id)).toMatchObject({
        tickets: 2,
        firstResponseMedianMin: 7.5,
        completionRate: 1,
        callsInbound: 1,
        avgHandleSec: 300,
      });
      // agent02: T2 (60 min, respond missed), C2 (120 s).
      expect(only(r.rows, MONDAY, staff.agent2.id)).toMatchObject({
        tickets: 1,
        firstResponseMedianMin: 60,
        onTimeRespond: 0,
        callsInbound: 1,
        avgHandleSec: 120,
      });
      // Nobody's: C3, C4 (missed) and C6 (ringing); no ticket.
      expect(only(r.rows, MONDAY, null)).toMatchObject({ tickets: 0, callsInbound: 3, callAbandonRate: 1 });
      expect(r.rows.find((row) => row.groupId === staff.agent.id)?.groupName).toBe('agent01');
    });

    it('buckets shifts, weeks from Monday and months in site time, as common/kpi/periods does', async () => {
      const instants = [sh('2026-11-01T23:59:59'), sh(`${MONDAY}T09:00:00`), sh(`${MONDAY}T15:00:00`)];
      for (const period of ['shift', 'day', 'week', 'month'] as const) {
        const r = await report(`period=${period}&from=2026-11-01&to=${MONDAY}`);
        const expected = [...new Set(instants.map((t) => periodStart(period, t.getTime(), OFFSET_MIN)))].sort();
        const starts = r.rows.map((row) => Date.parse(row.periodStart as string));
        expect(starts, period).toEqual(expected);
      }
      // Spelled out: the Sunday call is in the week of Monday 26 October; Monday's in the week of 2 November.
      const weeks = await report(`period=week&from=2026-11-01&to=${MONDAY}`);
      expect(weeks.rows.map((row) => [row.periodKey, row.values.callsInbound])).toEqual([
        ['2026-10-26', 1],
        [MONDAY, 5],
      ]);
      // Shifts: Sunday 16:00–24:00 (1 call); Monday 08:00–16:00 holds every Monday call.
      const shifts = await report(`period=shift&from=2026-11-01&to=${MONDAY}`);
      expect(shifts.rows.map((row) => [row.periodKey, row.values.callsInbound])).toEqual([
        ['2026-11-01 16:00', 1],
        [`${MONDAY} 08:00`, 5],
      ]);
    });

    it('serves the same numbers as CSV, with a BOM for Excel', async () => {
      const query = `period=day&from=${MONDAY}&to=${TUESDAY}&group=team`;
      const json = await report(query);
      const res = await get('lead01', `/api/v1/kpi.csv?${query}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.headers['content-disposition']).toContain(`kpi-day-team-${MONDAY}-${TUESDAY}.csv`);
      expect(res.body.startsWith('\uFEFF')).toBe(true);
      const [header, ...lines] = res.body.slice(1).trimEnd().split('\r\n');
      expect(header?.split(',').slice(3)).toEqual(KPI_DEFINITIONS.map((k) => `${k.nameZh} ${k.nameEn}`));
      const rows = [...json.rows, ...json.totals];
      expect(lines).toHaveLength(rows.length);
      rows.forEach((row, i) => {
        const cells = (lines[i] as string).split(',');
        expect(cells[0]).toBe(row.periodKey || '合计 Total');
        expect(cells[1]).toBe(row.groupId ?? '');
        const numbers = cells.slice(3).map((c) => (c === '' ? null : Number(c)));
        expect(numbers).toEqual(KPI_DEFINITIONS.map((k) => row.values[k.id]));
      });
    });

    it('lets only leads and admins read it, and only when signed in', async () => {
      const url = `/api/v1/kpi?period=day&from=${MONDAY}&to=${MONDAY}`;
      expect((await get(null, url)).statusCode).toBe(401);
      expect((await get(null, url.replace('kpi?', 'kpi.csv?'))).statusCode).toBe(401);
      for (const username of ['agent01', 'kiosk01']) {
        const res = await get(username, url);
        expect(res.statusCode, username).toBe(403);
        expect(res.json()).toMatchObject({ error: 'forbidden', details: { permission: 'kpi.read' } });
        expect((await get(username, url.replace('kpi?', 'kpi.csv?'))).statusCode, username).toBe(403);
      }
      expect((await get('admin', url)).statusCode).toBe(200);
    });

    it('refuses bad input with 400 and says why', async () => {
      const bad = [
        'period=year&from=2026-11-01&to=2026-11-02', // no such period
        'period=day&from=2026-02-30&to=2026-03-01', // no such date
        'period=day&from=2026-11-03&to=2026-11-02', // backwards
        'period=shift&from=2026-01-01&to=2026-03-01', // too long for shifts (31 days)
        'period=day&from=2025-01-01&to=2026-12-31', // too long (366 days)
        'period=day&from=2026-11-01', // no end
        'period=day&from=2026-11-01&to=2026-11-02&group=resident', // no such group
        'period=day&from=2026-11-01&to=2026-11-02&extra=1', // unknown parameter
        'period=day&from=2026-11-01&to=2026-11-02&from=2026-11-03', // repeated parameter
      ];
      for (const query of bad) {
        const res = await get('lead01', `/api/v1/kpi?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.json<{ error: string }>().error, query).toBe('invalid_request');
      }
    });

    it('keeps the facts in the same transaction as the write, and backfills them set-based', async () => {
      // Every ticket has its row; T5 (cancelled) too, counted in nothing.
      const { rows } = await db.query<{ n: unknown }>(
        `SELECT count(*) AS n FROM tickets t JOIN kpi_ticket_facts f ON f.ticket_id = t.id`,
      );
      expect(Number(rows[0]?.n)).toBe(5);
      // A rolled-back status change leaves the facts as they were.
      const before = (await db.query(`SELECT * FROM kpi_ticket_facts ORDER BY ticket_id`)).rows;
      await expect(
        db.tx(async (q) => {
          await q.query(
            `INSERT INTO ticket_events (id, ticket_id, kind, data, created_at)
             SELECT gen_random_uuid(), ticket_id, 'status', '{"from":"new","to":"closed"}', now() FROM kpi_ticket_facts`,
          );
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect((await db.query(`SELECT * FROM kpi_ticket_facts ORDER BY ticket_id`)).rows).toEqual(before);
      // The set-based rebuild (the migration's backfill, the seed's end) gives what the triggers kept, SLA outcomes
      // (which events cannot tell) left as they were.
      await db.query(`UPDATE kpi_ticket_facts SET first_response_at = NULL, response_min = NULL, reopen_count = 0`);
      await db.query(`SELECT kpi_rebuild_facts()`);
      expect((await db.query(`SELECT * FROM kpi_ticket_facts ORDER BY ticket_id`)).rows).toEqual(before);
    });

    // The daily rollups (migration 0020) must give exactly what the facts give: the hand-worked figures above come
    // from them (day, week, month); here every period and group is compared with the facts-only report.
    const WHOLE_DAYS = ['day', 'week', 'month'] as const;
    const GROUPS = ['all', 'team', 'agent'] as const;
    async function expectRollupsMatchFacts(from: string, to: string): Promise<void> {
      for (const period of WHOLE_DAYS) {
        for (const group of GROUPS) {
          const query = { period, group, from, to };
          const now = clock;
          const fromRollups = await kpiReport(db, query, { now });
          const fromFacts = await kpiReport(db, query, { now, useRollups: false });
          expect(fromRollups.report, `${period}/${group}`).toEqual(fromFacts.report);
        }
      }
    }
    const ledgerRows = async () =>
      Number((await db.query<{ n: unknown }>('SELECT count(*) AS n FROM kpi_daily_tickets')).rows[0]?.n);

    it('reads the rollups where the periods are whole days, and they equal the facts', async () => {
      await expectRollupsMatchFacts('2026-10-01', '2026-11-30');
      await expectRollupsMatchFacts(MONDAY, MONDAY);
      // And the day report does read them: a stray ledger row shows (a shift report, from the facts, not).
      const tickets = async (period: string) =>
        only((await report(`period=${period}&from=${MONDAY}&to=${MONDAY}`)).totals, '').tickets;
      const zeros = Array.from({ length: 17 }, () => 0).join(', ');
      await db.query(`INSERT INTO kpi_daily_tickets VALUES ('${MONDAY}', 'cs', NULL, 1, ${zeros}, 999)`);
      expect([await tickets('day'), await tickets('shift')]).toEqual([4, 3]);
      await db.query(`DELETE FROM kpi_daily_tickets WHERE first_contact_resolved = 999`);
      expect(await tickets('day')).toBe(3);
    });

    it('keeps the rollups exact through concurrent writes from several desks, before and after compaction', async () => {
      const random = mulberry32(13);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const agents = [staff.agent.id, staff.agent2.id];
      await signIn('lead01');
      const desks = Array.from({ length: 4 }, () => ({ clientId: randomUUID(), next: 0 }));
      const pushAs = async (desk: (typeof desks)[number], name: string, args: Record<string, unknown>) => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/sync/push',
          headers: { authorization: `Bearer ${tokens.lead01}` },
          payload: {
            clientId: desk.clientId,
            schemaVersion: SYNC_SCHEMA_VERSION,
            mutations: [{ id: ++desk.next, name, args: { eventId: randomUUID(), ...args } }],
          },
        });
        expect(res.json<PushResponse>().results[0]?.outcome, `${name} ${res.body}`).toBe('applied');
      };
      // Each desk creates tickets and walks them through a random path, the four desks at once.
      clock = sh(`${TUESDAY}T15:00:00`);
      await Promise.all(
        desks.map(async (desk) => {
          for (let i = 0; i < 6; i++) {
            const id = randomUUID();
            const type = pick(['repair', 'enquiry'] as const);
            await pushAs(desk, 'ticket.create', {
              id,
              type,
              category: 'plumbing',
              channel: 'phone',
              priority: 2,
              title: 't',
              teamId: 'cs',
            });
            if (random() < 0.7) await pushAs(desk, 'ticket.assign', { id, assigneeId: pick(agents), reason: '分派' });
            const path = pick(['accept', 'close', 'cancel', 'leave'] as const);
            if (path === 'accept' && type === 'repair')
              await pushAs(desk, 'ticket.setStatus', { id, status: 'accepted' });
            if (path === 'close' && type === 'enquiry')
              await pushAs(desk, 'ticket.setStatus', { id, status: 'closed' });
            if (path === 'cancel') await pushAs(desk, 'ticket.setStatus', { id, status: 'cancelled', reason: '重复' });
          }
        }),
      );
      // Calls as the CTI path writes them: inserted ringing, then answered or missed and ended, concurrently.
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          const id = randomUUID();
          const started = sh(`${TUESDAY}T16:0${i}:00`);
          await db.query(
            `INSERT INTO calls (id, call_id, direction, started_at, state) VALUES ($1, $2, 'inbound', $3, 'ringing')`,
            [id, id, started],
          );
          const answered = i % 3 !== 0;
          await db.query(
            `UPDATE calls SET state = 'ended', missed = $2, agent_id = $3,
               answered_at = CASE WHEN $2 THEN NULL ELSE started_at + interval '7 seconds' END,
               ended_at = started_at + interval '95.5 seconds' WHERE id = $1`,
            [id, !answered, answered ? agents[i % 2] : null],
          );
          // A missed call called back (the callback histogram's entry), after i × 7 min 30 s.
          if (!answered) {
            await db.query(
              `UPDATE calls SET callback_state = 'done', detail = jsonb_build_object('callback', jsonb_build_object(
                 'state', 'done', 'doneAt', ended_at + make_interval(secs => $2))) WHERE id = $1`,
              [id, i * 450],
            );
          }
        }),
      );
      // A ticket moved to another team and one deleted: their old rows come off, the new on.
      const { rows: some } = await db.query<{ id: string }>(`SELECT id FROM tickets ORDER BY created_at DESC LIMIT 2`);
      await db.query(`UPDATE tickets SET team_id = 'plumbing' WHERE id = $1`, [some[0]?.id]);
      await db.query(`UPDATE tickets SET deleted_at = now() WHERE id = $1`, [some[1]?.id]);
      await expectRollupsMatchFacts('2026-10-01', '2026-11-30');

      const before = await ledgerRows();
      await keepRollups(db, OFFSET_MIN * 60);
      expect(await ledgerRows()).toBeLessThan(before);
      await expectRollupsMatchFacts('2026-10-01', '2026-11-30');
    });

    it('rebuilds the rollups for another site offset, and reads the facts until then', async () => {
      const query = { period: 'day', group: 'agent', from: '2026-10-01', to: '2026-11-30' } as const;
      const expected = (await kpiReport(db, query, { now: clock, useRollups: false })).report;
      // Days at UTC+0: a report in Shanghai time must not use them.
      expect(await keepRollups(db, 0)).toEqual({ rebuilt: true });
      expect((await kpiReport(db, query, { now: clock })).report).toEqual(expected);
      expect(await keepRollups(db, OFFSET_MIN * 60)).toEqual({ rebuilt: true });
      expect(await keepRollups(db, OFFSET_MIN * 60)).toEqual({ rebuilt: false });
      await expectRollupsMatchFacts('2026-10-01', '2026-11-30');
    });

    it('counts first responses and callbacks in whole minutes, from the histograms as from the facts', async () => {
      const DAY = '2026-11-10';
      // Responses after 10 min 59 s and 3 min 30 s count as 10 and 3: median 6.5; p90 at rank 0.9: 3 + 0.9 × 7 = 9.3.
      const a = await create(`${DAY}T09:00:00`, 'repair', 2);
      await status(`${DAY}T09:10:59`, a, 'accepted');
      const b = await create(`${DAY}T10:00:00`, 'repair', 2);
      await status(`${DAY}T10:03:30`, b, 'accepted');
      // A missed call called back 20 min 40 s after it ended counts 20; one 59 s after, 0: median 10.
      await insertCall({
        started: `${DAY}T11:00:00`,
        ended: `${DAY}T11:00:20`,
        missed: true,
        callback: { state: 'done', doneAt: `${DAY}T11:21:00` },
      });
      await insertCall({
        started: `${DAY}T12:00:00`,
        ended: `${DAY}T12:00:01`,
        missed: true,
        callback: { state: 'done', doneAt: `${DAY}T12:01:00` },
      });
      const expected = { firstResponseMedianMin: 6.5, firstResponseP90Min: 9.3, callbackMedianMin: 10 };
      for (const period of ['day', 'shift'] as const) {
        const r = await report(`period=${period}&from=${DAY}&to=${DAY}`);
        expect(only(r.totals, ''), period).toMatchObject(expected);
      }
      await expectRollupsMatchFacts(DAY, DAY);
      await expectRollupsMatchFacts('2026-10-01', '2026-11-30');

      // And the day report reads the histograms: a stray entry shows there (a shift report, from the facts, not).
      await db.query(`INSERT INTO kpi_daily_responses VALUES ('${DAY}', 'all', NULL, 1000, 1)`);
      await db.query(`INSERT INTO kpi_daily_callbacks VALUES ('${DAY}', NULL, 1000, 1)`);
      const day = only((await report(`period=day&from=${DAY}&to=${DAY}`)).totals, '');
      expect([day.firstResponseMedianMin, day.callbackMedianMin]).toEqual([10, 20]);
      const shift = only((await report(`period=shift&from=${DAY}&to=${DAY}`)).totals, '');
      expect(shift).toMatchObject(expected);
      await db.query(`DELETE FROM kpi_daily_responses WHERE minutes = 1000`);
      await db.query(`DELETE FROM kpi_daily_callbacks WHERE minutes = 1000`);
      await expectRollupsMatchFacts(DAY, DAY);
    });
  });
}
