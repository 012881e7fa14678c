/**
 * The central server a kill run talks to (DESIGN.md §9 rule 6, faults on every side):
 * - `inProcessCentral()`: PGlite in memory and the server in the test's own process (never killed);
 * - `processCentral('pglite', dir)`: `tsx server/cli.ts --data dir` in its own process, SIGKILLed at random moments
 *   and restarted on the same data directory and port;
 * - `processCentral('postgres', url)`: the same for the node server, and every other fault a terminated PostgreSQL
 *   backend (pg_terminate_backend of a server connection in the middle of a transaction).
 * Only faults that really happened are counted: a kill of a process that had already exited, or a terminate that hit
 * no backend, is not a kill.
 */
import type { FastifyInstance } from 'fastify';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface FaultCounts {
  /** SIGKILLs of a running server process. */
  serverKills: number;
  /** PostgreSQL backends of the server terminated inside a transaction. */
  backendKills: number;
  /** Fault attempts that hit nothing (the process had exited, no backend was in a transaction). */
  missed: number;
}

export interface CentralHost {
  readonly label: string;
  /** Whether its faults take the server down (desks then wait for it: tests/support/desk-child DESK_WAIT_ONLINE). */
  readonly killsServer: boolean;
  /** Runs `fn` against the database while no server holds it (setup before start, inspection after stop). */
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Starts the server; its base URL stays the same across restarts. */
  start(): Promise<string>;
  /** Starts injecting faults at random moments (`random` in [0, 1)); `stop` ends them and waits for a live server. */
  startFaults(
    random: () => number,
    log: (line: string) => void,
  ): { stop(): Promise<FaultCounts>; counts(): FaultCounts };
  /** Stops the server (SIGTERM / close). */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * How long the server runs between two faults: a random moment in this range, plus as long as its last restart took
 * (on a loaded machine a PGlite restart takes 15–20 s; without this the server was down nine tenths of the time and
 * the desks could not get their work through at all).
 */
const UP_MIN_MS = 1_000;
const UP_MAX_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** PGlite in memory, the server in this process: desks are killed, the server never is. */
export async function inProcessCentral(): Promise<CentralHost> {
  const db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  let app: FastifyInstance | null = null;
  return {
    label: 'in-process PGlite',
    killsServer: false,
    withDb: (fn) => fn(db),
    async start() {
      app = buildServer({ db, loginRateLimit: { max: 10_000, timeWindow: '1 minute' } });
      await app.listen({ host: '127.0.0.1', port: 0 });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    },
    startFaults: () => {
      const none = { serverKills: 0, backendKills: 0, missed: 0 };
      return { stop: async () => none, counts: () => none };
    },
    async stop() {
      await app?.close();
      app = null;
    },
    dispose: () => db.close(),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** `tsx server/cli.ts` on `port`, resolved once it listens. */
function spawnServer(port: number, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', String(port), ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4000));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${out}`));
    }, 120_000);
    child.stderr.on('data', keep);
    child.stdout.on('data', (d: Buffer) => {
      keep(d);
      if (/listening on http/.test(out)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${signal ?? code}) before listening:\n${out}`));
    });
  });
}

const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/** SIGKILL when still running; resolves whether the process died of that kill. */
async function sigkill(child: ChildProcess): Promise<boolean> {
  if (exited(child)) return false;
  const gone = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  child.kill('SIGKILL');
  return (await gone) === 'SIGKILL';
}

/**
 * Terminates the server's PostgreSQL connections that are inside a transaction right now (waiting up to `withinMs`
 * for one); returns how many were terminated.
 */
async function terminateMidTransaction(adminUrl: string, database: string, withinMs: number): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const until = Date.now() + withinMs;
    do {
      const { rows } = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            AND xact_start IS NOT NULL AND query NOT ILIKE '%LISTEN%'`,
        [database],
      );
      const hit = rows.filter((r) => r.ok).length;
      if (hit > 0) return hit;
      await sleep(5);
    } while (Date.now() < until);
    return 0;
  } finally {
    await admin.end();
  }
}

/**
 * The server in its own process on PGlite (`target` a data directory) or PostgreSQL (`target` a database URL).
 * Between faults it runs for UP_MIN_MS–UP_MAX_MS (long enough for desks to push again after a restart); on
 * PostgreSQL every other fault is a backend terminate.
 */
export async function processCentral(backend: 'pglite' | 'postgres', target: string): Promise<CentralHost> {
  const port = await freePort();
  const args = backend === 'pglite' ? ['--data', target] : ['--db', target];
  let child: ChildProcess | null = null;
  const open = async () => {
    const db = await openDb(backend === 'pglite' ? { dataDir: target } : { url: target });
    await migrate(db);
    return db;
  };
  /** Starts the server again; a failed start (e.g. the port not yet free) is retried a few times. */
  const restart = async (log: (line: string) => void): Promise<ChildProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await spawnServer(port, args);
      } catch (err) {
        if (attempt >= 5) throw err;
        log(`server restart failed (attempt ${attempt}), retrying: ${String(err).slice(0, 500)}`);
        await sleep(1_000);
      }
    }
  };
  const host: CentralHost = {
    label: backend === 'pglite' ? 'PGlite server process' : 'PostgreSQL server process',
    killsServer: true,
    async withDb(fn) {
      const db = await open();
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    },
    async start() {
      child = await spawnServer(port, args);
      return `http://127.0.0.1:${port}`;
    },
    startFaults(random, log) {
      const counts: FaultCounts = { serverKills: 0, backendKills: 0, missed: 0 };
      let stopped = false;
      let turn = 0;
      let lastRestartMs = 0;
      const loop = (async () => {
        while (!stopped) {
          await sleep(UP_MIN_MS + Math.floor(random() * (UP_MAX_MS - UP_MIN_MS)) + lastRestartMs);
          if (stopped) break;
          turn += 1;
          if (backend === 'postgres' && turn % 2 === 0) {
            const url = new URL(target);
            const hit = await terminateMidTransaction(url.toString(), url.pathname.slice(1), 2_000);
            if (hit > 0) counts.backendKills += hit;
            else counts.missed += 1;
            log(`server backends terminated: ${hit} (${counts.backendKills} so far)`);
            continue;
          }
          const running = child;
          if (running && (await sigkill(running))) counts.serverKills += 1;
          else counts.missed += 1;
          child = null;
          const restarted = performance.now();
          child = await restart(log);
          lastRestartMs = performance.now() - restarted;
          log(
            `server killed (${counts.serverKills} so far, ${counts.backendKills} backends), ` +
              `restarted in ${lastRestartMs.toFixed(0)} ms`,
          );
        }
      })();
      return {
        async stop() {
          stopped = true;
          await loop;
          return counts;
        },
        counts: () => ({ ...counts }),
      };
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || exited(running)) return;
      const gone = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      await gone;
    },
    async dispose() {
      await host.stop();
    },
  };
  return host;
}
