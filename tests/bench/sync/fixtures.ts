/**
 * What the sync benches stand on: a throwaway central database (PGlite in a temp folder, or a database created on
 * the PostgreSQL server of TEST_DATABASE_URL / BENCH_DATABASE_URL), bench users and tickets bulk-inserted straight
 * in SQL (generate_series, with their change_log rows), the real server (server/cli.ts) as a child process, and
 * desk hosts (createDesk) on temporary profiles.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import type { EventName, EventPayload } from '../../../common/contract';
import { TEAM_IDS, type User } from '../../../common/domain';
import type { SyncStatus } from '../../../common/sync';
import { createDesk, type DeskOptions } from '../../../main/desk';
import type { DeskHost } from '../../../main/host';
import { createUser } from '../../../server/auth/users';
import type { Db } from '../../../server/db/driver';
import { migrate } from '../../../server/db/migrate';
import { openDb } from '../../../server/db/open';
import { recordChanges } from '../../../server/sync/changes';

export const ROOT = resolve(import.meta.dirname, '../../..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
export const BENCH_PASSWORD = 'bench-password';

export type Backend = 'pglite' | 'postgres';

/** The PostgreSQL server to create bench databases on, or null (the postgres variants are then skipped). */
export function postgresAdminUrl(): string | null {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || null;
}

export const POSTGRES_SKIP_REASON = 'neither TEST_DATABASE_URL nor BENCH_DATABASE_URL is set';

// ---------------------------------------------------------------------------------------------------------------
// Temporary folders and child processes, cleaned up even when the bench crashes or is interrupted.

const tempDirs = new Set<string>();
const children = new Set<ChildProcess>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `desk-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => process.exit(130));
}

/**
 * Compiles a bench's desk-side entry (e.g. ./initial-desk.ts) into out/bench/ the way the shipped desk host is built
 * (scripts/build-web-host.mjs), so the process measured runs compiled code as an agent's desk does, without the tsx
 * loader (~44 MB of RSS and its start-up).
 */
export function bundleDeskEntry(entry: string): string {
  const outfile = join(ROOT, 'out', 'bench', `${basename(entry, '.ts')}.mjs`);
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'scripts', 'build-web-host.mjs'), '--entry', join(ROOT, entry), '--outfile', outfile],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`bundling ${entry} failed:\n${build.stderr}`);
  return outfile;
}

/**
 * Starts `node tsx <script> ...args` (or `node <script> ...args` for a compiled `.mjs`: see bundleDeskEntry) and
 * resolves once a line of its output matches `ready`.
 */
export async function startChild(
  label: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string; stop: () => Promise<void> }> {
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each child (desk, server) there, for working on a bench.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const argv = [...profile, ...(args[0]?.endsWith('.mjs') ? args : [TSX_CLI, ...args])];
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  // Keep only the tail: a server logs every request, and the output matters only when something fails.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-8_000);
  };
  const stop = () =>
    new Promise<void>((done) => {
      children.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  const match = await new Promise<RegExpExecArray>((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${label}: not ready after ${timeoutMs} ms:\n${tail}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      keep(chunk);
      seen += chunk.toString();
      const m = ready.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        resolvePromise(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${signal ?? code}) before it was ready:\n${tail}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return { child, match, output: () => tail, stop };
}

// ---------------------------------------------------------------------------------------------------------------
// Central databases.

export interface BenchDatabase {
  backend: Backend;
  /** Opens (and migrates) the database in this process; close it before a PGlite server uses the folder. */
  open(): Promise<Db>;
  /** Arguments of server/cli.ts that point it at this database. */
  serverArgs: string[];
  dispose(): Promise<void>;
}

export async function createBenchDatabase(backend: Backend): Promise<BenchDatabase> {
  if (backend === 'pglite') {
    const dir = tempDir('pglite');
    return {
      backend,
      async open() {
        const db = await openDb({ dataDir: dir });
        await migrate(db);
        return db;
      },
      serverArgs: ['--data', dir],
      dispose: async () => removeTempDir(dir),
    };
  }
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error(POSTGRES_SKIP_REASON);
  const name = `desk_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    backend,
    async open() {
      const db = await openDb({ url: url.toString() });
      await migrate(db);
      return db;
    },
    serverArgs: ['--db', url.toString()],
    async dispose() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Bench data.

