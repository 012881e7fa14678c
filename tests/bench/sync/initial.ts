/**
 * sync.initial_100k_s.{pglite,postgres} (done), sync.initial_100k_usable_s.{pglite,postgres} and host.peak_rss_mb
 * (issue 13): a fresh desk host in its own process (./initial-desk) logs in to a server holding the demo
 * generator's `medium` data — 100k tickets with their ~0.9M events and 150k calls, 100k residents — and runs its
 * first sync. Usable: the inbox, a search and two ticket details answer right after the sync says its working set (every
 * hot ticket with its events) is in — the desk asks the server for what its cache cannot answer yet. Done: the
 * background work after it (deferred indexes, search index, WAL checkpoint) has ended too. Peak RSS: the desk
 * process's VmHWM. Ratio: the same ticket rows bulk-inserted into a fresh table of an encrypted SQLite file (the
 * cache's cipher, issue 11 §3); the log also shows the same insert into a plain file, the cost of encryption.
 */
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import type { User } from '../../../common/domain';
import { newCacheKey, unlockCache } from '../../../main/cache/cipher';
import { openProfileCache } from '../../support/cache-file';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import { HOT_TICKET_DAYS } from '../../../common/sync';
import {
  BENCH_PASSWORD,
  bundleDeskEntry,
  POSTGRES_SKIP_REASON,
  postgresAdminUrl,
  removeTempDir,
  round,
  startChild,
  startServer,
  tempDir,
  type Backend,
  type BenchDatabase,
} from './fixtures';

export const INITIAL_TICKETS = 100_000;
/** DESIGN.md §9: initial sync of 100k tickets with their events, usable ≤ 5 s, done ≤ 15 s; peak RSS ≤ 300 MB. */
export const INITIAL_USABLE_BUDGET_S = 5;
export const INITIAL_DONE_BUDGET_S = 15;
export const PEAK_RSS_BUDGET_MB = 300;

/**
 * A central database holding the demo generator's `medium` data (INITIAL_TICKETS tickets with their events and
 * calls, residents) and the agents who log in to it (server not running).
 */
export interface HundredK {
  database: BenchDatabase;
  users: User[];
  /** The data size, as the figures name it. */
  data: string;
}

/**
 * Time of the raw baseline: the rows of the cache's `tickets` table, inserted into a fresh file with the same
 * table definition (no secondary indexes), the cache's pragmas (WAL, synchronous FULL) and ONE transaction; into an
 * encrypted file as the cache is (the same work), and into a plain one.
 */
