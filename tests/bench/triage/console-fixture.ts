/**
 * What the console benches of the triage group stand on (issue 4): a small central server (PGlite) and a console
 * profile that is really signed in there and whose cache holds 100k tickets — without a 100k initial sync.
 *
 * 1. The bench database gets the teams, four agents and 100k tickets (fixtures.bulkInsertTickets); the tickets'
 *    change_log rows are then removed, so a pull never sends them, but the server still knows every ticket (the
 *    assignments and status changes the benches push are accepted, not rejected as unknown).
 * 2. The server starts; a desk host (createDesk) on a fresh profile logs in through the real login and runs its
 *    initial pull (teams and users only), then closes: the profile holds a real session and a pull cursor.
 * 3. That profile is copied once as it is (the "empty cache" baseline of the ratios), then the same 100k tickets,
 *    read back from the database, are written into its cache with the cache's own repository (tickets.put in one
 *    transaction; the triggers build both search indexes).
 *
 * The browser host is then started on these profiles by the benches as it ships: the built out/web/cli.mjs
 * (scripts/build-web-host.mjs, rebuilt here first when stale) run by plain `node`, as `npm run serve` and
 * `npm start` run it. The spawned pid is the desk host itself (host.rss_mb reads its /proc/<pid>/status).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { EventName } from '../../../common/contract';
import type { Ticket, User } from '../../../common/domain';
import type { SyncStatus } from '../../../common/sync';
import { createRepos, openCache } from '../../../main/cache';
import { createDesk } from '../../../main/desk';
import { TICKET_COLUMNS, ticketFromRow } from '../../../server/db/rows';
import type { BenchContext } from '../types';
import {
  BENCH_PASSWORD,
  ROOT,
  bulkInsertTickets,
  createBenchDatabase,
  seedAgents,
  seedTeams,
  startServer,
  tempDir,
  type BenchDatabase,
  type RunningServer,
} from '../sync/fixtures';

export const CONSOLE_TICKETS = 100_000;

export interface ConsoleFixture {
  server: RunningServer;
  user: User;
  /** Signed in, 100k tickets cached. */
  profile: string;
  /** The same profile before the tickets were written: signed in, no tickets (the ratios' baseline). */
  emptyProfile: string;
  /** Filled in by the startup bench: the host's RSS right after an empty-cache cold start (MB). */
  emptyRssMb?: number;
  dispose(): Promise<void>;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Logs a desk host in and waits for its first complete sync cycle (teams and users here). */
async function signIn(serverUrl: string, profile: string, user: User): Promise<void> {
  const desk = await createDesk({ profileDir: profile, serverUrl });
  try {
    const synced = new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error('the login sync did not finish in 120 s')), 120_000);
      const off = desk.subscribe((name, payload) => {
        if ((name as EventName) !== 'sync.status') return;
        const s = payload as unknown as SyncStatus;
        if (s.state === 'online' && s.progress === null && s.pending === 0) {
          clearTimeout(timer);
          off();
          resolvePromise();
        }
      });
    });
    await desk.handlers['session.login']({ username: user.username, password: BENCH_PASSWORD });
    await synced;
  } finally {
    await desk.close();
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

function ensureWebHostBuilt(): void {
  const build = join(ROOT, 'scripts', 'build-web-host.mjs');
  const result = spawnSync(process.execPath, [build, '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the browser host (scripts/build-web-host.mjs) failed');
}

export async function prepareConsoleFixture(ctx: BenchContext): Promise<ConsoleFixture> {
  ensureWebHostBuilt();
  let started = performance.now();
  const database: BenchDatabase = await createBenchDatabase('pglite');
  let tickets: Ticket[];
  let users: User[];
  try {
    const db = await database.open();
    try {
      await seedTeams(db);
      users = await seedAgents(db, 4, 'triage');
      await bulkInsertTickets(db, CONSOLE_TICKETS, users);
      await db.query(`DELETE FROM change_log WHERE entity = 'ticket'`);
      const { rows } = await db.query(`SELECT ${TICKET_COLUMNS} FROM tickets ORDER BY created_at, id`);
      tickets = rows.map(ticketFromRow);
    } finally {
      await db.close();
    }
  } catch (err) {
    await database.dispose();
    throw err;
  }
  const user = users[0] as User;
  ctx.log(`  server database: ${tickets.length.toLocaleString('en-US')} tickets in ${seconds(started)}`);

  const server = await startServer(database);
  try {
    started = performance.now();
    const profile = tempDir('triage-profile');
    await signIn(server.url, profile, user);
    const emptyProfile = tempDir('triage-empty-profile');
    cpSync(profile, emptyProfile, { recursive: true });
    ctx.log(`  ${user.username} signed in (real login + initial pull) in ${seconds(started)}`);

    started = performance.now();
    const repos = createRepos(openCache(profile));
    try {
      repos.db.transaction(() => {
        for (const t of tickets) repos.tickets.put(t);
      })();
      repos.db.pragma('optimize');
      repos.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      repos.db.close();
    }
    ctx.log(`  ${tickets.length.toLocaleString('en-US')} tickets written into the cache in ${seconds(started)}`);
    return {
      server,
      user,
      profile,
      emptyProfile,
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
