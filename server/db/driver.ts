/**
 * The one small storage interface of the central server: PostgreSQL through `pg`, or PGlite in a data
 * directory. One SQL dialect (PostgreSQL) for both; `$1` placeholders.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: T[] }>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK on throw). */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel (PostgreSQL NOTIFY); PGlite delivers its own NOTIFYs. Returns unlisten. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
