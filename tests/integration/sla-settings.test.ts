/**
 * SLA settings routes (issue 4 item 2) on PGlite and, with TEST_DATABASE_URL, PostgreSQL: every role reads,
 * only admins change limits and year schedules, leads and admins switch the weather alert; bad input is a 400
 * that changes nothing; pushed tickets get SLA fields from the server's current policy.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../common/domain';
import type { SlaSettingsView } from '../../common/sla';
import { SYNC_SCHEMA_VERSION, ticketFromWire, type PushResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { loadTicket } from '../../server/tickets/store';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures } from './support/fixtures';

/** Thursday 2026-11-26 10:00 in Shanghai: 2026 is covered by chinese-days, 2027 is not (v1.5). */
const NOW = new Date('2026-11-26T02:00:00Z');

type View = SlaSettingsView & { warnings: { year: number; message: string }[] };

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`SLA settings on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};

    const request = (username: string | null, method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: username ? { authorization: `Bearer ${tokens[username]}` } : {},
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    const view = (res: LightMyRequestResponse) => res.json<View>();
    const settingsVersion = async () => view(await request('agent01', 'GET', '/api/v1/settings/sla')).version;
    const auditCount = async () =>
      Number(
        (await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM audit_log WHERE subject = 'settings.sla'`)).rows[0]
          ?.n,
      );

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedFixtures(db);
      await createUser(db, {
        username: 'admin',
        name: 'admin',
        role: 'admin',
        extension: null,
        teamId: null,
        password: PASSWORD,
      });
      app = buildServer({ db, now: () => NOW, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
      for (const username of ['agent01', 'lead01', 'kiosk01', 'admin']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password: PASSWORD },
        });
        expect(res.statusCode).toBe(200);
        tokens[username] = res.json<{ token: string }>().token;
      }
    });

    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    it('lets every signed-in role read the settings, with the provisional year warned about', async () => {
      for (const username of ['agent01', 'lead01', 'kiosk01', 'admin']) {
        const res = await request(username, 'GET', '/api/v1/settings/sla');
        expect(res.statusCode, username).toBe(200);
        const body = view(res);
        expect(body).toMatchObject({ weatherAlert: false, version: 0, updatedAt: null });
        expect(body.warnings.map((w) => w.year)).toEqual([2027]);
        expect(body.warnings[0]?.message).toContain('2027');
      }
      expect((await request(null, 'GET', '/api/v1/settings/sla')).statusCode).toBe(401);
    });

    it('lets leads and admins switch the weather alert, not agents; bad bodies are refused', async () => {
      const before = await auditCount();
      const agent = await request('agent01', 'PUT', '/api/v1/settings/sla/weather', { on: true });
      expect(agent.statusCode).toBe(403);
      const bad = await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: 'yes' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: string }>().error).toBe('invalid_request');
      expect(await settingsVersion()).toBe(0);
      expect(await auditCount()).toBe(before);

      const lead = await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: true });
      expect(lead.statusCode).toBe(200);
      expect(view(lead)).toMatchObject({ weatherAlert: true, version: 1 });
      expect(await auditCount()).toBe(before + 1);
      const off = await request('admin', 'PUT', '/api/v1/settings/sla/weather', { on: false });
      expect(view(off)).toMatchObject({ weatherAlert: false, version: 2 });
    });

    it('lets only admins change limits, and refuses limits that break the priority order', async () => {
      const version = await settingsVersion();
      const limits = { repair: { respond: { P2: 20 } } };
      expect((await request('lead01', 'PUT', '/api/v1/settings/sla/limits', { limits })).statusCode).toBe(403);
      expect((await request('agent01', 'PUT', '/api/v1/settings/sla/limits', { limits })).statusCode).toBe(403);

      const negative = await request('admin', 'PUT', '/api/v1/settings/sla/limits', {
        limits: { repair: { respond: { P2: -5 } } },
      });
      expect(negative.statusCode).toBe(400);
      // P1 respond is 15 min: a P2 limit of 10 would fall due first.
      const inverted = await request('admin', 'PUT', '/api/v1/settings/sla/limits', {
        limits: { repair: { respond: { P2: 10 } } },
      });
      expect(inverted.statusCode).toBe(400);
      expect(JSON.stringify(inverted.json())).toContain('P2 could fall due before P1');
      const unknownType = await request('admin', 'PUT', '/api/v1/settings/sla/limits', {
        limits: { parcel: { respond: { P2: 10 } } },
      });
      expect(unknownType.statusCode).toBe(400);
      expect(await settingsVersion()).toBe(version);

      const ok = await request('admin', 'PUT', '/api/v1/settings/sla/limits', { limits });
      expect(ok.statusCode).toBe(200);
      expect(view(ok).settings.limits).toEqual(limits);
      expect(view(ok).version).toBe(version + 1);
    });

    it('lets only admins enter a year schedule; the year stops being provisional', async () => {
      const schedule = { year: 2027, holidays: ['2027-01-01', '2027-02-08'], workdays: ['2027-02-06'] };
      expect((await request('lead01', 'PUT', '/api/v1/settings/sla/calendar', schedule)).statusCode).toBe(403);
      const version = await settingsVersion();
      for (const bad of [
        { ...schedule, holidays: ['2027-02-30'] },
        { ...schedule, holidays: ['2028-01-01'] },
        { ...schedule, workdays: ['2027-01-01'] },
        { year: 2027 },
      ]) {
        const res = await request('admin', 'PUT', '/api/v1/settings/sla/calendar', bad);
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
      expect(await settingsVersion()).toBe(version);

      const ok = await request('admin', 'PUT', '/api/v1/settings/sla/calendar', schedule);
      expect(ok.statusCode).toBe(200);
      expect(view(ok).warnings).toEqual([]);
      expect(view(ok).settings.calendar?.yearSchedules).toEqual([schedule]);
      // Replacing the year keeps one schedule for it.
      const again = await request('admin', 'PUT', '/api/v1/settings/sla/calendar', { ...schedule, workdays: [] });
      expect(view(again).settings.calendar?.yearSchedules).toEqual([{ ...schedule, workdays: [] }]);
    });

    // Tickets pushed by one console (agent01), read back from the database.
    const clientId = randomUUID();
    let mutationId = 0;
    const create = async (priority: number) => {
      const id = randomUUID();
      const res = await request('agent01', 'POST', '/api/v1/sync/push', {
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [
          {
            id: ++mutationId,
            name: 'ticket.create',
            args: {
              id,
              eventId: randomUUID(),
              type: 'repair',
              category: 'plumbing',
              channel: 'phone',
              priority,
              title: 't',
            },
          },
        ],
      });
      expect(res.json<PushResponse>().results[0]?.outcome).toBe('applied');
      return (await loadTicket(db, id)) as Ticket;
    };
    /** The ticket changes a console pulls after `cursor`, as tickets. */
    const pullTickets = async (cursor: string | null) => {
      const body = (
        await request('agent01', 'POST', '/api/v1/sync/pull', {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor,
          limit: 5000,
        })
      ).json<{ cursor: string; changes: { entity: string; id: string; data?: unknown }[] }>();
      const tickets = body.changes.filter((c) => c.entity === 'ticket').map((c) => ticketFromWire(c.data) as Ticket);
      return { cursor: body.cursor, tickets };
    };

    it('computes pushed tickets’ SLA fields with the current policy and weather alert', async () => {
      const calm = await create(1);
      expect(calm.slaMilestone).toBe('respond');
      expect(Date.parse(calm.slaDueAt ?? '')).toBe(NOW.getTime() + 15 * 60_000);

      expect((await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: true })).statusCode).toBe(200);
      const stormy = await create(1);
      expect(Date.parse(stormy.slaDueAt ?? '')).toBe(NOW.getTime() + 22.5 * 60_000);
      // The admin's override (repair respond P2 = 20 min) applies, stretched too.
      const p2 = await create(2);
      expect(Date.parse(p2.slaDueAt ?? '')).toBe(NOW.getTime() + 30 * 60_000);
      await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: false });

      // And the pull carries the fields to consoles.
      const pulled = await request('agent01', 'POST', '/api/v1/sync/pull', {
        clientId,
        // One page of the change log (schema 6 would open with a snapshot whose first page holds the staff only).
        schemaVersion: 5,
        cursor: null,
        limit: 5000,
      });
      const row = pulled
        .json<{ changes: { entity: string; id: string; data?: unknown }[] }>()
        .changes.find((c) => c.entity === 'ticket' && c.id === calm.id);
      expect(ticketFromWire(row?.data)).toMatchObject({
        slaMilestone: 'respond',
        slaDueAt: calm.slaDueAt,
        slaRiskAt: calm.slaRiskAt,
      });
    });

    it('moves running clocks when the weather alert or the limits change, and consoles pull the new deadlines', async () => {
      const running = await create(1);
      // A ticket whose clock is paused (on hold with 10 minutes left), written as the pipeline leaves one.
      const paused = await create(1);
      await db.query(
        `UPDATE tickets SET sla_due_at = NULL, sla_risk_at = NULL, sla_paused_at = $2, sla_remaining_minutes = 10
          WHERE id = $1`,
        [paused.id, NOW.toISOString()],
      );
      const pausedBefore = await loadTicket(db, paused.id);
      const { cursor } = await pullTickets(null);
      const auditBefore = await auditCount();

      expect((await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: true })).statusCode).toBe(200);
      const stretched = (await loadTicket(db, running.id)) as Ticket;
      expect(Date.parse(stretched.slaDueAt ?? '')).toBe(Date.parse(running.createdAt) + 22.5 * 60_000);
      expect(Date.parse(stretched.slaRiskAt ?? '')).toBeGreaterThan(Date.parse(running.slaRiskAt ?? ''));
      expect(stretched).toMatchObject({ slaStartedAt: running.slaStartedAt, updatedAt: running.updatedAt });
      expect(stretched.version).toBe(running.version + 1);
      // The paused clock resumes later under the policy of that day: nothing about it changes now.
      expect(await loadTicket(db, paused.id)).toEqual(pausedBefore);
      // A console that had pulled everything gets the ticket again, with the stretched deadline.
      const after = await pullTickets(cursor);
      expect(after.tickets.find((t) => t.id === running.id)).toMatchObject({ slaDueAt: stretched.slaDueAt });
      const audit = await db.query<{ data: { on: boolean; recomputedClocks: number } }>(
        `SELECT data FROM audit_log WHERE subject = 'settings.sla' ORDER BY id DESC LIMIT 1`,
      );
      expect(audit.rows[0]?.data.on).toBe(true);
      expect(audit.rows[0]?.data.recomputedClocks).toBeGreaterThanOrEqual(1);
      expect(await auditCount()).toBe(auditBefore + 1);

      // Off again: back to the plain limit from the same start.
      await request('lead01', 'PUT', '/api/v1/settings/sla/weather', { on: false });
      expect((await loadTicket(db, running.id))?.slaDueAt).toBe(running.slaDueAt);
    });
  });
}
