/**
 * sync.initial_100k_s.{pglite,postgres}: a fresh desk host (createDesk on an empty profile, login) against a
 * server holding 100k tickets, timed until its first sync cycle completes (sync.status online, no progress,
 * nothing pending). Ratio: the same ticket rows bulk-inserted into a fresh table of an encrypted SQLite file (the
 * cache's cipher, issue 11 §3); the log also shows the same insert into a plain file, the cost of encryption.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import type { User } from '../../../common/domain';
import { newCacheKey, unlockCache } from '../../../main/cache/cipher';
import { openProfileCache } from '../../support/cache-file';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import {
  BENCH_PASSWORD,
  POSTGRES_SKIP_REASON,
  openConsole,
  postgresAdminUrl,
  removeTempDir,
  round,
  startServer,
  tempDir,
  type Backend,
  type BenchDatabase,
} from './fixtures';

export const INITIAL_TICKETS = 100_000;
export const INITIAL_BUDGET_S = 5;

/** A central database holding INITIAL_TICKETS tickets and the agents who log in to it (server not running). */
export interface HundredK {
  database: BenchDatabase;
  users: User[];
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

/** When the bulk load's background search-index fill ends (meta `fts_fill` gone), as a performance.now() time. */
async function waitForSearchIndex(profileDir: string, timeoutMs = 120_000): Promise<number> {
  const cache = openProfileCache(profileDir);
  try {
    const filling = cache.prepare(`SELECT 1 FROM meta WHERE key = 'fts_fill'`);
    const deadline = performance.now() + timeoutMs;
    while (filling.get() !== undefined) {
      if (performance.now() > deadline) throw new Error(`the search index was not filled within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return performance.now();
  } finally {
    cache.close();
  }
}

export function initialSyncBench(backend: Backend, prepare: () => Promise<HundredK>): Bench {
  const key = `sync.initial_100k_s.${backend}`;
  return {
    name: `initial sync of ${INITIAL_TICKETS.toLocaleString('en-US')} tickets (${backend})`,
    keys: [key],
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      if (backend === 'postgres' && !postgresAdminUrl()) {
        ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
        return [{ key, skipped: POSTGRES_SKIP_REASON }];
      }
      const { database, users } = await prepare();
      const user = users[0];
      if (!user) throw new Error('no bench user');
      const server = await startServer(database);
      ctx.log(`server (${backend}) at ${server.url}`);
      try {
        let logged = 0;
        const serverCpuBefore = server.cpuMs();
        const deskCpuBefore = process.cpuUsage();
        const started = performance.now();
        const console_ = await openConsole(server.url, {
          onProgress: (rows) => {
            if (rows - logged < 20_000) return;
            logged = rows;
            ctx.log(`  initial sync: ${rows.toLocaleString('en-US')} rows after ${elapsed(started)}`);
          },
        });
        try {
          const opened = performance.now();
          await console_.desk.handlers['session.login']({ username: user.username, password: BENCH_PASSWORD });
          const loggedIn = performance.now();
          await console_.synced;
          const done = performance.now();
          const seconds = (done - started) / 1000;
          const deskCpu = process.cpuUsage(deskCpuBefore);
          ctx.log(
            `  CPU until synced: desk ${((deskCpu.user + deskCpu.system) / 1e6).toFixed(2)} s, server ` +
              `${((server.cpuMs() - serverCpuBefore) / 1000).toFixed(2)} s (the two overlap: pages are prefetched)`,
          );
          ctx.log(
            `  createDesk ${(opened - started).toFixed(0)} ms, login ${(loggedIn - opened).toFixed(0)} ms, ` +
              `pull until synced ${(done - loggedIn).toFixed(0)} ms → ${seconds.toFixed(2)} s`,
          );
          const indexed = await waitForSearchIndex(console_.profileDir);
          ctx.log(
            `  indexes for jump-to-code, duplicates and short search, then the search index, built in the background ` +
              `by ${((indexed - started) / 1000).toFixed(2)} s after the start (those queries scan until then; ` +
              `not part of the figure: every view's list and count is indexed when the sync reports done)`,
          );
          const views = await console_.desk.handlers['tickets.views']({});
          const all = views.find((v) => v.id === 'all')?.count ?? 0;
          if (all !== INITIAL_TICKETS) {
            throw new Error(`the cache holds ${all} tickets after the initial sync, expected ${INITIAL_TICKETS}`);
          }
          const raw = rawSqliteInsertMs(console_.profileDir);
          ctx.log(
            `  raw bulk insert of the same ${raw.rows} rows: ${raw.ms.toFixed(0)} ms encrypted as the cache is, ` +
              `${raw.plainMs.toFixed(0)} ms into a plain file (×${(raw.ms / raw.plainMs).toFixed(2)} for encryption)`,
          );
          return [
            {
              key,
              value: round(seconds),
              unit: 's',
              budget: INITIAL_BUDGET_S,
              ratio: round(seconds / (raw.ms / 1000), 1),
              ratioTo: 'raw bulk insert of the same rows into an encrypted SQLite file',
            },
          ];
        } finally {
          await console_.close();
        }
      } finally {
        await server.stop();
      }
    },
  };
}

const elapsed = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
