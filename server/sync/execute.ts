/**
 * Runs one mutation authoritatively and writes its effect: the single write path for tickets, shared by
 * push and by REST intake so that both produce the same rows and change-log entries.
 *
 * Every check that can reject happens before the first write, so a rejection leaves nothing behind even
 * though the surrounding push transaction carries on.
 */
import type { Call, Role } from '../../common/domain';
import {
  isTicketMutation,
  MutationRejected,
  applyMutation,
  type Mutation,
  type MutationArgs,
  type MutationEffect,
  type MutationOf,
} from '../../common/mutations';
import { slaPolicy, type TicketSlaContext } from '../../common/sla';
import type { SyncEntity } from '../../common/sync';
import { recordAudit, type AuditSource } from '../audit/log';
import { executeCallMutation } from '../cti/execute';
import type { Queryable } from '../db/driver';
import { linkHandLog } from '../cti/hand-log';
import { resolveTicketPhone } from '../privacy/ticket-phone';
import { CALL_COLUMNS, CALL_PLACEHOLDERS, callToRow, type Row } from '../db/rows';
import { toE164 } from '../residents/phone';
import { allocateTicketCode } from '../tickets/codes';
import { insertEvents, loadTicketForWrite, markTicketDeleted, saveTicket, type TicketForWrite } from '../tickets/store';
import { recordChange, recordChanges, type ChangeOp, type PendingChange } from './changes';
import { lookupReference, type ReferenceKind } from './references';
import type { TicketWriteBatch } from './write-batch';

export interface ExecuteContext {
  actorId: string;
  now: Date;
  /** The authenticated user's role and team: every ticket mutation is checked against them (common/ticket-access). */
  actorRole?: Role;
  actorTeamId?: string | null;
  /**
   * Where the change-log rows go when the caller writes them itself later in the same transaction (push, once
   * per batch, in this order); without it each is inserted at once.
   */
  changes?: PendingChange[];
  /** The server's SLA policy and weather switch; the defaults when a caller has none (tools, tests). */
  sla?: TicketSlaContext | undefined;
  /**
   * A push batch's pending ticket writes (./write-batch): reads go through it and ticket/event writes wait for
   * its flush, which the caller runs at the end (with `changes`, which it requires). Without it, writes happen now.
   */
  batch?: TicketWriteBatch;
  /** Where the request came from, for the audit rows of reassignments and deletions. */
  source?: AuditSource;
}

let defaultSla: TicketSlaContext | undefined;
/** The server always stores SLA fields: without settings, the DESIGN.md §4 defaults. */
function slaOf(ctx: ExecuteContext): TicketSlaContext {
  return ctx.sla ?? (defaultSla ??= { policy: slaPolicy({}), weatherAlert: false });
}

/** Records the change now, or queues it in `ctx.changes` for the caller to write in the same transaction. */
async function logChange(
  q: Queryable,
  ctx: ExecuteContext,
  entity: SyncEntity,
  id: string,
  op: ChangeOp = 'put',
): Promise<void> {
  if (ctx.changes) ctx.changes.push({ entity, id, op });
  else await recordChange(q, entity, id, op);
}

/** A reference lookup (./references); within a push batch each (kind, id) is asked once, most up front. */
function reference(q: Queryable, kind: ReferenceKind, id: string, batch?: TicketWriteBatch): Promise<Row | undefined> {
  return batch ? batch.references.get(q, kind, id) : lookupReference(q, kind, id);
}

/** The ticket as this write sees it: from the batch (read-your-writes) or locked now. */
async function loadForWrite(q: Queryable, id: string, batch: TicketWriteBatch | undefined): Promise<TicketForWrite> {
  if (!batch) return loadTicketForWrite(q, id);
  if (!batch.get(id)) await batch.prefetch(q, [id]);
  return batch.get(id) ?? { current: undefined, tombstone: undefined };
}

/**
 * Writes a batch's pending tickets and events now, queueing the change rows of the events it inserted in `changes`
 * (mid-batch before a delete or a call; push calls it once more to end the batch).
 */
export async function flushBatch(
  q: Queryable,
  batch: TicketWriteBatch,
  changes: PendingChange[],
  now: Date,
): Promise<void> {
  for (const id of await batch.flush(q, now)) changes.push({ entity: 'ticket_event', id, op: 'put' });
}

/**
 * The server owns unit codes and resident names: they come from the database, whatever the client sent (none
 * without a unit or resident id); unknown references are rejected.
 */
