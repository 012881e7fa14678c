/**
 * "No write on error" (issue 11 §1): a fingerprint of everything the server's data holds, to compare before and
 * after a refused request. Every table of the public schema counts, except what a refused request may rightly
 * write: sessions and sign-in bookkeeping (failed attempts, lockouts) and the audit trail. New tables are included
 * by themselves.
 *
 * Cheap to ask often. A table's digest is its row count and the sum of its rows' xmin (the transaction that wrote
 * each row version): any committed insert, update or delete changes it, without reading the rows' contents. A table
 * with bookkeeping columns (users: password hash, failed sign-ins…) is hashed on its other columns instead. And the
 * digest is only recomputed when some transaction committed since the last one (read-only and rolled-back
 * transactions change nothing).
 */
import type { Db } from '../../server/db/driver';

const BOOKKEEPING_TABLE = /^(auth_|audit_log$)|login|attempt|lockout|throttle|schema_migrations|^migrations$/;
const BOOKKEEPING_COLUMN = /password|login|attempt|lock/;

export interface DbFingerprint {
  /** The digest now (recomputed only when a transaction committed since the last call). */
  current(): Promise<string>;
}

async function digestQuery(db: Db): Promise<string> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const columns = new Map<string, string[]>();
  for (const { table_name: table, column_name: column } of rows) {
    if (!BOOKKEEPING_TABLE.test(table)) columns.set(table, [...(columns.get(table) ?? []), column]);
  }
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const parts = [...columns].map(([table, cols]) => {
    const kept = cols.filter((c) => !BOOKKEEPING_COLUMN.test(c));
    const value =
      kept.length === cols.length
        ? 'x.xmin::text::bigint'
        : `hashtextextended(row(${kept.map((c) => `x.${q(c)}`).join(', ')})::text, 0)`;
    const digest = `count(*)::text || '/' || coalesce(sum(${value}), 0)::text`;
    return `'${table.replaceAll("'", "''")}:' || (SELECT ${digest} FROM ${q(table)} x)`;
  });
  return `SELECT md5(${parts.join(" || '|' || ")}) AS fp`;
}

const NEXT_XID = 'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xid';
/** Of the transactions numbered in [$1, $2): how many committed, and the first still running (it may commit later). */
const SINCE = `SELECT count(*) FILTER (WHERE s = 'committed')::int AS committed,
    min(x) FILTER (WHERE s = 'in progress')::text AS running
  FROM (SELECT x, pg_xact_status(x::text::xid8) AS s FROM generate_series($1::bigint, $2::bigint - 1) x) t`;

export async function createDbFingerprint(db: Db): Promise<DbFingerprint> {
  const sql = await digestQuery(db);
  const nextXid = async () => String((await db.query<{ xid: string }>(NEXT_XID)).rows[0]?.xid);
  const digest = async () => String((await db.query<{ fp: string }>(sql)).rows[0]?.fp);
  let seenXid = await nextXid();
  let hash = await digest();
  return {
    async current() {
      const xid = await nextXid();
      if (xid === seenXid) return hash;
      const { committed, running } = (
        await db.query<{ committed: number; running: string | null }>(SINCE, [seenXid, xid])
      ).rows[0]!;
      // A transaction still running is looked at again next time: it may yet commit.
      seenXid = running ?? xid;
      if (committed > 0 || running !== null) hash = await digest();
      return hash;
    },
  };
}