export function rawSqliteInsertMs(profileDir: string): { ms: number; plainMs: number; rows: number } {
  const cache = openProfileCache(profileDir);
  const ddl = cache.prepare<[], { sql: string }>(
    `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'tickets'`,
  );
  const tableSql = ddl.get()?.sql;
  if (!tableSql) throw new Error('the cache has no tickets table');
  const select = cache.prepare('SELECT * FROM tickets');
  const columns = select.columns().map((c) => c.name);
  const rows = select.raw().all() as unknown[][];
  cache.close();

  const dir = tempDir('raw-sqlite');
  try {
    // Twice each, alternating, the faster kept: the first insert on a cold file system is not the cipher's cost.
    const [plain, encrypted] = [[] as number[], [] as number[]];
    for (let i = 0; i < 2; i++) {
      plain.push(insertMs(join(dir, `plain-${i}.sqlite3`), false));
      encrypted.push(insertMs(join(dir, `encrypted-${i}.sqlite3`), true));
    }
    return { ms: Math.min(...encrypted), plainMs: Math.min(...plain), rows: rows.length };
  } finally {
    removeTempDir(dir);
  }

  function insertMs(file: string, encrypted: boolean): number {
    const raw = new Database(file);
    try {
      if (encrypted) unlockCache(raw, newCacheKey());
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = FULL');
      raw.exec(tableSql!);
      const insert = raw.prepare(
        `INSERT INTO tickets (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      const insertAll = raw.transaction((all: unknown[][]) => {
        for (const r of all) insert.run(r);
      });
      const started = performance.now();
      insertAll(rows);
      return performance.now() - started;
    } finally {
      raw.close();
    }
  }
}

/** One ticket of the server's data for the usable checks: its id and code. */
interface Probe {
  id: string;
  code: string;
}

/** An open ticket (its events come with the initial pull) and a ticket closed long ago (its history does not). */
async function probes(database: BenchDatabase): Promise<{ hot: Probe; cold: Probe }> {
  const db = await database.open();
  try {
    const pick = async (where: string): Promise<Probe> => {
      const { rows } = await db.query<{ id: string; code: string }>(
        `SELECT id::text AS id, code FROM tickets t WHERE deleted_at IS NULL AND code IS NOT NULL AND ${where}
          AND EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id) ORDER BY id LIMIT 1`,
      );
      if (!rows[0]) throw new Error(`no bench probe ticket where ${where}`);
      return rows[0];
    };
    return {
      hot: await pick('closed_at IS NULL'),
      cold: await pick(`closed_at IS NOT NULL AND updated_at < now() - interval '${HOT_TICKET_DAYS + 30} days'`),
    };
  } finally {
    await db.close();
  }
}

interface DeskResult {
  createDeskMs: number;
  loginMs: number;
  workingSetS: number;
  cycleOverS: number;
  usableS: number;
  doneS: number;
  deskCpuAtCycleOverS: number;
  deskCpuS: number;
  checksMs: number;
  searchMs: number;
  searchReadyAtUsable: boolean;
  searchFromServer: boolean;
  coldFromServer: boolean;
  rowsAtUsable: number | null;
  cachedTickets: number;
  hotEvents: number;
  coldHistoryMissingAtOpen: boolean;
  coldLoadedMs: number | null;
  coldEvents: number;
  peakRssMb: number;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function searchHow(r: DeskResult): string {
  if (r.searchFromServer) return 'answered by the server: the cache was still filling';
  return r.searchReadyAtUsable ? 'search index' : 'the cache, search index still filling: LIKE fallback';
}

export function initialSyncBench(backend: Backend, prepare: () => Promise<HundredK>): Bench {
  const key = `sync.initial_100k_s.${backend}`;
  const usableKey = `sync.initial_100k_usable_s.${backend}`;
  // One peak figure: measured in the PGlite run (the PostgreSQL run logs its own).
  const rssKey = backend === 'pglite' ? ['host.peak_rss_mb'] : [];
  return {
    name: `initial sync of ${INITIAL_TICKETS.toLocaleString('en-US')} tickets with their history (${backend})`,
    keys: [key, usableKey, ...rssKey],
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      if (backend === 'postgres' && !postgresAdminUrl()) {
        ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
        return [key, usableKey, ...rssKey].map((k) => ({ key: k, skipped: POSTGRES_SKIP_REASON }));
      }
      const { database, users, data } = await prepare();
      const user = users[0];
      if (!user) throw new Error('no bench user');
      const probe = await probes(database);
      const server = await startServer(database);
      ctx.log(`server (${backend}) at ${server.url}`);
      const profileDir = tempDir('profile');
      try {
        const serverCpuBefore = server.cpuMs();
        const desk = await startChild(
          'initial-sync desk',
          [
            bundleDeskEntry('tests/bench/sync/initial-desk.ts'),
            JSON.stringify({
              serverUrl: server.url,
              profileDir,
              username: user.username,
              password: BENCH_PASSWORD,
              hot: probe.hot,
              cold: probe.cold,
            }),
          ],
          /RESULT (\{.*\})\n/,
          600_000,
        );
        // It exits on its own once it has printed (and written its CPU profile, with BENCH_CPU_PROF).
        await exited(desk.child, 30_000);
        await desk.stop();
        const r = JSON.parse(desk.match[1] ?? '{}') as DeskResult;
        ctx.log(
          `  desk process: createDesk ${r.createDeskMs} ms, login ${r.loginMs} ms, working set in at ` +
            `${r.workingSetS.toFixed(2)} s (${r.rowsAtUsable ?? 'all'} changes applied), the usable checks took ` +
            `${r.checksMs} ms → usable ${r.usableS.toFixed(2)} s; sync cycle over at ${r.cycleOverS.toFixed(2)} s; ` +
            `done (deferred indexes, search index, WAL checkpoint) ${r.doneS.toFixed(2)} s; server CPU ` +
            `${((server.cpuMs() - serverCpuBefore) / 1000).toFixed(2)} s; desk CPU ${r.deskCpuAtCycleOverS.toFixed(2)} s ` +
            `until the cycle was over, ${r.deskCpuS.toFixed(2)} s until done`,
        );
        ctx.log(
          `  usable checks: inbox rows; search by code ${r.searchMs} ms (${searchHow(r)}); ` +
            `hot ticket detail with ${r.hotEvents} events (cache); cold ticket opened ` +
            `${r.coldFromServer ? 'from the server (not cached yet), with' : 'from the cache, history'} ` +
            `${r.coldHistoryMissingAtOpen ? `not downloaded, fetched on open in ${r.coldLoadedMs ?? 'never'} ms ` : 'present '}` +
            `(${r.coldEvents} events); ${r.cachedTickets} tickets cached at the end; peak RSS of the desk process ` +
            `${r.peakRssMb.toFixed(0)} MB`,
        );
        if (r.cachedTickets !== INITIAL_TICKETS) {
          throw new Error(
            `the cache holds ${r.cachedTickets} tickets after the initial sync, expected ${INITIAL_TICKETS}`,
          );
        }
        const raw = rawSqliteInsertMs(profileDir);
        ctx.log(
          `  raw bulk insert of the same ${raw.rows} ticket rows: ${raw.ms.toFixed(0)} ms encrypted as the cache is, ` +
            `${raw.plainMs.toFixed(0)} ms into a plain file (×${(raw.ms / raw.plainMs).toFixed(2)} for encryption)`,
        );
        const from =
          "from createDesk on an empty profile in the desk's own process (process start and module loading not counted; login included)";
        const entries: BenchEntry[] = [
          {
            key,
            value: round(r.doneS),
            unit: 's',
            budget: INITIAL_DONE_BUDGET_S,
            ratio: round(r.doneS / (raw.ms / 1000), 1),
            ratioTo: 'raw bulk insert of the same ticket rows into an encrypted SQLite file',
            data,
            span:
              `${from} until the sync reports its background work over: snapshot pages applied, view indexes, ` +
              'deferred indexes, search index filled, WAL checkpoint ended; the residents directory download runs ' +
              'alongside and is not waited for',
          },
          {
            key: usableKey,
            value: round(r.usableS),
            unit: 's',
            budget: INITIAL_USABLE_BUDGET_S,
            data,
            span:
              `${from} until, right after the sync says its working set is in (every hot ticket with its events), ` +
              `the inbox, a search by a cold ticket's code (${searchHow(r)}, ${r.searchMs} ms) and two ticket ` +
              `details (hot from the cache; cold ${r.coldFromServer ? 'from the server' : 'from the cache'}) have ` +
              'answered; the other tickets, the indexes, the search index and the WAL checkpoint come after it',
          },
        ];
        if (rssKey.length > 0) {
          entries.push({
            key: 'host.peak_rss_mb',
            value: round(r.peakRssMb, 1),
            unit: 'MB',
            budget: PEAK_RSS_BUDGET_MB,
            data,
            span:
              'VmHWM of the desk host process (alone in its process, compiled as the shipped host is) read at the end ' +
              'of the initial sync',
          });
        }
        return entries;
      } finally {
        removeTempDir(profileDir);
        await server.stop();
      }
    },
  };
}