async function resolveCreateReferences(
  q: Queryable,
  args: MutationArgs<'ticket.create'>,
  batch?: TicketWriteBatch,
): Promise<MutationArgs<'ticket.create'>> {
  const resolved: MutationArgs<'ticket.create'> = { ...args, unitCode: null, residentName: null };
  if (args.unitId !== null) {
    const unit = await reference(q, 'unit', args.unitId, batch);
    if (!unit) throw new MutationRejected('unknown_unit', `Unit ${args.unitId} does not exist`);
    resolved.unitCode = String(unit.code);
  }
  if (args.residentId !== null) {
    const resident = await reference(q, 'resident', args.residentId, batch);
    if (!resident) throw new MutationRejected('unknown_resident', `Resident ${args.residentId} does not exist`);
    resolved.residentName = String(resident.name);
  }
  if (args.teamId !== null && !(await reference(q, 'team', args.teamId, batch))) {
    throw new MutationRejected('unknown_team', `Team ${args.teamId} does not exist`);
  }
  return resolved;
}

async function checkAssignReferences(
  q: Queryable,
  args: MutationArgs<'ticket.assign'>,
  batch?: TicketWriteBatch,
): Promise<void> {
  if (args.assigneeId !== null) {
    const user = await reference(q, 'activeUser', args.assigneeId, batch);
    if (!user) throw new MutationRejected('unknown_user', `User ${args.assigneeId} does not exist`);
  }
  if (args.teamId && !(await reference(q, 'team', args.teamId, batch))) {
    throw new MutationRejected('unknown_team', `Team ${args.teamId} does not exist`);
  }
}

export function requireChanges(ctx: ExecuteContext): PendingChange[] {
  if (!ctx.changes) throw new Error('a write batch needs ctx.changes: its caller writes the change log');
  return ctx.changes;
}

/**
 * A batch's logged calls wait for its flush (./call-batch); a mutation that reads calls from the database (a call
 * action, a ticket created from a call) sees them written first.
 */
async function writeQueuedCalls(q: Queryable, m: Mutation, ctx: ExecuteContext): Promise<void> {
  const { batch } = ctx;
  if (!batch?.calls.pending) return;
  const readsCalls = !isTicketMutation(m) || (m.name === 'ticket.create' && m.args.callId !== undefined);
  if (readsCalls) await flushBatch(q, batch, requireChanges(ctx), ctx.now);
}

export async function executeMutation(q: Queryable, m: Mutation, ctx: ExecuteContext): Promise<MutationEffect> {
  if (m.name === 'call.log') return executeCallLog(q, m, ctx);
  await writeQueuedCalls(q, m, ctx);
  if (!isTicketMutation(m)) return executeCallMutation(q, m, ctx);
  const { batch } = ctx;
  const { current, tombstone } = await loadForWrite(q, m.args.id, batch);
  let mutation = m;
  let code: string | null = null;
  if (m.name === 'ticket.create' && !current && !tombstone) {
    const resolved = await resolveCreateReferences(q, m.args, batch);
    mutation = { name: m.name, args: { ...resolved, phone: await resolveTicketPhone(q, m.args) } };
    // In a batch the flush numbers the batch's new tickets together (one counter update per type).
    if (!batch) code = await allocateTicketCode(q, m.args.type, ctx.now);
  }
  if (m.name === 'ticket.assign') await checkAssignReferences(q, m.args, batch);

  const effect = applyMutation(mutation, {
    actorId: ctx.actorId,
    now: ctx.now,
    current,
    code,
    tombstone,
    actorRole: ctx.actorRole,
    actorTeamId: ctx.actorTeamId,
    sla: slaOf(ctx),
  });

  if (effect.deleted) {
    // The tombstone is an UPDATE of the row: the batch's pending writes (perhaps the row itself) go first.
    if (batch) {
      await flushBatch(q, batch, requireChanges(ctx), ctx.now);
      batch.deleted(effect.deleted.id, effect.deleted.reason);
    }
    await markTicketDeleted(q, effect.deleted.id, ctx.actorId, effect.deleted.reason, ctx.now);
    await logChange(q, ctx, 'ticket', effect.deleted.id, 'del');
    await audit(q, ctx, 'ticket.delete', effect.deleted.id, { reason: effect.deleted.reason });
    return effect;
  }
  if (m.name === 'ticket.assign' && current && isReassignment(current.assigneeId, m.args.assigneeId, ctx.actorId)) {
    await audit(q, ctx, 'ticket.reassign', current.id, {
      from: current.assigneeId,
      to: m.args.assigneeId,
      reason: reasonOf(m.args),
      // A bulk move (issue 12 lead board) says so; a single reassignment's row keeps its issue-11 shape.
      ...(m.args.scope ? { scope: m.args.scope } : {}),
    });
  }
  // A no-op (e.g. a tag someone else already added) writes nothing.
  if (effect.ticket === current && effect.events.length === 0) return effect;
  if (batch) {
    batch.save(effect.ticket, effect.events, m.name === 'ticket.create');
    requireChanges(ctx).push({ entity: 'ticket', id: effect.ticket.id, op: 'put' });
    return effect; // the events' change rows come with the flush, for the ids it inserts
  }
  await saveTicket(q, effect.ticket, current === undefined);
  const insertedEventIds = await insertEvents(q, effect.events);
  if (ctx.changes) {
    ctx.changes.push({ entity: 'ticket', id: effect.ticket.id, op: 'put' });
    for (const id of insertedEventIds) ctx.changes.push({ entity: 'ticket_event', id, op: 'put' });
  } else {
    await recordChange(q, 'ticket', effect.ticket.id);
    await recordChanges(q, 'ticket_event', insertedEventIds);
  }
  return effect;
}

