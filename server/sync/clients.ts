/**
 * A sync client id belongs to the user whose push first used it (server/sync/push.ts binds it): push, pull and the
 * live socket refuse it to anyone else, with the same 403. An id nobody has pushed with yet is nobody's.
 */
import type { User } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { HttpError } from '../http/errors';

export function clientNotYours(): HttpError {
  return new HttpError(403, 'forbidden', { reason: 'client_not_yours' });
}

/** The client's row when it is this user's; clientNotYours for anyone else's, or for no row at all. */
export function requireOwnRow<T extends { user_id: unknown }>(row: T | undefined, user: User): T {
  if (!row || String(row.user_id) !== user.id) throw clientNotYours();
  return row;
}

export async function assertClientOwner(q: Queryable, clientId: string, user: User): Promise<void> {
  const { rows } = await q.query<{ user_id: string }>('SELECT user_id FROM sync_clients WHERE client_id = $1', [
    clientId,
  ]);
  const row = rows[0];
  if (row) requireOwnRow(row, user);
}
