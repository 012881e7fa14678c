/**
 * "No write on error" (issue 11 §1): a fingerprint of everything the server's data holds, to compare before and
 * after a refused request. Every table of the public schema counts, except what a refused request may rightly
 * write: sessions and sign-in bookkeeping (failed attempts, lockouts) and the audit trail. New tables are included
 * by themselves.
 *
 * Cheap to ask often: a write transaction (committed or not) moves the next transaction id, so while that stays
 * put the content cannot have changed and the (costlier) content hash is not taken.
 */
import type { Db } from '../../server/db/driver';

const BOOKKEEPING_TABLE = /^(auth_|audit_log$)|login|attempt|lockout|throttle|schema_migrations|^migrations$/;
const BOOKKEEPING_COLUMN = /password|login|attempt|lock/;

export interface DbFingerprint {
  /** The content hash now (recomputed only when a write transaction happened since the last call). */
  current(): Promise<string>;
}

async function contentQuery(db: Db): Promise<string> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const columns = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of rows) {
    if (BOOKKEEPING_TABLE.test(table) || BOOKKEEPING_COLUMN.test(column)) continue;
    columns.set(table, [...(columns.get(table) ?? []), column]);
  }
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const parts = [...columns].map(([table, cols]) => {
    const row = `row(${cols.map((c) => `x.${q(c)}`).join(', ')})::text`;
    return `'${table.replaceAll("'", "''")}:' || (SELECT md5(coalesce(string_agg(${row}, ',' ORDER BY ${row}), '')) FROM ${q(table)} x)`;
  });
  return `SELECT md5(${parts.join(" || '|' || ")}) AS fp`;
}

const NEXT_XID = 'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid';

export async function createDbFingerprint(db: Db): Promise<DbFingerprint> {
  const sql = await contentQuery(db);
  const nextXid = async () => String((await db.query<{ xid: string }>(NEXT_XID)).rows[0]?.xid);
  let seenXid = await nextXid();
  let hash = String((await db.query<{ fp: string }>(sql)).rows[0]?.fp);
  return {
    async current() {
      const xid = await nextXid();
      if (xid !== seenXid) {
        seenXid = xid;
        hash = String((await db.query<{ fp: string }>(sql)).rows[0]?.fp);
      }
      return hash;
    },
  };
}
