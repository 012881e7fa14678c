/**
 * The kill -9 run (DESIGN.md §9 rule 6, faults on every side), once per backend, with the crash harness of
 * tests/support/kill-run.ts: KILL_LANES desk host child processes at once, SIGKILLed at named crash points and at
 * random moments, while the server runs in its own process (tests/support/central-host.ts) and is SIGKILLed at random
 * moments and restarted on the same data — on PostgreSQL every other server fault is a pg_terminate_backend of one of
 * its connections in the middle of a transaction. Only kills that happened are counted.
 *
 * Keys: sync.kill9_lost / sync.kill9_duplicated — over every run (both backends), budget 0; per backend
 * sync.kill9_kills.<backend> (desk kills + server faults, at least KILLS_MIN) and sync.kill9_server_kills.<backend>
 * (server process kills + terminated backends, at least SERVER_KILLS_MIN).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { processCentral } from '../../support/central-host';
import { runKillRun, type KillRunResult } from '../../support/kill-run';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import { POSTGRES_SKIP_REASON, postgresAdminUrl, removeTempDir, tempDir, type Backend } from './fixtures';

export const KILLS_MIN = 200;
export const SERVER_KILLS_MIN = 50;
/** Desk kills planned per backend (a crash point the work never reaches is planned but not counted). */
export const DESK_KILL_POINTS = 170;
export const KILL_LANES = 2;
/**
 * Comments each desk lane produces over its lives; the planned kills are spread over the first half, the rest keeps
 * the desks at work (killed from outside) until the server has had SERVER_KILLS_MIN faults. On a quiet machine a
 * PGlite server fault takes ~10 s (restart ~4 s, then up as long again), so 50 of them need ~9 minutes of work, and
 * two desks write ~35 comments a second (8,000 a lane ran out after 34 server kills).
 */
export const KILL_MUTATIONS = 16_000;

async function withCentral<T>(
  backend: Backend,
  fn: (central: Awaited<ReturnType<typeof processCentral>>) => Promise<T>,
) {
  if (backend === 'pglite') {
    const dir = tempDir('kill-pglite');
    const central = await processCentral('pglite', dir);
    try {
      return await fn(central);
    } finally {
      await central.dispose();
      removeTempDir(dir);
    }
  }
  const adminUrl = postgresAdminUrl();
  if (!adminUrl) throw new Error(POSTGRES_SKIP_REASON);
  const name = `desk_kill_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const central = await processCentral('postgres', url.toString());
  try {
    return await fn(central);
  } finally {
    await central.dispose();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function runOn(backend: Backend, ctx: BenchContext): Promise<KillRunResult> {
  return withCentral(backend, async (central) => {
    let lives = 0;
    const result = await runKillRun({
      killPoints: DESK_KILL_POINTS,
      mutations: KILL_MUTATIONS,
      plannedMutations: KILL_MUTATIONS / 2,
      lanes: KILL_LANES,
      minServerFaults: SERVER_KILLS_MIN,
      central,
      log: (line) => {
        // Every server fault with its restart time (slow restarts are what make desks wait); every 10th desk life.
        if (line.startsWith('server') || ++lives % 10 === 0) ctx.log(`  ${backend}: ${line}`);
      },
    });
    const s = result.server;
    ctx.log(
      `  ${backend}, seed ${result.seed}: ${result.killed} desk SIGKILLs over ${result.lives} lives, ` +
        `${s.serverKills} server SIGKILLs, ${s.backendKills} terminated backends (${s.missed} faults hit nothing, ` +
        `not counted); ${result.mutations} mutations → lost ${result.lost}, duplicated ${result.duplicated}; ` +
        `server processed ${result.processed} (${result.applied} applied), outboxes left ${result.outboxLeft}, ` +
        `${(result.durationMs / 1000).toFixed(0)} s`,
    );
    return result;
  });
}

export function kill9Bench(): Bench {
  const backends: Backend[] = ['pglite', 'postgres'];
  const perBackend = (b: Backend) => [`sync.kill9_kills.${b}`, `sync.kill9_server_kills.${b}`];
  const keys = ['sync.kill9_lost', 'sync.kill9_duplicated', ...backends.flatMap(perBackend)];
  return {
    name: `kill -9 run (desks and servers, ≥ ${KILLS_MIN} kills per backend)`,
    keys,
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      const out: Array<BenchEntry | BenchSkip> = [];
      const runs: Array<[Backend, KillRunResult]> = [];
      for (const backend of backends) {
        if (backend === 'postgres' && !postgresAdminUrl()) {
          ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
          out.push(...perBackend(backend).map((key) => ({ key, skipped: POSTGRES_SKIP_REASON })));
          continue;
        }
        const r = await runOn(backend, ctx);
        runs.push([backend, r]);
        const serverKills = r.server.serverKills + r.server.backendKills;
        const data = `${KILL_LANES} desks × ${KILL_MUTATIONS} mutations, server ${backend} in its own process`;
        const span = 'kills counted only when they hit a live process or a backend inside a transaction';
        out.push(
          {
            key: `sync.kill9_kills.${backend}`,
            value: r.killed + serverKills,
            unit: 'count',
            budget: KILLS_MIN,
            atLeast: true,
            data,
            span,
          },
          {
            key: `sync.kill9_server_kills.${backend}`,
            value: serverKills,
            unit: 'count',
            budget: SERVER_KILLS_MIN,
            atLeast: true,
            data,
            span:
              backend === 'pglite'
                ? 'server process SIGKILLed and restarted on the same data directory'
                : 'node server SIGKILLed and restarted, and PostgreSQL backends terminated mid-transaction',
          },
        );
      }
      const data = runs
        .map(
          ([b, r]) =>
            `${b}: ${r.mutations} mutations, ${r.killed} desk + ${r.server.serverKills + r.server.backendKills} server kills`,
        )
        .join('; ');
      const span =
        'after the last kill: an undisturbed desk life per lane drains its outbox, then the server rows are counted';
      out.unshift(
        {
          key: 'sync.kill9_lost',
          // A comment missing from the rows, or a mutation id the server has no recorded result for.
          value: runs.reduce((n, [, r]) => n + Math.max(r.lost, r.mutations - r.processed), 0),
          unit: 'count',
          budget: 0,
          data,
          span,
        },
        {
          key: 'sync.kill9_duplicated',
          value: runs.reduce((n, [, r]) => n + r.duplicated, 0),
          unit: 'count',
          budget: 0,
          data,
          span,
        },
      );
      return out;
    },
  };
}
