/**
 * Retention (issue 11 §4): with the clock moved past the retention period, call records and closed tickets lose
 * their personal fields (names, numbers, the resident link; the history stays), consoles pull the anonymised rows,
 * and the run is audited. Open tickets and anything younger than the period are left alone; a second run changes
 * nothing. The server runs the job on start with its configured period.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, Ticket, TicketEvent } from '../../common/domain';
import type { Change } from '../../common/sync';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { DEFAULT_PERSONAL_DATA_RETENTION_DAYS, anonymiseExpired } from '../../server/privacy/retention';
import { BACKENDS } from './support/backends';
import { actingAs, seedStaff, type StaffName } from './support/staff';

const OLD = new Date('2022-01-10T02:00:00Z');
const RECENT = new Date('2024-06-01T02:00:00Z');
/** 1096 days after this, OLD is past the default period and RECENT is not. */
const LATER = new Date('2025-02-01T00:00:00Z');

const ids = {
  oldClosed: randomUUID(),
  oldOpen: randomUUID(),
  recentClosed: randomUUID(),
  oldCall: randomUUID(),
  recentCall: randomUUID(),
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`retention on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let tokens: Record<StaffName, string>;
    let clock = OLD;
    let desk: ReturnType<typeof actingAs>;
    let cursor: string;

    const enquiry = (id: string, title: string) => ({
      name: 'ticket.create',
      args: {
        id,
        eventId: randomUUID(),
        type: 'enquiry',
        category: 'other',
        channel: 'phone',
        title,
        residentId: 'r1',
        unitId: 'p1-3-1-502',
        phone: '138 0013 8000',
      },
    });
    const close = (id: string) => ({
      name: 'ticket.setStatus',
      args: { id, eventId: randomUUID(), status: 'closed', note: '张伟已确认，回电 13800138000' },
    });
    const call = (id: string, at: Date) => ({
      name: 'call.log',
      args: {
        id,
        direction: 'inbound',
        from: '13800138000',
        startedAt: at.toISOString(),
        endedAt: at.toISOString(),
        residentId: 'r1',
        notes: '张伟咨询停车',
      },
    });

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      ({ tokens } = await seedStaff(db));
      app = buildServer({ db, now: () => clock });
      await app.ready();
      desk = actingAs(app, tokens.agent);
      clock = OLD;
      await desk.push(
        enquiry(ids.oldClosed, '张伟咨询物业费'),
        close(ids.oldClosed),
        enquiry(ids.oldOpen, '张伟咨询车位'),
      );
      await desk.push(call(ids.oldCall, OLD));
      clock = RECENT;
      await desk.push(enquiry(ids.recentClosed, '张伟咨询装修'), close(ids.recentClosed), call(ids.recentCall, RECENT));
      cursor = (await desk.pullAll()).cursor;
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    const retentionAudits = async () =>
      (
        await db.query<{ actor_id: string | null; subject_type: string; data: Record<string, unknown> }>(
          `SELECT actor_id, subject_type, data FROM audit_log WHERE action = 'retention.anonymise' ORDER BY id`,
        )
      ).rows;

    it('leaves everything alone while nothing is past the period', async () => {
      expect(await anonymiseExpired(db, { now: RECENT })).toMatchObject({ tickets: 0, calls: 0 });
      expect(await retentionAudits()).toEqual([]);
    });

    describe('with the clock moved past the period', () => {
      let changes: Change[];
      beforeAll(async () => {
        clock = LATER;
        const result = await anonymiseExpired(db, { now: LATER });
        expect(result).toEqual({ tickets: 1, calls: 1, cutoff: '2022-02-01T00:00:00.000Z' });
        ({ changes } = await desk.pullAll(cursor));
      });
      const pulled = <T>(id: string) => changes.find((c) => c.id === id && c.op === 'put')?.data as T | undefined;

      it('anonymises the old closed ticket; its history stays', async () => {
        expect(pulled<Ticket>(ids.oldClosed)).toMatchObject({
          residentId: null,
          residentName: null,
          phone: null,
          title: '***咨询物业费',
          status: 'closed',
          unitId: 'p1-3-1-502',
          closedAt: OLD.toISOString(),
        });
        const events = changes.filter((c) => c.entity === 'ticket_event').map((c) => c.data as TicketEvent);
        expect(events.map((e) => [e.kind, e.body])).toEqual(
          expect.arrayContaining([
            ['created', '***咨询物业费'],
            ['status', '***已确认，回电 ***'],
          ]),
        );
      });

      it('anonymises the old call: no number, caller or resident link', async () => {
        expect(pulled<Call>(ids.oldCall)).toMatchObject({
          from: null,
          fromE164: null,
          residentId: null,
          notes: '***咨询停车',
          startedAt: OLD.toISOString(),
        });
      });

      it('leaves open tickets and younger records as they were', async () => {
        const touched = new Set(changes.map((c) => c.id));
        for (const id of [ids.oldOpen, ids.recentClosed, ids.recentCall]) expect(touched.has(id), id).toBe(false);
        const { rows } = await db.query<{ id: string; resident_name: string | null }>(
          'SELECT id::text AS id, resident_name FROM tickets WHERE id = ANY($1::uuid[]) ORDER BY id',
          [[ids.oldOpen, ids.recentClosed]],
        );
        expect(rows.map((r) => r.resident_name)).toEqual(['张伟', '张伟']);
      });

      it('audits the run as the system, with counts', async () => {
        expect(await retentionAudits()).toEqual([
          {
            actor_id: null,
            subject_type: 'system',
            data: {
              tickets: 1,
              calls: 1,
              cutoff: '2022-02-01T00:00:00.000Z',
              retentionDays: DEFAULT_PERSONAL_DATA_RETENTION_DAYS,
            },
          },
        ]);
      });

      it('does nothing more when run again', async () => {
        expect(await anonymiseExpired(db, { now: LATER })).toMatchObject({ tickets: 0, calls: 0 });
        expect(await retentionAudits()).toHaveLength(1);
        expect((await desk.pullAll(cursor)).changes).toHaveLength(changes.length);
      });
    });

    it('runs on start with the configured period, in batches', async () => {
      // 200 days before LATER is 2024-07-16: the ticket closed and the call made on 2024-06-01 are past it.
      const other = buildServer({ db, now: () => LATER, personalDataRetentionDays: 200 });
      try {
        await other.ready();
      } finally {
        await other.close();
      }
      const { rows } = await db.query<{ id: string; resident_name: string | null; anonymised: boolean }>(
        `SELECT id::text AS id, resident_name, anonymised_at IS NOT NULL AS anonymised FROM tickets
          WHERE id = ANY($1::uuid[]) ORDER BY created_at`,
        [[ids.oldOpen, ids.recentClosed]],
      );
      expect(rows).toEqual([
        { id: ids.oldOpen, resident_name: '张伟', anonymised: false },
        { id: ids.recentClosed, resident_name: null, anonymised: true },
      ]);
      const recentCall = await db.query<{ from_raw: string | null }>('SELECT from_raw FROM calls WHERE id = $1', [
        ids.recentCall,
      ]);
      expect(recentCall.rows[0]?.from_raw).toBeNull();
      expect((await retentionAudits()).at(-1)?.data).toMatchObject({ tickets: 1, calls: 1, retentionDays: 200 });
    });

    it('works through more rows than one batch holds', async () => {
      const agent2 = actingAs(app, tokens.agent2);
      clock = OLD;
      const many = Array.from({ length: 5 }, () => randomUUID());
      await agent2.push(...many.flatMap((id) => [enquiry(id, '张伟咨询'), close(id)]));
      const result = await anonymiseExpired(db, { now: LATER, batchSize: 2 });
      expect(result).toMatchObject({ tickets: 5 });
      const { rows } = await db.query<{ n: unknown }>(
        'SELECT count(*) AS n FROM tickets WHERE id = ANY($1::uuid[]) AND resident_name IS NULL',
        [many],
      );
      expect(Number(rows[0]?.n)).toBe(5);
    });
  });
}

describe('the retention period on the command line', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  it.each([
    [['--retention-days', '0'], {}],
    [['--retention-days', '1.5'], {}],
    [[], { DESK_RETENTION_DAYS: 'three years' }],
  ])('refuses %j %j before opening any database', (args, env) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--data', '/nonexistent/x', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--retention-days \/ DESK_RETENTION_DAYS must be a whole number of days/);
  });
});
