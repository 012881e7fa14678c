/**
 * What the console benches of the triage group stand on (issue 13, DESIGN.md §9 rules 2 and 3): a central server
 * (PGlite, its own process) and a signed-in console profile whose cache holds the newest 100k tickets of the demo
 * generator's large data set with their events, and a server that has moved on since that console last synced.
 *
 * 1. The server database is seeded with the demo subset (./demo newestTickets: 100k tickets, all units,
 *    residents, users and teams; their events only go into the console's cache) by the seeder `--seed demo` uses. The tickets' and events' change_log rows
 *    are then removed, so the console's first pull does not sync them (a 100k initial sync is the sync group's
 *    bench); the server still holds every ticket, so what the benches push is applied, not rejected.
 * 2. The server starts; a desk host (createDesk) on a fresh profile logs in as a demo agent through the real login
 *    and runs its first sync (teams and users) and the residents directory download after it, then closes: the
 *    profile holds a real session, pull cursor and directory.
 *    That profile is copied as it is (the "empty cache" baseline of the ratios).
 * 3. The same 100k tickets (read back from the server database, as a pull delivers them) and their events are
 *    written into the cache with the cache's own repository (tickets.put / putEvent in one transaction: the
 *    triggers build both search indexes), as the sync engine's apply does.
 * 4. Another demo agent comments on CHANGED_SINCE tickets through the real push API after the sign-in (before the
 *    cache is written, which leaves the cursor alone): the change log holds work after the profile's cursor, which
 *    every start of the console pulls — what a real restart finds.
 *
 * The browser host is then started on copies of this profile by the benches as it ships: the built
 * out/web/cli.mjs (scripts/build-web-host.mjs, rebuilt here first when stale) run by plain `node`, as `npm run
 * serve` and `npm start` run it. The spawned pid is the desk host itself (host.rss_mb reads /proc/<pid>/status).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { EventName } from '../../../common/contract';
import type { Ticket, User } from '../../../common/domain';
import { SYNC_SCHEMA_VERSION, type SyncStatus } from '../../../common/sync';
import { createRepos, openCache } from '../../../main/cache';
import { CentralClient } from '../../../main/central';
import { createDesk } from '../../../main/desk';
import { TICKET_COLUMNS, USER_COLUMNS, ticketFromRow, userFromRow } from '../../../server/db/rows';
import { DEMO_PASSWORD, seedDemo } from '../../../server/seed/load';
import { waitForResidentsDirectory } from '../../support/cache-file';
import type { BenchContext } from '../types';
import {
  ROOT,
  createBenchDatabase,
  startServer,
  tempDir,
  type BenchDatabase,
  type RunningServer,
} from '../sync/fixtures';
import { DEMO_NOW, describeDemo, largeDemo, newestTickets } from './demo';

export const CONSOLE_TICKETS = 100_000;
/** Tickets another agent changed (one comment each) after the console's last sync: each start pulls them. */
export const CHANGED_SINCE = 300;
/** The agent the console signs in as, and the one whose changes it finds at start. */
const AGENT = 'agent01';
const OTHER_AGENT = 'agent02';
const SPREAD_CODES = 24;
/** The residents directory download gives up when its count has not moved for this long. */
const DIRECTORY_STALL_MS = 2 * 60_000;

