/**
 * Which failures are the database's or the network's (try again later) rather than the statement's: a connection
 * lost, the server shutting down, out of disk or memory, a deadlock or serialization failure, a lock or statement
 * timeout. SQLSTATE classes 08, 40, 53, 55, 57, 58 and XX, and Node's system errors (ECONNRESET…). Anything else
 * (bad data 22xxx, a constraint 23xxx, a bug) belongs to what was being written.
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|55|57|58|XX)[0-9A-Z]{3}$/;

export function isTransientDbError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code } = err as { code?: unknown };
  if (typeof code === 'string' && TRANSIENT_SQLSTATE.test(code)) return true;
  return 'syscall' in err;
}

/** The SQLSTATE of a database error (five characters), else null. */
export function sqlStateOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || 'syscall' in err) return null;
  const { code } = err as { code?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}
