/**
 * A statement and its parameters, as a value: writers that usually run alone can also run together as one
 * statement (`combined`), where every statement counts — PGlite's one connection parses and plans each, and each
 * is a round trip to PostgreSQL.
 */
import type { Queryable } from './driver';

export interface Statement {
  /** SQL with its own `$1…` parameters and no other `$` (no dollar quoting). */
  sql: string;
  params: unknown[];
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
  const renumbered = (s: Statement) => {
    const offset = params.length;
    params.push(...s.params);
    return s.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  };
  const ctes = parts.map((w, i) => `w${i} AS (${renumbered(w)})`);
  const main = renumbered(last);
  return { sql: ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n${main}` : main, params };
}
