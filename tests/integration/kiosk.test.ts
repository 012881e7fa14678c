/**
 * The lobby kiosk and the queue on the central server (issue 12 §4): what the kiosk token may and may not read,
 * queue numbers (per line and Asia/Shanghai day, unique under concurrent takes, called oldest first), the wait
 * estimate, repair reports and status checks by the last 4 digits, and wrong tries limited per kiosk and per
 * ticket in the database (a new server on the same database still refuses).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalledNumber, KioskStatusAnswer, QueueBoard, TakenNumber } from '../../common/kiosk/api';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import type { FailureLimits } from '../../server/kiosk/failures';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures } from './support/fixtures';

const LIMITS: FailureLimits = { kiosk: { max: 8, windowMs: 15 * 60_000 }, subject: { max: 3, windowMs: 15 * 60_000 } };
/** 09:00 in Shanghai on 6 Dec 2026. */
const MORNING = new Date('2026-12-06T01:00:00Z');
const minutes = (n: number) => n * 60_000;

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`lobby kiosk and queue on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let clock = MORNING;
    const tokens: Record<string, string> = {};
    /** The code of the repair filed below for 张伟 (3-1-502, phone ending 8000). */
    let code = '';

    const build = () =>
      buildServer({
        db,
        now: () => clock,
        loginRateLimit: { max: 1000, timeWindow: '1 minute' },
        kiosk: { limits: LIMITS },
      });
    const as = (username: string | null, server = app) => {
      const headers = username ? { authorization: `Bearer ${tokens[username]}` } : {};
      return {
        get: (url: string) => server.inject({ method: 'GET', url, headers }),
        post: (url: string, payload: unknown = {}) =>
          server.inject({ method: 'POST', url, headers, payload: payload as object }),
      };
    };
    const body = <T>(res: LightMyRequestResponse, status: number): T => {
      expect(res.statusCode, res.body).toBe(status);
      return res.json<T>();
    };
    const count = async (table: string) =>
      Number((await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedFixtures(db);
      await createUser(db, { username: 'kiosk02', name: 'kiosk02', role: 'kiosk', password: PASSWORD });
      app = build();
      // Tokens last 12 h: issued at noon UTC they hold from this morning to past midnight in Shanghai.
      clock = new Date('2026-12-06T12:00:00Z');
      for (const username of ['agent01', 'agent02', 'lead01', 'kiosk01', 'kiosk02']) {
        const res = await as(null).post('/api/v1/auth/login', { username, password: PASSWORD });
        tokens[username] = body<{ token: string }>(res, 200).token;
      }
      clock = MORNING;
    });

    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    describe('what the kiosk token may read', () => {
      it('cannot list tickets, residents, calls or users (the sync feed), nor open the call log', async () => {
        for (const url of [
          '/api/v1/tickets',
          '/api/v1/residents?q=3-1-502',
          '/api/v1/residents/directory',
          '/api/v1/calls',
        ]) {
          expect((await as('kiosk01').get(url)).statusCode, url).toBe(403);
        }
        const pull = await as('kiosk01').post('/api/v1/sync/pull', {
          clientId: crypto.randomUUID(),
          schemaVersion: 3,
          cursor: null,
        });
        expect(pull.statusCode).toBe(403);
      });

      it('every kiosk and queue route needs a token; staff may not use the kiosk flows, the kiosk may not call', async () => {
        for (const url of [
          '/api/v1/kiosk/numbers',
          '/api/v1/kiosk/repairs',
          '/api/v1/kiosk/status',
          '/api/v1/queue/call-next',
        ]) {
          expect((await as(null).post(url, {})).statusCode, url).toBe(401);
        }
        expect((await as(null).get('/api/v1/queue/board')).statusCode).toBe(401);
        expect((await as('agent01').post('/api/v1/kiosk/numbers', { line: 'A' })).statusCode).toBe(403);
        expect(
          (await as('agent01').post('/api/v1/kiosk/status', { code: 'BX-20261206-0001', last4: '8000' })).statusCode,
        ).toBe(403);
        expect((await as('kiosk01').post('/api/v1/queue/call-next', { counter: '1' })).statusCode).toBe(403);
        expect((await as('kiosk01').post('/api/v1/queue/skip', { id: crypto.randomUUID() })).statusCode).toBe(403);
        // The board carries no personal data: the display and the desk both read it.
        expect((await as('kiosk01').get('/api/v1/queue/board')).statusCode).toBe(200);
        expect((await as('agent01').get('/api/v1/queue/board')).statusCode).toBe(200);
      });
    });

    describe('queue numbers', () => {
      it('numbers each line from 1, says who is ahead and how long that takes, and calls the oldest first', async () => {
        clock = MORNING;
        const a1 = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'A' }), 201);
        const a2 = body<TakenNumber>(await as('kiosk02').post('/api/v1/kiosk/numbers', { line: 'A' }), 201);
        const b1 = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'B' }), 201);
        expect([a1.label, a2.label, b1.label]).toEqual(['A001', 'A002', 'B001']);
        expect([a1.ahead, a2.ahead, b1.ahead]).toEqual([0, 1, 0]);
        // No call yet today: the line's usual time (A: 6 min per resident).
        expect([a1.waitMinutes, a2.waitMinutes]).toEqual([0, 6]);

        const first = body<CalledNumber>(
          await as('agent01').post('/api/v1/queue/call-next', { line: 'A', counter: '1' }),
          200,
        );
        expect(first).toMatchObject({ label: 'A001', counter: '1', calls: 1 });
        clock = new Date(MORNING.getTime() + minutes(4));
        // Any line: the oldest waiting number, A002 (taken before B001).
        const second = body<CalledNumber>(await as('agent02').post('/api/v1/queue/call-next', { counter: '2' }), 200);
        expect(second.label).toBe('A002');
        // Calls 4 minutes apart: the recent service time is 4 minutes, not the usual 6.
        const a3 = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'A' }), 201);
        const a4 = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'A' }), 201);
        expect([a3.ahead, a3.waitMinutes, a4.ahead, a4.waitMinutes]).toEqual([0, 0, 1, 4]);

        const board = body<QueueBoard>(await as('kiosk01').get('/api/v1/queue/board'), 200);
        expect(board.day).toBe('2026-12-06');
        expect(board.called.map((c) => [c.label, c.counter])).toEqual([
          ['A002', '2'],
          ['A001', '1'],
        ]);
        expect(board.next).toEqual([
          { line: 'A', labels: ['A003', 'A004'], waiting: 2 },
          { line: 'B', labels: ['B001'], waiting: 1 },
          { line: 'C', labels: [], waiting: 0 },
        ]);
        // What the board sends is numbers and counters, nothing about who took them.
        expect(JSON.stringify(board)).not.toMatch(/kiosk0|agent0|issued/);

        // Re-call moves A001 to the top; skip takes A002 off the board.
        clock = new Date(MORNING.getTime() + minutes(5));
        const again = body<CalledNumber>(await as('agent01').post('/api/v1/queue/recall', { id: first.id }), 200);
        expect(again).toMatchObject({ label: 'A001', calls: 2 });
        body(await as('agent02').post('/api/v1/queue/skip', { id: second.id }), 200);
        const after = body<QueueBoard>(await as('agent01').get('/api/v1/queue/board'), 200);
        expect(after.called.map((c) => c.label)).toEqual(['A001']);
        // A skipped number cannot be re-called or skipped again.
        expect((await as('agent01').post('/api/v1/queue/recall', { id: second.id })).statusCode).toBe(404);
        expect((await as('agent01').post('/api/v1/queue/skip', { id: second.id })).statusCode).toBe(404);
      });

      it('an empty line answers 409 queue_empty and changes nothing', async () => {
        const before = await count('queue_numbers');
        const res = await as('agent01').post('/api/v1/queue/call-next', { line: 'C', counter: '3' });
        expect(body<{ error: string }>(res, 409).error).toBe('queue_empty');
        expect(await count('queue_numbers')).toBe(before);
      });

      it('concurrent takes get distinct consecutive numbers; concurrent calls never get the same one', async () => {
        clock = new Date(MORNING.getTime() + minutes(10));
        const taken = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            as(i % 2 ? 'kiosk01' : 'kiosk02').post('/api/v1/kiosk/numbers', { line: 'C' }),
          ),
        );
        const labels = taken.map((r) => body<TakenNumber>(r, 201).label).sort();
        expect(labels).toEqual(Array.from({ length: 12 }, (_, i) => `C${String(i + 1).padStart(3, '0')}`));
        const called = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            as('agent01').post('/api/v1/queue/call-next', { line: 'C', counter: `${i}` }),
          ),
        );
        const calledLabels = called.map((r) => body<CalledNumber>(r, 200).label);
        expect(new Set(calledLabels).size).toBe(6);
      });

      it('numbers start again at 1 on the next day in Asia/Shanghai (16:00 UTC)', async () => {
        clock = new Date('2026-12-06T15:59:00Z'); // 23:59 in Shanghai
        const late = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'B' }), 201);
        expect(late.label).toBe('B002');
        clock = new Date('2026-12-06T16:00:00Z'); // 00:00 on the 7th in Shanghai
        const next = body<TakenNumber>(await as('kiosk01').post('/api/v1/kiosk/numbers', { line: 'B' }), 201);
        expect([next.label, next.ahead]).toEqual(['B001', 0]);
        expect(body<QueueBoard>(await as('kiosk01').get('/api/v1/queue/board'), 200).day).toBe('2026-12-07');
        clock = MORNING;
      });
    });

    describe('repair reports and status checks', () => {
      it('files a repair for the resident the room and digits name, and answers only the code', async () => {
        const before = await count('tickets');
        const res = await as('kiosk01').post('/api/v1/kiosk/repairs', {
          room: '3栋1单元502',
          last4: '8000',
          category: 'plumbing',
          description: '厨房水龙头漏水',
        });
        const receipt = body<Record<string, unknown>>(res, 201);
        expect(Object.keys(receipt).sort()).toEqual(['category', 'code', 'createdAt']);
        code = String(receipt.code);
        expect(code).toMatch(/^BX-20261206-\d{4}$/);
        expect(await count('tickets')).toBe(before + 1);
        const { rows } = await db.query<{ channel: string; resident_id: string; unit_id: string; phone: string }>(
          'SELECT channel, resident_id, unit_id, phone FROM tickets WHERE code = $1',
          [code],
        );
        expect(rows[0]).toEqual({
          channel: 'kiosk',
          resident_id: 'r1',
          unit_id: 'p1-3-1-502',
          phone: '+8613800138000',
        });
      });

      it('wrong digits or an unknown room: the same refusal, nothing filed', async () => {
        const before = await count('tickets');
        const wrongDigits = await as('kiosk02').post('/api/v1/kiosk/repairs', {
          room: '3-1-502',
          last4: '5678',
          category: 'lift',
        });
        const unknownRoom = await as('kiosk02').post('/api/v1/kiosk/repairs', {
          room: '9-9-909',
          last4: '8000',
          category: 'lift',
        });
        expect(wrongDigits.statusCode).toBe(422);
        expect(unknownRoom.statusCode).toBe(422);
        expect(wrongDigits.json()).toEqual(unknownRoom.json());
        expect(await count('tickets')).toBe(before);
      });

      it('the same room in two projects with the same last 4 digits is ambiguous: nothing filed', async () => {
        await db.query(
          `INSERT INTO projects (id, name) VALUES ('p2', '枫林苑');
           INSERT INTO buildings (id, project_id, number, name) VALUES ('p2-b3', 'p2', 3, '3号楼');
           INSERT INTO units (id, project_id, building_id, code) VALUES ('p2-3-2-101', 'p2', 'p2-b3', '3-2-101');
           INSERT INTO residents (id, name) VALUES ('r3', '王芳');
           INSERT INTO resident_phones (resident_id, raw, e164) VALUES ('r3', '139 0000 5678', '+8613900005678');
           INSERT INTO resident_units (resident_id, unit_id, relation) VALUES ('r3', 'p2-3-2-101', 'owner');`,
        );
        const before = await count('tickets');
        // 李娜 rents 3-2-101 in p1 (phone …5678); 王芳 owns 3-2-101 in p2 (phone …5678).
        const res = await as('kiosk01').post('/api/v1/kiosk/repairs', {
          room: '3-2-101',
          last4: '5678',
          category: 'lift',
        });
        expect(body<{ error: string }>(res, 422).error).toBe('kiosk_not_matched');
        expect(await count('tickets')).toBe(before);
        await db.query(
          `DELETE FROM resident_units WHERE resident_id = 'r3'; DELETE FROM resident_phones WHERE resident_id = 'r3';`,
        );
      });

      it('a status check needs the code and the matching digits; it answers the step and its limit only', async () => {
        const ok = body<KioskStatusAnswer>(
          await as('kiosk01').post('/api/v1/kiosk/status', { code: code.toLowerCase(), last4: '8000' }),
          200,
        );
        expect(Object.keys(ok).sort()).toEqual(['code', 'dueAt', 'paused', 'status', 'step']);
        expect(ok).toMatchObject({ code, status: 'new', step: { zh: '待受理' }, paused: false });
        expect(Date.parse(ok.dueAt!)).toBeGreaterThan(MORNING.getTime());

        const wrong = await as('kiosk01').post('/api/v1/kiosk/status', { code, last4: '0000' });
        const noSuch = await as('kiosk01').post('/api/v1/kiosk/status', { code: 'BX-20261206-9999', last4: '8000' });
        expect(wrong.statusCode).toBe(422);
        expect(wrong.json()).toEqual(noSuch.json());
      });
    });

    describe('wrong tries are limited in the database', () => {
      it('per ticket: after 3 wrong tries even the right digits are refused, on another server too, until the window ends', async () => {
        const receipt = body<{ code: string }>(
          await as('kiosk01').post('/api/v1/kiosk/repairs', { room: '3-1-503', last4: '5678', category: 'electrical' }),
          201,
        );
        // kiosk01 had 3 wrong tries so far (above); kiosk02 tries this ticket's digits wrong 3 times.
        for (const last4 of ['1111', '2222', '3333']) {
          expect((await as('kiosk02').post('/api/v1/kiosk/status', { code: receipt.code, last4 })).statusCode).toBe(
            422,
          );
        }
        const locked = await as('kiosk01').post('/api/v1/kiosk/status', { code: receipt.code, last4: '5678' });
        expect(locked.statusCode).toBe(429);
        expect(locked.json<{ error: string }>().error).toBe('kiosk_too_many_tries');
        // Another ticket is not locked by this one's tries.
        expect((await as('kiosk01').post('/api/v1/kiosk/status', { code, last4: '8000' })).statusCode).toBe(200);

        const second = build();
        try {
          expect(
            (await as('kiosk01', second).post('/api/v1/kiosk/status', { code: receipt.code, last4: '5678' }))
              .statusCode,
          ).toBe(429);
        } finally {
          await second.close();
        }
        clock = new Date(clock.getTime() + LIMITS.subject.windowMs + 1);
        expect(
          (await as('kiosk01').post('/api/v1/kiosk/status', { code: receipt.code, last4: '5678' })).statusCode,
        ).toBe(200);
      });

      it('per kiosk: wrong tries on many codes lock that kiosk, not the others', async () => {
        let n = 0;
        let status = 422;
        while (status === 422 && n < 20) {
          n++;
          const res = await as('kiosk02').post('/api/v1/kiosk/status', {
            code: `BX-20261206-${String(9000 + n)}`,
            last4: '0000',
          });
          status = res.statusCode;
        }
        expect(status).toBe(429);
        // kiosk02's 5 wrong tries above fell in the window that ended; this window counts 8 and refuses the 9th.
        expect(n).toBe(LIMITS.kiosk.max + 1);
        expect((await as('kiosk02').post('/api/v1/kiosk/status', { code, last4: '8000' })).statusCode).toBe(429);
        expect((await as('kiosk01').post('/api/v1/kiosk/status', { code, last4: '8000' })).statusCode).toBe(200);
      });
    });

    describe('bad input: a clear 400, nothing changed, never a 500', () => {
      const cases: [string, string, unknown][] = [
        ['kiosk01', '/api/v1/kiosk/numbers', { line: 'D' }],
        ['kiosk01', '/api/v1/kiosk/numbers', {}],
        ['kiosk01', '/api/v1/kiosk/repairs', { room: '3-1-502', last4: '80a0', category: 'plumbing' }],
        ['kiosk01', '/api/v1/kiosk/repairs', { room: '', last4: '8000', category: 'plumbing' }],
        ['kiosk01', '/api/v1/kiosk/repairs', { room: '3-1-502', last4: '8000', category: 'teleport' }],
        [
          'kiosk01',
          '/api/v1/kiosk/repairs',
          { room: '3-1-502', last4: '8000', category: 'lift', description: 'x'.repeat(501) },
        ],
        ['kiosk01', '/api/v1/kiosk/repairs', { room: '3-1-502\u0000', last4: '8000', category: 'lift' }],
        ['kiosk01', '/api/v1/kiosk/status', { code: 'not a code', last4: '8000' }],
        ['kiosk01', '/api/v1/kiosk/status', { code: 'BX-20261206-0001', last4: '80000' }],
        ['agent01', '/api/v1/queue/call-next', { counter: '' }],
        ['agent01', '/api/v1/queue/call-next', { counter: '1', line: 'Z' }],
        ['agent01', '/api/v1/queue/recall', { id: 'not-a-uuid' }],
        ['agent01', '/api/v1/queue/skip', {}],
      ];
      it.each(cases)('%s %s %j', async (user, url, payload) => {
        const before = [await count('queue_numbers'), await count('tickets'), await count('kiosk_failed_attempts')];
        const res = await as(user).post(url, payload);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json<{ error: string }>().error).toBe('invalid_request');
        expect([await count('queue_numbers'), await count('tickets'), await count('kiosk_failed_attempts')]).toEqual(
          before,
        );
      });
    });
  });
}
