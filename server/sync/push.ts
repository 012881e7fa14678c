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
import { canonicalClientId, requireOwnRow } from './clients';
import { executeMutation, flushBatch } from './execute';
import { referencesOf } from './references';
import { TicketWriteBatch } from './write-batch';
import { CHANGES_CHANNEL, notifyChanges } from './notify';
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
 * rejection writes nothing of its own (every check comes before the first write); any other error aborts the
 * transaction.
 */
async function processInBatch(scope: PushScope, m: PushedMutation, writes: TicketWriteBatch): Promise<PushResult> {
  const changes: PendingChange[] = [];
  try {
    await runOne(scope, m, writes, changes);
  } catch (err) {
    const error = rejectionOf(err);
    if (!error) throw err;
    // A check may have flushed the batch before it rejected (call.wrapUp naming a ticket): the change rows of what
    // that flush wrote belong to the mutations before this one, and are kept.
    scope.batch.changes.push(...changes);
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

/** One sync_mutations row per processed mutation, applied or rejected, of one or more clients: one INSERT. */
async function recordProcessed(
  q: Queryable,
  processed: readonly { clientId: string; mutation: PushedMutation; result: PushResult }[],
  now: Date,
): Promise<void> {
  if (processed.length === 0) return;
  await q.query(
    `INSERT INTO sync_mutations (client_id, mutation_id, name, outcome, error_code, error, processed_at)
     SELECT client_id, mutation_id, name, outcome, error_code, error, $7
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(client_id, mutation_id, name, outcome, error_code, error)`,
    [
      processed.map((p) => p.clientId),
      processed.map((p) => p.mutation.id),
      processed.map((p) => p.mutation.name),
      processed.map((p) => p.result.outcome),
      processed.map((p) => p.result.error?.code ?? null),
      processed.map((p) => p.result.error?.message ?? null),
      now.toISOString(),
    ],
  );
}

/** Moves the clients' last mutation ids on (and their last-seen time): one UPDATE. */
async function advanceClients(q: Queryable, lasts: readonly { clientId: string; last: number }[], now: Date) {
  await q.query(
    `UPDATE sync_clients c SET last_mutation_id = t.last, last_seen_at = $3
       FROM unnest($1::uuid[], $2::bigint[]) AS t(client_id, last) WHERE c.client_id = t.client_id`,
    [lasts.map((l) => l.clientId), lasts.map((l) => l.last), now.toISOString()],
  );
}

/** One poke per client whose push applied something (PostgreSQL delivers them at commit): one statement. */
async function notifyClients(q: Queryable, clientIds: readonly string[]): Promise<void> {
  if (clientIds.length === 0) return;
  if (clientIds.length === 1) return notifyChanges(q, { clientId: clientIds[0] as string });
  await q.query(`SELECT pg_notify($1, json_build_object('clientId', c)::text) FROM unnest($2::text[]) AS c`, [
    CHANGES_CHANNEL,
    clientIds,
  ]);
}

/** Told about each mutation the server could not apply for a reason no rule names (the route logs it). */
export type OnPushError = (err: unknown, mutation: PushedMutation) => void;

/** One console's push, as the route received it. */
export interface PushItem {
  user: User;
  req: PushRequest;
  now: Date;
  sla?: TicketSlaContext | undefined;
  source?: AuditSource | undefined;
  onError?: OnPushError | undefined;
}

/**
 * Whether the push can run from `last`: the new mutations must follow it without a hole (id > last + 1 refuses the
 * whole request, 409, and nothing of it is written).
 */
function checkSequence(req: PushRequest, last: number): HttpError | null {
  let expected = last + 1;
  for (const m of req.mutations) {
    if (m.id < expected) continue;
    if (m.id > expected) return new HttpError(409, 'mutation_gap', { expected });
    expected += 1;
  }
  return null;
}

/**
 * The fast path for one or more pushes of different consoles in one transaction (a group, see ./push-queue): the
 * client rows locked in one query (in id order), every ticket the pushes touch read and locked in one query (in id
 * order, so concurrent transactions cannot deadlock), each push's mutations run in arrival order against one
 * TicketWriteBatch (a later push sees what an earlier one wrote, as it would after its commit), and the writes of
 * all of them made at the end with one statement per table. A push refused as a whole (403 not its client, 409 a
 * hole in its ids) gets its HttpError and writes nothing; any other failure throws and writes nothing at all.
 */
async function pushFast(q: Queryable, items: readonly PushItem[], now: Date): Promise<Array<PushResponse | HttpError>> {
  const clientIds = items.map((i) => i.req.clientId);
  // Two pushes of one console in one group would both start from the same last id: the queue never groups them.
  if (new Set(clientIds.map(canonicalClientId)).size !== clientIds.length) {
    throw new Error('a push group holds two pushes of the same console');
  }
  await q.query(
    `INSERT INTO sync_clients (client_id, user_id, created_at, last_mutation_id, last_seen_at)
     SELECT client_id, user_id, $3, 0, $3 FROM unnest($1::uuid[], $2::uuid[]) AS t(client_id, user_id)
      ORDER BY client_id
     ON CONFLICT (client_id) DO NOTHING`,
    [clientIds, items.map((i) => i.user.id), now.toISOString()],
  );
  const { rows } = await q.query<{ client_id: string; user_id: string; last_mutation_id: unknown }>(
    `SELECT client_id::text, user_id, last_mutation_id FROM sync_clients WHERE client_id = ANY($1::uuid[])
      ORDER BY client_id FOR UPDATE`,
    [clientIds],
  );
  const byClient = new Map(rows.map((r) => [r.client_id, r]));
  const outcomes: Array<PushResponse | HttpError> = [];
  const runs: { item: PushItem; index: number; last: number; scope: PushScope; results: PushResult[] }[] = [];
  items.forEach((item, index) => {
    let last: number;
    try {
      last = Number(
        requireOwnRow(byClient.get(canonicalClientId(item.req.clientId) ?? ''), item.user).last_mutation_id,
      );
    } catch (err) {
      if (err instanceof HttpError) return void (outcomes[index] = err);
      throw err;
    }
    const refused = checkSequence(item.req, last);
    if (refused) return void (outcomes[index] = refused);
    const scope: PushScope = {
      q,
      user: item.user,
      // The group's one time, the time its sync_mutations rows record: each push's own arrival time would put a
      // change a millisecond before the processing it came from (the convergence model replays at processed_at).
      now,
      schemaVersion: item.req.schemaVersion,
      sla: item.sla,
      batch: { changes: [], processed: [] },
      source: item.source,
    };
    runs.push({ item, index, last, scope, results: [] });
  });

  // Everything the group's mutations will read, read up front: tickets (locked), references, calls around the logs.
  const toRun = runs.flatMap((r) => r.item.req.mutations.filter((m) => m.id > r.last && !withdrawn(m)));
  const writes = new TicketWriteBatch();
  await writes.prefetch(q, toRun.flatMap(ticketIdOf));
  await writes.references.prefetch(
    q,
    toRun.flatMap((m) => referencesOf(m.name, m.args)),
  );
  await writes.calls.prefetch(
    q,
    toRun.filter((m) => m.name === 'call.log').map((m) => m.args),
  );
  const changes: PendingChange[] = [];
  for (const run of runs) {
    for (const m of run.item.req.mutations) {
      if (m.id <= run.last) {
        run.results.push({ id: m.id, outcome: 'duplicate' });
        continue;
      }
      run.results.push(await processInBatch(run.scope, m, writes));
      run.last = m.id;
    }
    changes.push(...run.scope.batch.changes);
  }
  await flushBatch(q, writes, changes, now);
  await recordChangeRows(q, changes);
  // Auto-assignment (issue 12): decided in this transaction, for the queues the applied mutations touched.
  const applied = runs.flatMap((r) => r.scope.batch.processed.filter((p) => p.result.outcome === 'applied'));
  if (applied.length > 0) {
    await autoAssignAfterWrite(
      q,
      {
        ticketIds: applied.flatMap((p) => ticketIdOf(p.mutation)),
        userIds: [...new Set(runs.map((r) => r.item.user.id))],
      },
      now,
    );
  }
  await recordProcessed(
    q,
    runs.flatMap((r) => r.scope.batch.processed.map((p) => ({ clientId: r.item.req.clientId, ...p }))),
    now,
  );
  if (runs.length > 0) {
    await advanceClients(
      q,
      runs.map((r) => ({ clientId: r.item.req.clientId, last: r.last })),
      now,
    );
  }
  await notifyClients(
    q,
    runs.filter((r) => r.results.some((x) => x.outcome === 'applied')).map((r) => r.item.req.clientId),
  );
  for (const run of runs) outcomes[run.index] = { lastMutationId: run.last, results: run.results };
  return outcomes;
}

/**
 * The careful path, taken only after the fast one failed: one push in its own transaction, each mutation in its
 * own savepoint (processIsolated).
 */
async function pushIsolated(q: Queryable, item: PushItem, isolate: OnPushError): Promise<PushResponse> {
  const { user, req, now } = item;
  let last = await lockClient(q, req.clientId, user, now);
  const refused = checkSequence(req, last);
  if (refused) throw refused;
  const results: PushResult[] = [];
  const scope: PushScope = {
    q,
    user,
    now,
    schemaVersion: req.schemaVersion,
    sla: item.sla,
    batch: { changes: [], processed: [] },
    source: item.source,
  };
  for (const m of req.mutations) {
    if (m.id <= last) {
      results.push({ id: m.id, outcome: 'duplicate' });
      continue;
    }
    results.push(await processIsolated(scope, m, isolate));
    last = m.id;
  }
  const applied = scope.batch.processed.filter((p) => p.result.outcome === 'applied');
  if (applied.length > 0) {
    await autoAssignAfterWrite(
      q,
      { ticketIds: applied.flatMap((p) => ticketIdOf(p.mutation)), userIds: [user.id] },
      now,
    );
  }
  await recordProcessed(
    q,
    scope.batch.processed.map((p) => ({ clientId: req.clientId, ...p })),
    now,
  );
  await advanceClients(q, [{ clientId: req.clientId, last }], now);
  if (results.some((r) => r.outcome === 'applied')) await notifyChanges(q, { clientId: req.clientId });
  return { lastMutationId: last, results };
}

/**
 * One push, exactly once per mutation. A mutation the server cannot apply never fails its batch: when the fast
 * path's transaction fails for anything but a refusal of the whole request (403, 409), the batch runs again with a
 * savepoint per mutation, and the one that failed is rejected with a reason and consumes its id like a rule
 * rejection, so the console's outbox behind it moves on.
 */
export async function pushOne(db: Db, item: PushItem): Promise<PushResponse> {
  let outcome: PushResponse | HttpError;
  try {
    // A refusal of the whole request rolls the transaction back (the client row it may have created too).
    outcome = await db.tx(async (q) => {
      const [result] = await pushFast(q, [item], item.now);
      if (result instanceof HttpError) throw result;
      return result as PushResponse;
    });
  } catch (err) {
    if (err instanceof HttpError || isTransientDbError(err)) throw err;
    return db.tx((q) => pushIsolated(q, item, item.onError ?? (() => {})));
  }
  return outcome;
}

/**
 * Several consoles' pushes in one transaction (./push-queue groups those that arrive while the database is busy):
 * one commit, and one statement per table, for all of them. Each settles exactly as it would alone: when the
 * group's transaction fails, nothing of it was written and each push runs again on its own (pushOne).
 */
export async function pushGroup(db: Db, items: readonly PushItem[]): Promise<Array<PushResponse | Error>> {
  if (items.length === 1) {
    const item = items[0] as PushItem;
    return [await pushOne(db, item).catch((err: unknown) => toError(err))];
  }
  try {
    return await db.tx((q) => pushFast(q, items, new Date(Math.max(...items.map((i) => i.now.getTime())))));
  } catch {
    return Promise.all(items.map((item) => pushOne(db, item).catch((err: unknown) => toError(err))));
  }
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/** One push (the route queues its pushes through ./push-queue; tools and tests call this directly). */
export function pushMutations(
  db: Db,
  user: User,
  req: PushRequest,
  now: Date,
  sla?: TicketSlaContext,
  { source, onError }: { source?: AuditSource; onError?: OnPushError } = {},
): Promise<PushResponse> {
  return pushOne(db, { user, req, now, sla, source, onError });
}
