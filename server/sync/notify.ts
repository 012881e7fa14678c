/** Pokes listeners (consoles' live sockets, other server nodes) that the change log grew. */
import type { Queryable } from '../db/driver';

export const CHANGES_CHANNEL = 'desk_changes';

/** Call inside the writing transaction: PostgreSQL delivers a NOTIFY only when that transaction commits. */
export async function notifyChanges(q: Queryable, source: Record<string, string>): Promise<void> {
  await q.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(source)]);
}
