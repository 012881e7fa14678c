/**
 * Push (DESIGN.md §5): exactly-once processing of a console's outbox in one transaction.
 * id ≤ last → duplicate (already processed); id = last + 1 → run it; id > last + 1 → 409, nothing written.
 * A domain rejection still consumes the id, so one bad mutation never blocks the outbox behind it.
 */
import { ZodError, z } from 'zod';
import type { User } from '../../common/domain';
import { MutationRejected, V1_MUTATION_NAMES, parseMutation } from '../../common/mutations';
import type { PushRequest, PushResponse, PushResult } from '../../common/sync';
import type { Db, Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { executeMutation } from './execute';
import { notifyChanges } from './notify';

type PushedMutation = PushRequest['mutations'][number];

/** Locks the client's row, creating it bound to this user on its first push. Returns its last mutation id. */
async function lockClient(q: Queryable, clientId: string, user: User, now: Date): Promise<number> {
  await q.query(
    `INSERT INTO sync_clients (client_id, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (client_id) DO NOTHING`,
    [clientId, user.id, now.toISOString()],
  );
  const { rows } = await q.query<{ user_id: string; last_mutation_id: unknown }>(
    'SELECT user_id, last_mutation_id FROM sync_clients WHERE client_id = $1 FOR UPDATE',
    [clientId],
  );
  const row = rows[0];
  if (!row || String(row.user_id) !== user.id) throw new HttpError(403, 'forbidden', { reason: 'client_not_yours' });
  return Number(row.last_mutation_id);
}

function rejectionOf(err: unknown): { code: string; message: string } | null {
  if (err instanceof MutationRejected) return { code: err.code, message: err.message };
  if (err instanceof ZodError) return { code: 'invalid_args', message: z.prettifyError(err) };
  return null;
}

async function processOne(
  q: Queryable,
  clientId: string,
  m: PushedMutation,
  user: User,
  now: Date,
  schemaVersion: number,
): Promise<PushResult> {
  let result: PushResult;
  try {
    if (schemaVersion === 1 && !V1_MUTATION_NAMES.includes(m.name)) {
      throw new MutationRejected('unsupported_mutation', `${m.name} needs sync schema 2`);
    }
    await executeMutation(q, parseMutation(m.name, m.args), { actorId: user.id, actorRole: user.role, now });
    result = { id: m.id, outcome: 'applied' };
  } catch (err) {
    const error = rejectionOf(err);
    if (!error) throw err;
    result = { id: m.id, outcome: 'rejected', error };
  }
  await q.query(
    `INSERT INTO sync_mutations (client_id, mutation_id, name, outcome, error_code, error, processed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      clientId,
      m.id,
      m.name,
      result.outcome,
      result.error?.code ?? null,
      result.error?.message ?? null,
      now.toISOString(),
    ],
  );
  return result;
}

export async function pushMutations(db: Db, user: User, req: PushRequest, now: Date): Promise<PushResponse> {
  return db.tx(async (q) => {
    let last = await lockClient(q, req.clientId, user, now);
    const results: PushResult[] = [];
    for (const m of req.mutations) {
      if (m.id <= last) {
        results.push({ id: m.id, outcome: 'duplicate' });
        continue;
      }
      if (m.id > last + 1) throw new HttpError(409, 'mutation_gap', { expected: last + 1 });
      results.push(await processOne(q, req.clientId, m, user, now, req.schemaVersion));
      last = m.id;
    }
    await q.query('UPDATE sync_clients SET last_mutation_id = $2, last_seen_at = $3 WHERE client_id = $1', [
      req.clientId,
      last,
      now.toISOString(),
    ]);
    if (results.some((r) => r.outcome === 'applied')) await notifyChanges(q, { clientId: req.clientId });
    return { lastMutationId: last, results };
  });
}
