/**
 * Push (DESIGN.md §5): exactly-once processing of a console's outbox in one transaction.
 * id ≤ last → duplicate (already processed); id = last + 1 → run it; id > last + 1 → 409, nothing written.
 * A domain rejection still consumes the id, so one bad mutation never blocks the outbox behind it.
 */
import { ZodError, z } from 'zod';
import type { User } from '../../common/domain';
import type { TicketSlaContext } from '../../common/sla/ticket-sla';
import { MutationRejected, V1_MUTATION_NAMES, parseMutation } from '../../common/mutations';
import type { PushRequest, PushResponse, PushResult } from '../../common/sync';
import type { AuditSource } from '../audit/log';
import type { Db, Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { recordChangeRows, type PendingChange } from './changes';
import { requireOwnRow } from './clients';
import { executeMutation, flushBatch } from './execute';
import { TicketWriteBatch } from './write-batch';
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
  return Number(requireOwnRow(rows[0], user).last_mutation_id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ticket a pushed mutation names, if any (unvalidated: a malformed one is rejected when it runs). */
function ticketIdOf(m: PushedMutation): string[] {
  if (m.name === 'call.log' || typeof m.args !== 'object' || m.args === null) return [];
  const id = (m.args as { id?: unknown }).id;
  return typeof id === 'string' && UUID.test(id) ? [id] : [];
}

function rejectionOf(err: unknown): { code: string; message: string } | null {
  if (err instanceof MutationRejected) return { code: err.code, message: err.message };
  if (err instanceof ZodError) return { code: 'invalid_args', message: z.prettifyError(err) };
  return null;
}

/**
 * What a batch writes at its end, still inside its transaction: the change-log rows of its applied mutations
 * (in the order they were made) and one sync_mutations row per processed mutation, applied or rejected.
 */
interface BatchWrites {
  changes: PendingChange[];
  processed: { mutation: PushedMutation; result: PushResult }[];
}

async function processOne(
  q: Queryable,
  m: PushedMutation,
  user: User,
  now: Date,
  schemaVersion: number,
  batch: BatchWrites,
  sla: TicketSlaContext | undefined,
  writes: TicketWriteBatch,
  source: AuditSource | undefined,
): Promise<PushResult> {
  let result: PushResult;
  const changes: PendingChange[] = [];
  try {
    if (schemaVersion === 1 && !V1_MUTATION_NAMES.includes(m.name)) {
      throw new MutationRejected('unsupported_mutation', `${m.name} needs sync schema 2`);
    }
    await executeMutation(q, parseMutation(m.name, m.args), {
      actorId: user.id,
      actorRole: user.role,
      actorTeamId: user.teamId,
      now,
      changes,
      sla,
      batch: writes,
      source,
    });
    result = { id: m.id, outcome: 'applied' };
    // A rejection writes nothing (every check comes before the first write): only applied mutations log changes.
    batch.changes.push(...changes);
  } catch (err) {
    const error = rejectionOf(err);
    if (!error) throw err;
    result = { id: m.id, outcome: 'rejected', error };
  }
  batch.processed.push({ mutation: m, result });
  return result;
}

/** The batch's change-log rows and sync_mutations rows: one multi-row INSERT each. */
async function writeBatch(q: Queryable, clientId: string, batch: BatchWrites, now: Date): Promise<void> {
  await recordChangeRows(q, batch.changes);
  if (batch.processed.length === 0) return;
  await q.query(
    `INSERT INTO sync_mutations (client_id, mutation_id, name, outcome, error_code, error, processed_at)
     SELECT $1, mutation_id, name, outcome, error_code, error, $7
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(mutation_id, name, outcome, error_code, error)`,
    [
      clientId,
      batch.processed.map((p) => p.mutation.id),
      batch.processed.map((p) => p.mutation.name),
      batch.processed.map((p) => p.result.outcome),
      batch.processed.map((p) => p.result.error?.code ?? null),
      batch.processed.map((p) => p.result.error?.message ?? null),
      now.toISOString(),
    ],
  );
}

export async function pushMutations(
  db: Db,
  user: User,
  req: PushRequest,
  now: Date,
  sla?: TicketSlaContext,
  /** Where the push came from: audit rows (reassignments, deletions) record it. */
  source?: AuditSource,
): Promise<PushResponse> {
  return db.tx(async (q) => {
    let last = await lockClient(q, req.clientId, user, now);
    const results: PushResult[] = [];
    const batch: BatchWrites = { changes: [], processed: [] };
    const writes = new TicketWriteBatch();
    // Every ticket the batch touches, read and locked in one query (in id order, so concurrent pushes cannot deadlock).
    await writes.prefetch(
      q,
      req.mutations.filter((m) => m.id > last).flatMap((m) => ticketIdOf(m)),
    );
    for (const m of req.mutations) {
      if (m.id <= last) {
        results.push({ id: m.id, outcome: 'duplicate' });
        continue;
      }
      if (m.id > last + 1) throw new HttpError(409, 'mutation_gap', { expected: last + 1 });
      results.push(await processOne(q, m, user, now, req.schemaVersion, batch, sla, writes, source));
      last = m.id;
    }
    await flushBatch(q, writes, batch.changes, now);
    await writeBatch(q, req.clientId, batch, now);
    await q.query('UPDATE sync_clients SET last_mutation_id = $2, last_seen_at = $3 WHERE client_id = $1', [
      req.clientId,
      last,
      now.toISOString(),
    ]);
    if (results.some((r) => r.outcome === 'applied')) await notifyChanges(q, { clientId: req.clientId });
    return { lastMutationId: last, results };
  });
}