/**
 * Whether an assignment is audited as a reassignment: the assignee changes, and it is not someone taking an
 * unassigned ticket for themselves (the everyday "assign to me").
 */
function isReassignment(from: string | null, to: string | null, actorId: string): boolean {
  return from !== to && !(from === null && to === actorId);
}

/** The reason given for an assignment, where the mutation carries one. */
function reasonOf(args: MutationArgs<'ticket.assign'>): string | null {
  const { reason } = args as { reason?: unknown };
  return typeof reason === 'string' ? reason : null;
}

/** An audit row about a ticket, in the mutation's transaction and at its time. */
async function audit(
  q: Queryable,
  ctx: ExecuteContext,
  action: 'ticket.delete' | 'ticket.reassign',
  ticketId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await recordAudit(
    q,
    {
      actor: { id: ctx.actorId, role: ctx.actorRole },
      action,
      subjectType: 'ticket',
      subjectId: ticketId,
      source: ctx.source ?? { ip: null },
      detail,
    },
    ctx.now,
  );
}

/**
 * A logged call is never lost to a dangling reference: an unknown resident or a missing (or deleted) ticket
 * is dropped from the log, the call itself is kept. Insert-only by the desk's uuid.
 */
async function executeCallLog(q: Queryable, m: MutationOf<'call.log'>, ctx: ExecuteContext): Promise<MutationEffect> {
  const { batch } = ctx;
  // A call may name a ticket the batch created and has not written yet (and calls reference tickets): write first.
  // Any other ticket is in the database already: the batch's pending writes can wait for its end.
  if (batch && m.args.ticketId !== null && batch.unwritten(m.args.ticketId)) {
    await flushBatch(q, batch, requireChanges(ctx), ctx.now);
  }
  const args = { ...m.args };
  if (args.residentId !== null && !(await reference(q, 'resident', args.residentId, batch))) {
    args.residentId = null;
  }
  if (args.ticketId !== null && !(await liveTicket(q, args.ticketId, batch))) args.ticketId = null;
  const effect = applyMutation(
    { name: m.name, args },
    { actorId: ctx.actorId, now: ctx.now, current: undefined, code: null },
  );
  for (const call of effect.calls) {
    // A call a phone system already reported is that record, not a second one (issue 10 item 2).
    const linked = await linkHandLog(q, call, ctx.actorId, batch?.calls.handLogReads(q));
    if (linked) {
      await logChange(q, ctx, 'call', linked.id);
      // The desk's optimistic copy under the log's own id goes away with the next pull (`del`).
      await logChange(q, ctx, 'call', call.id);
      continue;
    }
    // In a batch the call is inserted at the flush, with the batch's other calls.
    if (await (batch ? batch.calls.add(q, call) : insertCall(q, call))) await logChange(q, ctx, 'call', call.id);
  }
  return effect;
}

/** Whether the ticket exists and is not deleted, as the batch sees it (read-your-writes) or as stored. */
async function liveTicket(q: Queryable, id: string, batch: TicketWriteBatch | undefined): Promise<boolean> {
  const seen = batch?.get(id);
  if (seen) return seen.current !== undefined;
  return (await reference(q, 'liveTicket', id, batch)) !== undefined;
}

async function insertCall(q: Queryable, c: Call): Promise<boolean> {
  const { rows } = await q.query(
    `INSERT INTO calls (${CALL_COLUMNS}) VALUES (${CALL_PLACEHOLDERS})
     ON CONFLICT DO NOTHING RETURNING id`,
    callToRow({ ...c, fromE164: c.from ? toE164(c.from) : null }),
  );
  return rows.length > 0;
}
