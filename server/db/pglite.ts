/** The Db driver over PGlite (embedded PostgreSQL in WASM): in memory or in a data directory. */
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable } from './driver';

type PgliteLike = Pick<PGlite, 'query' | 'exec'> | Transaction;

/**
 * Without parameters a statement goes through `exec` (simple protocol, several statements allowed), exactly
 * like `pg`'s `query(text)`, so migrations run the same way on both drivers.
 */
function queryable(target: PgliteLike): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]) {
      if (!params || params.length === 0) {
        const results = await target.exec(sql);
        return { rows: (results.at(-1)?.rows ?? []) as T[] };
      }
      const result = await target.query<T>(sql, params as unknown[]);
      return { rows: result.rows };
    },
  };
}

/**
 * `loadDataDir`: a dump (PGlite's dumpDataDir) to start from instead of an empty cluster — opening one takes a third
 * of the time of creating a cluster (tests start from a migrated dump: tests/support/pglite-template.ts).
 */
export async function openPglite(dataDir: string | 'memory', loadDataDir?: Blob): Promise<Db> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  return pgliteDb(await PGlite.create(dataDir === 'memory' ? { loadDataDir } : { dataDir, loadDataDir }));
}

/** A running PGlite as a Db (closing the Db closes it). */
export function pgliteDb(pg: PGlite): Db {
  const plain = queryable(pg);
  return {
    kind: 'pglite',
    query: plain.query,
    tx: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    async listen(channel, onPayload) {
      const unlisten = await pg.listen(channel, onPayload);
      return () => unlisten();
    },
    close: () => pg.close(),
  };
}
