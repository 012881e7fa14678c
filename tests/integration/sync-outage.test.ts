/**
 * Server down (issue 3): the central server is a real child process (`tsx server/cli.ts`, PGlite in a temp data
 * dir, or PostgreSQL when TEST_DATABASE_URL is set). It is stopped with SIGTERM; meanwhile a desk host makes 500
 * ticket mutations and logs 50 calls. The status shows offline since … with 550 pending; the server restarts on
 * the same data and port, and everything arrives exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import type { User } from '../../common/domain';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { spawnServer, stopServer as stopServerProcess } from '../support/server-process';

const PASSWORD = 'correct horse battery';
const TICKETS = 100; // 100 creates + 4 × 100 follow-ups = 500 ticket mutations
const CALLS = 50;
const adminUrl = process.env.TEST_DATABASE_URL;

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

/** Where the server keeps its data: a PGlite directory, or a throwaway PostgreSQL database. */
let storage: { args: string[]; open: () => Promise<Db>; dispose: () => Promise<void> };
let server: ChildProcess | null = null;
let port = 0;
let agent: User;
let desk: DeskHost | null = null;

async function prepareStorage(): Promise<void> {
  if (adminUrl) {
    const name = `desk_outage_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    storage = {
      args: ['--db', url.toString()],
      open: () => openDb({ url: url.toString() }),
      async dispose() {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  } else {
    const dataDir = join(tmp('desk-outage-'), 'server');
    storage = { args: ['--data', dataDir], open: () => openDb({ dataDir }), dispose: async () => {} };
  }
  const db = await storage.open();
  await migrate(db);
  agent = await createUser(db, { username: 'agent01', name: '坐席一', role: 'agent', password: PASSWORD });
  await db.close();
}

/** Starts the server (port 0 the first time, then the same). */
async function startServer(): Promise<void> {
  const started = await spawnServer(port, storage.args);
  server = started.child;
  port = started.port;
}

/** SIGTERM, then wait until the process has really gone (its data is closed and the port is free). */
async function stopServer(): Promise<void> {
  const child = server;
  if (!child) return;
  server = null;
  expect(await stopServerProcess(child)).toBe(0);
}

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  if (!desk) throw new Error('no desk');
  const res = await dispatchDeskCall(desk.handlers, method, input);
  if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.message}`), { code: res.error.code });
  return res.value as MethodOutput<M>;
}

async function waitFor<T>(probe: () => Promise<T | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  await prepareStorage();
  await startServer();
});

afterAll(async () => {
  await desk?.close();
  server?.kill('SIGKILL');
  await storage?.dispose();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(`server down (${adminUrl ? 'PostgreSQL' : 'PGlite data dir'})`, () => {
  const ticketIds: string[] = [];
  const startedAt = new Date().toISOString();

  it(
    'keeps working while the server process is stopped: 500 ticket mutations and 50 call logs queue up',
    { timeout: 120_000 },
    async () => {
      // A short poll interval: the desk notices the server's return by itself (no sync.now needed).
      desk = await createDesk({
        profileDir: tmp('desk-outage-profile-'),
        serverUrl: `http://127.0.0.1:${port}`,
        sync: { intervalMs: 300, pushDebounceMs: 20 },
        requestTimeoutMs: 3_000,
      });
      await call('session.login', { username: 'agent01', password: PASSWORD });
      await waitFor(async () => (await call('sync.status', {})).state === 'online');

      await stopServer();
      for (let i = 1; i <= TICKETS; i++) {
        const t = await call('tickets.create', {
          type: 'repair',
          category: 'plumbing',
          channel: 'phone',
          title: `o-${i}`,
        });
        ticketIds.push(t.id);
        await call('tickets.setStatus', { id: t.id, status: 'accepted' });
        await call('tickets.assign', { id: t.id, assigneeId: agent.id });
        await call('tickets.comment', { id: t.id, body: `o-${i} first` });
        await call('tickets.comment', { id: t.id, body: `o-${i} second` });
      }
      // calls.log arrived with sync schema 2 (call.log mutation); logged against the tickets above.
      for (let i = 1; i <= CALLS; i++) {
        await call('calls.log', {
          direction: 'inbound',
          from: `138001380${String(i).padStart(2, '0')}`,
          startedAt,
          notes: `c-${i}`,
          ticketId: ticketIds[i - 1] ?? null,
        });
      }

      const status = await call('sync.now', {});
      expect(status).toMatchObject({ state: 'offline', pending: TICKETS * 5 + CALLS });
      expect(Date.parse(status.offlineSince ?? '')).not.toBeNaN();
      // A few more failed polls change nothing.
      await new Promise((r) => setTimeout(r, 700));
      expect(await call('sync.status', {})).toMatchObject({
        state: 'offline',
        pending: TICKETS * 5 + CALLS,
        offlineSince: status.offlineSince,
      });
      expect((await call('tickets.get', { id: ticketIds[0] ?? '' }))?.ticket).toMatchObject({
        status: 'accepted',
        assigneeId: agent.id,
      });
    },
  );

  it(
    'drains by itself once the server is back on the same data and port; everything arrives once',
    { timeout: 180_000 },
    async () => {
      await startServer();
      const status = await waitFor(async () => {
        const s = await call('sync.status', {});
        return s.state === 'online' && s.pending === 0 && s;
      });
      expect(status).toMatchObject({ offlineSince: null, rejected: [] });
      // The cache holds the server's versions (codes assigned) and nothing optimistic is left.
      const first = await call('tickets.get', { id: ticketIds[0] ?? '' });
      expect(first?.ticket.code).toMatch(/^BX-/);
      await desk?.close();
      desk = null;
      await stopServer();

      const db = await storage.open();
      try {
        const tickets = await db.query<{ n: number; versions: number }>(
          `SELECT COUNT(*)::int AS n, SUM(version)::int AS versions FROM tickets
          WHERE id = ANY($1::uuid[]) AND status = 'accepted' AND assignee_id = $2`,
          [ticketIds, agent.id],
        );
        expect(tickets.rows[0]).toEqual({ n: TICKETS, versions: TICKETS * 5 });
        const events = await db.query<{ kind: string; n: number; distinct: number }>(
          `SELECT kind, COUNT(*)::int AS n, COUNT(DISTINCT body)::int AS distinct FROM ticket_events
          WHERE ticket_id = ANY($1::uuid[]) GROUP BY kind ORDER BY kind`,
          [ticketIds],
        );
        expect(events.rows).toEqual([
          { kind: 'assign', n: TICKETS, distinct: 1 },
          { kind: 'comment', n: 2 * TICKETS, distinct: 2 * TICKETS },
          { kind: 'created', n: TICKETS, distinct: TICKETS },
          { kind: 'status', n: TICKETS, distinct: 1 },
        ]);
        const calls = await db.query<{ n: number; distinct: number }>(
          `SELECT COUNT(*)::int AS n, COUNT(DISTINCT notes)::int AS distinct FROM calls
          WHERE agent_id = $1 AND notes LIKE 'c-%'`,
          [agent.id],
        );
        expect(calls.rows[0]).toEqual({ n: CALLS, distinct: CALLS });
        const processed = await db.query<{ outcome: string; n: number }>(
          `SELECT m.outcome, COUNT(*)::int AS n FROM sync_mutations m JOIN sync_clients c USING (client_id)
          WHERE c.user_id = $1 GROUP BY m.outcome`,
          [agent.id],
        );
        expect(processed.rows).toEqual([{ outcome: 'applied', n: TICKETS * 5 + CALLS }]);
      } finally {
        await db.close();
      }
    },
  );
});