export interface ConsoleFixture {
  server: RunningServer;
  user: User;
  /** Signed in, 100k tickets cached, CHANGED_SINCE changes waiting on the server. Copy it before starting on it. */
  profile: string;
  /** The same profile before the tickets were written: signed in, no tickets (the ratios' baseline). */
  emptyProfile: string;
  /** "demo large subset: …", the data size every figure names. */
  data: string;
  /** Codes of SPREAD_CODES tickets evenly spread over the cached ones (jump targets all over the list). */
  spreadCodes: string[];
  /** Filled in by the startup bench: the host's RSS right after an empty-cache cold start (MB). */
  emptyRssMb?: number;
  dispose(): Promise<void>;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/**
 * Logs a desk host in and waits for its first complete sync cycle (teams and users here), then for the residents
 * directory (`residents` of them), which downloads page by page after that cycle: a desk closed before it is
 * complete downloads the rest at each start, its host busy for a few hundred ms per page while the benches press
 * keys — which a desk that has been running never does.
 */
async function signIn(serverUrl: string, profile: string, user: User, residents: number): Promise<void> {
  const desk = await createDesk({ profileDir: profile, serverUrl });
  try {
    const synced = new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error('the login sync did not finish in 120 s')), 120_000);
      const off = desk.subscribe((name, payload) => {
        if ((name as EventName) !== 'sync.status') return;
        const s = payload as unknown as SyncStatus;
        // Background work done too (deferred indexes, search index fill): else every start of the console would
        // finish it while the benches press keys, which a desk that has been running never does.
        if (s.state === 'online' && s.progress === null && s.pending === 0 && !s.background) {
          clearTimeout(timer);
          off();
          resolvePromise();
        }
      });
    });
    await desk.handlers['session.login']({ username: user.username, password: DEMO_PASSWORD });
    await synced;
    await waitForResidentsDirectory(profile, residents, DIRECTORY_STALL_MS);
  } finally {
    await desk.close();
  }
}

