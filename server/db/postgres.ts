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
      // A checked-out client has no error listener of the pool's: a connection lost between two statements
      // (terminated backend, database restart) would crash the process. The next statement fails instead, and the
      // client is thrown away rather than returned to the pool.
      let lost: Error | undefined;
      const onLost = (err: Error) => void (lost = err);
      client.on('error', onLost);
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (!lost) await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onLost);
        client.release(lost ?? false);
      }
    },
    async listen(channel, onPayload) {
      // LISTEN is per connection: hold one client for as long as the listener lives. When that connection drops
      // (server restart, failover, terminated backend), listen again on a new one and report an empty payload:
      // notifications sent in between are lost, the listener should act as if it missed some.
      let client: pg.PoolClient | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | null = null;
      const onNotification = (msg: pg.Notification) => {
        if (msg.channel === channel) onPayload(msg.payload ?? '');
      };
      const attach = async (): Promise<void> => {
        const c = await pool.connect();
        // A checked-out client has no error listener: without this one a lost connection crashes the process.
        c.on('error', () => {
          if (client !== c) return;
          client = null;
          c.off('notification', onNotification);
          c.release(true);
          reattach(1_000);
        });
        c.on('notification', onNotification);
        try {
          await c.query(`LISTEN ${quoteIdent(channel)}`);
        } catch (err) {
          c.release(true);
          throw err;
        }
        if (stopped) {
          await c.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
          c.release();
          return;
        }
        client = c;
      };
      const reattach = (delayMs: number) => {
        if (stopped) return;
        retry = setTimeout(() => {
          retry = null;
          attach().then(
            () => onPayload(''),
            () => reattach(Math.min(delayMs * 2, 30_000)),
          );
        }, delayMs);
        retry.unref();
      };
      await attach();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        const c = client;
        client = null;
        if (!c) return;
        c.off('notification', onNotification);
        await c.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
        c.release();
      };
    },
    close: () => pool.end(),
  };
}
