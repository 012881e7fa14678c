/**
 * A PostgreSQL connection lost in the middle of a transaction (a terminated backend, a failover, a restart of the
 * database) fails that transaction with an error and nothing else: the server process lives on and the next
 * transaction gets a fresh connection. The kill runs (tests/bench/sync/kill9) terminate backends mid-transaction and
 * found the node server gone afterwards: a checked-out client's 'error' event had no listener.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';

const postgres = BACKENDS.find((b) => b.name === 'postgres');

describe.skipIf(!postgres || postgres.skipReason)('a PostgreSQL backend terminated mid-transaction', () => {
  let db: Db;
  let dispose: () => Promise<void>;
  let admin: pg.Client;

  beforeAll(async () => {
    ({ db, dispose } = await postgres!.open());
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await dispose?.();
  });

  it('fails that transaction, keeps the process alive, and the next one works', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const failed = db.tx(async (q) => {
        const { rows } = await q.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Terminated while this transaction is between two statements (idle in transaction), as a kill finds it.
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await q.query('SELECT 1');
      });
      await expect(failed).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      const again = await db.tx(async (q) => (await q.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one);
      expect(again).toBe(1);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
