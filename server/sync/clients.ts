/**
 * A sync client id belongs to the user whose push first used it (server/sync/push.ts binds it): push, pull and the
 * live socket refuse it to anyone else, with the same 403. An id nobody has pushed with yet is nobody's, and so is
 * one that is no uuid at all (the live socket's `?clientId=` is any short token, and sync_clients.client_id is a
 * uuid column: such an id could never have been pushed with, and casting it would fail the query).
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

/**
 * The uuid a client id names, in PostgreSQL's canonical form, or null when it names none. Hyphens are ignored
 * (PostgreSQL reads 32 hex digits with or without them as the same uuid), so no other spelling of a client's id
 * slips past its owner check.
 */
export function canonicalClientId(clientId: string): string | null {
  const hex = clientId.replaceAll('-', '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function assertClientOwner(q: Queryable, clientId: string, user: User): Promise<void> {
  const uuid = canonicalClientId(clientId);
  if (uuid === null) return;
  const { rows } = await q.query<{ user_id: string }>('SELECT user_id FROM sync_clients WHERE client_id = $1', [uuid]);
  const row = rows[0];
  if (row) requireOwnRow(row, user);
}