/** `count` tickets commented on by another agent through POST /api/v1/sync/push, in batches as a desk sends them. */
async function changeTicketsElsewhere(serverUrl: string, tickets: readonly Ticket[], count: number): Promise<void> {
  const res = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: OTHER_AGENT, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login of ${OTHER_AGENT} failed: ${res.status} ${await res.text()}`);
  const central = new CentralClient(serverUrl, { timeoutMs: 60_000 });
  central.setToken(((await res.json()) as { token: string }).token);
  const clientId = randomUUID();
  // Spread over the whole list, so the changed rows are not all on the first screen.
  const step = Math.floor(tickets.length / count);
  let id = 0;
  for (let start = 0; start < count; start += 50) {
    const mutations = [];
    for (let i = start; i < Math.min(count, start + 50); i++) {
      const ticket = tickets[i * step] as Ticket;
      mutations.push({
        id: ++id,
        name: 'ticket.comment' as const,
        args: { id: ticket.id, eventId: randomUUID(), body: `住户再次来电询问进度（${i + 1}）。` },
      });
    }
    const out = await central.push({ clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations });
    const rejected = out.results.filter((r) => r.outcome !== 'applied');
    if (rejected.length > 0)
      throw new Error(`the server rejected ${rejected.length} comments: ${JSON.stringify(rejected[0])}`);
  }
}

/** A port free right now (the startup bench starts every host on the same one, as `npm start` does). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The browser host as shipped; `scripts/build-web-host.mjs --if-stale` rebuilds it when a source changed. */
const WEB_HOST = join(ROOT, 'out', 'web', 'cli.mjs');

export function ensureWebHostBuilt(): void {
  const build = join(ROOT, 'scripts', 'build-web-host.mjs');
  const result = spawnSync(process.execPath, [build, '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the browser host (scripts/build-web-host.mjs) failed');
}

export async function prepareConsoleFixture(ctx: BenchContext): Promise<ConsoleFixture> {
  ensureWebHostBuilt();
  const subset = newestTickets(largeDemo(ctx), CONSOLE_TICKETS);
  const data = `demo large subset: ${describeDemo(subset.tickets.length, subset.ticketEvents.length, subset.residents.length)}`;
  let started = performance.now();
  const database: BenchDatabase = await createBenchDatabase('pglite');
  let tickets: Ticket[];
  let user: User;
  try {
    const db = await database.open();
    try {
      // The events go into the console's cache only (step 3): nothing measured reads them on the server, and
      // ~1M of them would make seeding PGlite the longest part of the group.
      await seedDemo(db, { size: 'large', data: { ...subset, ticketEvents: [] }, now: DEMO_NOW });
      await db.query(`DELETE FROM change_log WHERE entity IN ('ticket', 'ticket_event')`);
      const { rows } = await db.query(`SELECT ${TICKET_COLUMNS} FROM tickets ORDER BY created_at, id`);
      tickets = rows.map(ticketFromRow);
      const agent = await db.query(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [AGENT]);
      user = userFromRow(agent.rows[0] ?? {});
    } finally {
      await db.close();
    }
  } catch (err) {
    await database.dispose();
    throw err;
  }
  ctx.log(`  server database seeded (${data}) in ${seconds(started)}`);

  const server = await startServer(database);
  try {
    started = performance.now();
    const profile = tempDir('triage-profile');
    await signIn(server.url, profile, user, subset.residents.length);
    const emptyProfile = tempDir('triage-empty-profile');
    cpSync(profile, emptyProfile, { recursive: true });
    ctx.log(`  ${user.username} signed in (real login + first pull + residents directory) in ${seconds(started)}`);
    // Right after the sign-in: the profile's cursor is taken, so these are still changes after it; pushed
    // later, after the long synchronous cache write, the client's pooled connection has been timed out by
    // the server (a stale 408 answers the login).
    started = performance.now();
    await changeTicketsElsewhere(server.url, tickets, CHANGED_SINCE).catch((err: unknown) => {
      throw new Error(`changing tickets on the server failed (${String(err)}); server log:\n${server.output()}`);
    });
    ctx.log(
      `  ${OTHER_AGENT} commented on ${CHANGED_SINCE} tickets since (each start pulls them) in ${seconds(started)}`,
    );

    started = performance.now();
    const repos = createRepos(openCache(profile));
    try {
      repos.db.transaction(() => {
        for (const t of tickets) repos.tickets.put(t);
        for (const e of subset.ticketEvents) repos.tickets.putEvent(e);
      })();
      repos.db.pragma('optimize');
      repos.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      repos.db.close();
    }
    ctx.log(
      `  ${tickets.length.toLocaleString('en-US')} tickets and ${subset.ticketEvents.length.toLocaleString('en-US')} ` +
        `events written into the cache in ${seconds(started)}`,
    );
    return {
      server,
      user,
      profile,
      emptyProfile,
      data,
      spreadCodes: Array.from({ length: SPREAD_CODES }, (_, i) => {
        const ticket = tickets[Math.floor(((i + 0.5) * tickets.length) / SPREAD_CODES)] as Ticket;
        return ticket.code ?? '';
      }).filter((code) => code !== ''),
      async dispose() {
        await server.stop();
        await database.dispose();
      },
    };
  } catch (err) {
    await server.stop();
    await database.dispose();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The browser host as a child process.

export interface RunningHost {
  child: ChildProcess;
  pid: number;
  url: string;
  /** performance.now() when the process was spawned and when it printed its URL. */
  spawnedAt: number;
  readyAt: number;
  stop(): Promise<void>;
}

const hosts = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of hosts) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `node out/web/cli.mjs --port N --server … --profile …` (N = 0: any free port); resolves once it printed its URL. */
export async function startHost(serverUrl: string, profile: string, port = 0): Promise<RunningHost> {
  const spawnedAt = performance.now();
  const args = [WEB_HOST, '--port', String(port), '--server', serverUrl, '--profile', profile];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  hosts.add(child);
  let tail = '';
  const stop = () =>
    new Promise<void>((done) => {
      hosts.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  try {
    const url = await new Promise<string>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`browser host not ready after 120 s:\n${tail}`)), 120_000);
      const onData = (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-8_000);
        const m = /Desk console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(tail);
        if (m) {
          clearTimeout(timer);
          resolvePromise(m[1] ?? '');
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`browser host exited (${signal ?? code}) before it was ready:\n${tail}`));
      });
    });
    return { child, pid: child.pid ?? -1, url, spawnedAt, readyAt: performance.now(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
