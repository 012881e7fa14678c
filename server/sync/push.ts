/**
 * Push (DESIGN.md §5): exactly-once processing of a console's outbox in one transaction.
 * id ≤ last → duplicate (already processed); id = last + 1 → run it; id > last + 1 → 409, nothing written.
 * A domain rejection still consumes the id, so one bad mutation never blocks the outbox behind it; so does a
 * mutation that fails for any other reason (pushMutations).
 */
import { ZodError, z } from 'zod';
import type { User } from '../../common/domain';
import type { TicketSlaContext } from '../../common/sla/ticket-sla';
import { Uuid, storableText } from '../../common/input';
import { MutationRejected, V1_MUTATION_NAMES, parseMutation } from '../../common/mutations';
import { CANNOT_APPLY, WITHDRAWN_ARGS, type PushRequest, type PushResponse, type PushResult } from '../../common/sync';
import type { Db, Queryable } from '../db/driver';
import { isTransientDbError, sqlStateOf } from '../db/errors';
import type { AuditSource } from '../audit/log';
import { HttpError } from '../http/errors';
import { recordChangeRows, type PendingChange } from './changes';
import { requireOwnRow } from './clients';
import { executeMutation, flushBatch } from './execute';
import { TicketWriteBatch } from './write-batch';
import { notifyChanges } from './notify';
import { autoAssignAfterWrite } from '../assignment/engine';

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

/** The ticket a pushed mutation names, if any (unvalidated: a malformed one is rejected when it runs). */
function ticketIdOf(m: PushedMutation): string[] {
  if (m.name === 'call.log' || typeof m.args !== 'object' || m.args === null) return [];
  const id = (m.args as { id?: unknown }).id;
  return Uuid.safeParse(id).success ? [id as string] : [];
}

/** Rule rejections and invalid arguments: what a console can be told, in its words. */
function rejectionOf(err: unknown): { code: string; message: string } | null {
  if (err instanceof MutationRejected) return { code: err.code, message: err.message };
  if (err instanceof ZodError) return { code: 'invalid_args', message: z.prettifyError(err) };
  return null;
}

/** Anything else that stopped a mutation (a database error, a bug): a reason without the server's internals. */
function cannotApply(err: unknown): { code: string; message: string } {
  const sqlState = sqlStateOf(err);
  return {
    code: CANNOT_APPLY,
    message: `The server could not apply this change${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`,
  };
}

/** A console withdraws a mutation it gave up on by pushing its id with `args: null` (common/sync WITHDRAWN_ARGS). */
const withdrawn = (m: PushedMutation) => m.args === WITHDRAWN_ARGS;

/**
 * What a batch writes at its end, still inside its transaction: the change-log rows of its applied mutations
 * (in the order they were made) and one sync_mutations row per processed mutation, applied or rejected.
 */
interface BatchWrites {
  changes: PendingChange[];
  processed: { mutation: PushedMutation; result: PushResult }[];
}

interface PushScope {
  q: Queryable;
  user: User;
  now: Date;
  schemaVersion: number;
  sla: TicketSlaContext | undefined;
  batch: BatchWrites;
  /** Where the push came from: audit rows (reassignments, deletions) record it. */
  source: AuditSource | undefined;
}

/** Runs one mutation; rule rejections and invalid arguments are results, anything else is thrown. */
async function runOne(scope: PushScope, m: PushedMutation, writes: TicketWriteBatch, changes: PendingChange[]) {
  if (withdrawn(m)) throw new MutationRejected('withdrawn', 'Withdrawn by the console after the server failed it');
  if (scope.schemaVersion === 1 && !V1_MUTATION_NAMES.includes(m.name)) {
    throw new MutationRejected('unsupported_mutation', `${m.name} needs sync schema 2`);
  }
  await executeMutation(scope.q, parseMutation(m.name, m.args), {
    actorId: scope.user.id,
    actorRole: scope.user.role,
    actorTeamId: scope.user.teamId,
    now: scope.now,
    changes,
    sla: scope.sla,
    batch: writes,
    source: scope.source,
  });
}

function record(scope: PushScope, m: PushedMutation, result: PushResult): PushResult {
  const error = result.error && { code: result.error.code, message: storableText(result.error.message, 1000) };
  const stored: PushResult = error ? { ...result, error } : result;
  scope.batch.processed.push({ mutation: m, result: stored });
  return stored;
}

/**
 * The fast path: the batch's ticket writes are held in one TicketWriteBatch and written together at its end. A
 * rejection writes nothing (every check comes before the first write); any other error aborts the transaction.
 */
async function processInBatch(scope: PushScope, m: PushedMutation, writes: TicketWriteBatch): Promise<PushResult> {
  const changes: PendingChange[] = [];
  try {
    await runOne(scope, m, writes, changes);
  } catch (err) {
    const error = rejectionOf(err);
    if (!error) throw err;
    return record(scope, m, { id: m.id, outcome: 'rejected', error });
  }
  scope.batch.changes.push(...changes);
  return record(scope, m, { id: m.id, outcome: 'applied' });
}

/**
 * The careful path, taken only after the fast one failed: each mutation runs and writes in its own savepoint, so
 * the one that fails (for whatever reason) is rolled back and rejected, and the others apply.
 */
