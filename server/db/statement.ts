/**
 * A statement and its parameters, as a value: writes and reads that usually run alone can also run together as
 * one statement (`combined`, `readTogether`), where every statement counts — PGlite's one connection parses and plans each, and each
 * is a round trip to PostgreSQL.
 */
import type { Queryable } from './driver';
import type { Row } from './rows';

export interface Statement {
  /** SQL with its own `$1…` parameters and no other `$` (no dollar quoting). */
  sql: string;
  params: unknown[];
}

/** `s`'s SQL with its parameters moved after those already in `params` (which it joins). */
function renumbered(s: Statement, params: unknown[]): string {
  const offset = params.length;
  params.push(...s.params);
  return s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

/** Runs `s`; nothing to do for null (a writer with no rows). */
export async function run(q: Queryable, s: Statement | null): Promise<void> {
  if (s) await q.query(s.sql, s.params);
}

/**
 * The writes, then `last`, as one statement: the writes as data-modifying WITH queries, `last` as the main query
 * (its result is the statement's). All run on one snapshot and none sees another's rows, so a write must not depend
 * on another's effects — except foreign keys, which are checked when the whole statement is done.
 */
export function combined(writes: ReadonlyArray<Statement | null>, last: Statement): Statement {
  const parts = writes.filter((w): w is Statement => w !== null);
  const params: unknown[] = [];
  const ctes = parts.map((w, i) => `w${i} AS (${renumbered(w, params)})`);
  const main = renumbered(last, params);
  return { sql: ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${main}` : main, params };
}

/** A read as a value: its statement, and what its rows mean. */
export interface Read<T> extends Statement {
  decode(rows: Row[]): T;
}

/** Runs `r` alone. */
export async function read<T>(q: Queryable, r: Read<T>): Promise<T> {
  return r.decode((await q.query<Row>(r.sql, r.params)).rows);
}

type Results<R> = { [K in keyof R]: R[K] extends Read<infer T> ? T : never };

/**
 * Several reads as one statement (one round trip, one plan): one row with a column per read, holding its rows
 * as a JSON array of objects keyed by column name — times as ISO text, which the row mappers take as they take
 * the drivers' dates.
 */
export async function readTogether<R extends Record<string, Read<unknown>>>(
  q: Queryable,
  reads: R,
): Promise<Results<R>> {
  const names = Object.keys(reads);
  const params: unknown[] = [];
  const columns = names.map(
    (name, i) =>
      `(SELECT COALESCE(json_agg(r), '[]') FROM (${renumbered(reads[name] as Read<unknown>, params)}) r) AS r${i}`,
  );
  const { rows } = await q.query<Row>(`SELECT ${columns.join(',\n')}`, params);
  const row = rows[0] ?? {};
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const value = row[`r${i}`];
    const list = (typeof value === 'string' ? JSON.parse(value) : value) as Row[];
    out[name] = (reads[name] as Read<unknown>).decode(list);
  });
  return out as Results<R>;
}
