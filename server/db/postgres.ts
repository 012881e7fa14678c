/** The Db driver over a real PostgreSQL server through a `pg` pool. */
import pg from 'pg';
import type { Db, Queryable } from './driver';

type PgTarget = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

function queryable(target: PgTarget): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]) {
      // A multi-statement text (migrations) yields one result per statement: keep the last, like PGlite's exec.
      const result = (await target.query(sql, params ? [...params] : undefined)) as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(result) ? result.at(-1) : result;
      return { rows: (last?.rows ?? []) as T[] };
    },
  };
}

/** Channel names cannot be bound as parameters: quote them as identifiers. */
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function openPostgres(url: string, poolSize = 10): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reports the error.
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const plain = queryable(pool);
  return {
    kind: 'postgres',
    query: plain.query,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      // LISTEN is per connection: hold one client for as long as the listener lives.
      const client = await pool.connect();
      const onNotification = (msg: pg.Notification) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      };
      client.on('notification', onNotification);
      await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        client.off('notification', onNotification);
        await client.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
        client.release();
      };
    },
    close: () => pool.end(),
  };
}