async function processIsolated(scope: PushScope, m: PushedMutation, onError: OnPushError): Promise<PushResult> {
  const { q } = scope;
  const changes: PendingChange[] = [];
  const writes = new TicketWriteBatch();
  await q.query('SAVEPOINT push_mutation');
  try {
    await runOne(scope, m, writes, changes);
    await flushBatch(q, writes, changes, scope.now);
    await recordChangeRows(q, changes);
    await q.query('RELEASE SAVEPOINT push_mutation');
  } catch (err) {
    // The database's own trouble (connection, shutdown, timeout…) is not this mutation's fault: fail the request.
    if (isTransientDbError(err)) throw err;
    await q.query('ROLLBACK TO SAVEPOINT push_mutation');
    const error = rejectionOf(err);
    if (!error) onError(err, m);
    return record(scope, m, { id: m.id, outcome: 'rejected', error: error ?? cannotApply(err) });
  }
  return record(scope, m, { id: m.id, outcome: 'applied' });
}

/** One sync_mutations row per processed mutation, applied or rejected: one multi-row INSERT. */
async function recordProcessed(
  q: Queryable,
  clientId: string,
  processed: BatchWrites['processed'],
  now: Date,
): Promise<void> {
  if (processed.length === 0) return;
  await q.query(
    `INSERT INTO sync_mutations (client_id, mutation_id, name, outcome, error_code, error, processed_at)
     SELECT $1, mutation_id, name, outcome, error_code, error, $7
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(mutation_id, name, outcome, error_code, error)`,
    [
      clientId,
      processed.map((p) => p.mutation.id),
      processed.map((p) => p.mutation.name),
      processed.map((p) => p.result.outcome),
      processed.map((p) => p.result.error?.code ?? null),
      processed.map((p) => p.result.error?.message ?? null),
      now.toISOString(),
    ],
  );
}

/** Told about each mutation the server could not apply for a reason no rule names (the route logs it). */
export type OnPushError = (err: unknown, mutation: PushedMutation) => void;

async function pushInTransaction(
  q: Queryable,
  user: User,
  req: PushRequest,
  now: Date,
  sla: TicketSlaContext | undefined,
  source: AuditSource | undefined,
  isolate: OnPushError | null,
): Promise<PushResponse> {
  let last = await lockClient(q, req.clientId, user, now);
  const results: PushResult[] = [];
  const scope: PushScope = {
    q,
    user,
    now,
    schemaVersion: req.schemaVersion,
    sla,
    batch: { changes: [], processed: [] },
    source,
  };
  const writes = new TicketWriteBatch();
  if (!isolate) {
    // Every ticket the batch touches, read and locked in one query (in id order, so concurrent pushes cannot
    // deadlock).
    await writes.prefetch(
      q,
      req.mutations.filter((m) => m.id > last).flatMap((m) => ticketIdOf(m)),
    );
  }
  for (const m of req.mutations) {
    if (m.id <= last) {
      results.push({ id: m.id, outcome: 'duplicate' });
      continue;
    }
    if (m.id > last + 1) throw new HttpError(409, 'mutation_gap', { expected: last + 1 });
    results.push(isolate ? await processIsolated(scope, m, isolate) : await processInBatch(scope, m, writes));
    last = m.id;
  }
  if (!isolate) {
    await flushBatch(q, writes, scope.batch.changes, now);
    await recordChangeRows(q, scope.batch.changes);
  }
  // Auto-assignment (issue 12): decided in this transaction, for the queues the applied mutations touched.
  const applied = scope.batch.processed.filter((p) => p.result.outcome === 'applied');
  if (applied.length > 0) {
    await autoAssignAfterWrite(
      q,
      { ticketIds: applied.flatMap((p) => ticketIdOf(p.mutation)), userIds: [user.id] },
      now,
    );
  }
  await recordProcessed(q, req.clientId, scope.batch.processed, now);
  await q.query('UPDATE sync_clients SET last_mutation_id = $2, last_seen_at = $3 WHERE client_id = $1', [
    req.clientId,
    last,
    now.toISOString(),
  ]);
  if (results.some((r) => r.outcome === 'applied')) await notifyChanges(q, { clientId: req.clientId });
  return { lastMutationId: last, results };
}

/**
 * One push, exactly once per mutation. A mutation the server cannot apply never fails its batch: when the fast
 * path's transaction fails for anything but a refusal of the whole request (403, 409), the batch runs again with a
 * savepoint per mutation, and the one that failed is rejected with a reason and consumes its id like a rule
 * rejection, so the console's outbox behind it moves on.
 */
export async function pushMutations(
  db: Db,
  user: User,
  req: PushRequest,
  now: Date,
  sla?: TicketSlaContext,
  { source, onError = () => {} }: { source?: AuditSource; onError?: OnPushError } = {},
): Promise<PushResponse> {
  try {
    return await db.tx((q) => pushInTransaction(q, user, req, now, sla, source, null));
  } catch (err) {
    if (err instanceof HttpError || isTransientDbError(err)) throw err;
    return db.tx((q) => pushInTransaction(q, user, req, now, sla, source, onError));
  }
}