/** The teams every ticket may point at, with their change_log rows. */
export async function seedTeams(db: Db): Promise<void> {
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO teams (id, name_zh, name_en) SELECT id, id || ' 组', id || ' team' FROM unnest($1::text[]) AS t(id)`,
      [[...TEAM_IDS]],
    );
    await recordChanges(q, 'team', [...TEAM_IDS]);
  });
}

/** `count` agents named bench01…, all with BENCH_PASSWORD (each createUser records its change_log row). */
export async function seedAgents(db: Db, count: number, prefix = 'bench'): Promise<User[]> {
  const users: User[] = [];
  for (let i = 1; i <= count; i++) {
    const username = `${prefix}${String(i).padStart(2, '0')}`;
    users.push(
      await createUser(db, {
        username,
        name: `Bench agent ${i}`,
        role: 'agent',
        teamId: 'cs',
        password: BENCH_PASSWORD,
      }),
    );
  }
  return users;
}

/**
 * `count` realistic tickets (types, workflow-valid statuses, Chinese titles and descriptions, unit codes,
 * residents, phones, teams, assignees, timestamps over the past months) generated inside the database in one
 * statement, then one change_log row each so a console's first pull receives them all. One transaction.
 */
export async function bulkInsertTickets(db: Db, count: number, users: readonly User[]): Promise<void> {
  const userIds = users.map((u) => u.id);
  await db.tx(async (q) => {
    await q.query(
      `WITH g AS (
         SELECT i,
           (ARRAY['repair','repair','repair','repair','repair','repair','repair','repair','repair','repair',
                  'complaint','complaint','complaint','enquiry','enquiry','enquiry','enquiry','fee','fee',
                  'suggestion'])[1 + i % 20] AS type,
           (1 + i % 30) || '-' || (1 + (i / 30) % 4) || '-' || (100 * (1 + (i / 120) % 30) + 1 + (i / 3600) % 4)
             AS unit_code,
           now() - make_interval(mins => ($1::int - i) * 3 + 60) AS created,
           -- Deterministic ids that are valid version-4 UUIDs (the wire schema checks version and variant).
           md5('bench-ticket-' || i) AS h
         FROM generate_series(1, $1::int) AS i
       ), s AS (
         SELECT g.*,
           CASE type
             WHEN 'repair' THEN (ARRAY['new','accepted','dispatched','acknowledged','on_site','done','confirmed',
                                       'closed','closed','closed'])[1 + (i / 20) % 10]
             WHEN 'complaint' THEN (ARRAY['new','accepted','investigating','replied','closed'])[1 + (i / 20) % 5]
             WHEN 'fee' THEN (ARRAY['new','contacted','promised','paid','closed'])[1 + (i / 20) % 5]
             ELSE (ARRAY['new','closed','closed'])[1 + (i / 20) % 3]
           END AS status,
           created + make_interval(mins => (i * 37) % 600) AS updated,
           (ARRAY['厨房水管漏水','楼道灯不亮','电梯异响停运','门禁卡失灵','楼上噪音扰民','车位被占用',
                  '物业费账单疑问','垃圾未及时清运'])[1 + i % 8] AS issue
         FROM g
       )
       INSERT INTO tickets (id, code, type, category, channel, priority, status, title, description, unit_code,
                            resident_name, phone, team_id, assignee_id, created_by, created_at, updated_at,
                            closed_at, version)
       SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid,
         (CASE type WHEN 'repair' THEN 'BX' WHEN 'complaint' THEN 'TS' WHEN 'enquiry' THEN 'ZX' WHEN 'fee' THEN 'CJ'
                    ELSE 'JY' END)
           || '-' || to_char(date '2020-01-01' + i / 10000, 'YYYYMMDD') || '-' || lpad((i % 10000)::text, 4, '0'),
         type,
         (ARRAY['plumbing','electrical','lift','access','cleaning','security','noise','parking','fees',
                'other'])[1 + (i * 7) % 10],
         (ARRAY['phone','phone','phone','wechat','app','walk_in','kiosk','patrol'])[1 + (i * 3) % 8],
         (ARRAY[1,2,2,3,3,3,3,4])[1 + (i * 5) % 8],
         status,
         issue || ' ' || unit_code,
         '住户来电反映' || issue || '（' || unit_code || '），希望尽快安排师傅上门处理。白天家中有人，上门前请先电话联系。',
         unit_code,
         (ARRAY['王','李','张','刘','陈','杨','赵','黄'])[1 + i % 8] ||
           (ARRAY['伟','芳','娜','敏','静','强','磊','洋'])[1 + (i / 8) % 8],
         '138' || lpad(((i * 7919) % 100000000)::text, 8, '0'),
         (ARRAY['cs','plumbing','electrical','lift','cleaning','security','finance'])[1 + i % 7],
         CASE WHEN i % 3 = 0 THEN NULL ELSE ($2::uuid[])[1 + i % cardinality($2::uuid[])] END,
         ($2::uuid[])[1 + (i / 7) % cardinality($2::uuid[])],
         created,
         updated,
         CASE WHEN status IN ('closed', 'cancelled') THEN updated END,
         1 + i % 4
       FROM s`,
      [count, userIds],
    );
    await q.query(
      `INSERT INTO change_log (entity, entity_id, op)
       SELECT 'ticket', id::text, 'put' FROM tickets ORDER BY created_at, id`,
    );
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The central server as a child process.

export interface RunningServer {
  url: string;
  /** CPU time (user + system) used so far by the server process and its children (tsx runs node as a child). */
  cpuMs(): number;
  stop(): Promise<void>;
  output(): string;
}

/** server/cli.ts with its default logging, on a free port; the database must not be open in this process. */
export async function startServer(database: BenchDatabase): Promise<RunningServer> {
  const server = await startChild(
    `server (${database.backend})`,
    ['server/cli.ts', '--port', '0', ...database.serverArgs],
    /listening on (http:\/\/\S+)/,
  );
  const pid = server.child.pid;
  return {
    url: server.match[1] ?? '',
    stop: server.stop,
    output: server.output,
    cpuMs: () => (pid === undefined ? 0 : processTreeCpuMs(pid)),
  };
}

/** Linux: utime + stime of `pid` and its live descendants, from /proc (0 where /proc is missing). */
export function processTreeCpuMs(pid: number): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let total = 0;
  const visit = (id: number) => {
    try {
      // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
      for (const task of readdirSync(`/proc/${id}/task`)) {
        const children = readFileSync(`/proc/${id}/task/${task}/children`, 'utf8').trim();
        for (const child of children ? children.split(' ') : []) visit(Number(child));
      }
    } catch {
      // the process ended meanwhile, or no /proc
    }
  };
  visit(pid);
  return total;
}

/** Logs in against the central API; returns the token. */
export async function apiLogin(serverUrl: string, username: string, password = BENCH_PASSWORD): Promise<string> {
  const res = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

// ---------------------------------------------------------------------------------------------------------------
// Desk hosts in this process.

export interface BenchConsole {
  desk: DeskHost;
  profileDir: string;
  /** Resolves with the first status after the first full sync cycle (online, no progress, nothing pending). */
  synced: Promise<SyncStatus>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  close(): Promise<void>;
}

/**
 * A desk host on a fresh profile, not yet logged in. `synced` settles once the sync engine reports its first
 * complete cycle after login; `onProgress` sees the initial-sync row counts.
 */
export async function openConsole(
  serverUrl: string,
  options: Partial<DeskOptions> & { onProgress?: (rows: number) => void; syncTimeoutMs?: number } = {},
): Promise<BenchConsole> {
  const profileDir = tempDir('profile');
  const desk = await createDesk({ ...options, profileDir, serverUrl });
  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
    desk.subscribe((name, payload) => {
      if ((name as EventName) === event) listener(payload as unknown as EventPayload<E>);
    });
  const synced = new Promise<SyncStatus>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`initial sync did not finish within ${options.syncTimeoutMs ?? 300_000} ms`)),
      options.syncTimeoutMs ?? 300_000,
    );
    timer.unref();
    let started = false;
    const off = on('sync.status', (s) => {
      if (s.progress) {
        started = true;
        options.onProgress?.(s.progress.rows);
      }
      if (s.state === 'online' && s.progress === null && s.pending === 0) {
        clearTimeout(timer);
        off();
        resolvePromise(s);
      } else if (started && s.progress === null) {
        // The cycle ended without completing (the engine logs why); waiting for the next one hides the failure.
        clearTimeout(timer);
        off();
        reject(new Error(`the initial sync cycle ended in state ${s.state}, not online (see the [sync] log above)`));
      }
    });
  });
  synced.catch(() => undefined); // observed by whoever awaits it
  return {
    desk,
    profileDir,
    synced,
    on,
    async close() {
      await desk.close();
      removeTempDir(profileDir);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics.

/** Nearest-rank percentile (p in 0…100) of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function describeSamples(samples: readonly number[], unit = 'ms'): string {
  const f = (n: number) => n.toFixed(1);
  return (
    `n=${samples.length} p50 ${f(percentile(samples, 50))} ${unit}, p95 ${f(percentile(samples, 95))} ${unit}, ` +
    `max ${f(Math.max(...samples))} ${unit}`
  );
}

/** Deterministic PRNG (mulberry32): the same gaps between edits on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
