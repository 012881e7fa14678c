/**
 * Runs one mutation authoritatively and writes its effect: the single write path for tickets, shared by
 * push and by REST intake so that both produce the same rows and change-log entries.
 *
 * Every check that can reject happens before the first write, so a rejection leaves nothing behind even
 * though the surrounding push transaction carries on.
 */
import {
  MutationRejected,
  applyMutation,
  type Mutation,
  type MutationArgs,
  type MutationEffect,
} from '../../common/mutations';
import type { Queryable } from '../db/driver';
import { allocateTicketCode } from '../tickets/codes';
import { insertEvents, loadTicket, saveTicket } from '../tickets/store';
import { recordChange, recordChanges } from './changes';

export interface ExecuteContext {
  actorId: string;
  now: Date;
}

async function exists(q: Queryable, sql: string, id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await q.query(sql, [id]);
  return rows[0];
}

/** The server owns unit codes and resident names: take them from the database, reject unknown references. */
async function resolveCreateReferences(
  q: Queryable,
  args: MutationArgs<'ticket.create'>,
): Promise<MutationArgs<'ticket.create'>> {
  const resolved = { ...args };
  if (args.unitId !== null) {
    const unit = await exists(q, 'SELECT code FROM units WHERE id = $1', args.unitId);
    if (!unit) throw new MutationRejected('unknown_unit', `Unit ${args.unitId} does not exist`);
    resolved.unitCode = String(unit.code);
  }
  if (args.residentId !== null) {
    const resident = await exists(q, 'SELECT name FROM residents WHERE id = $1', args.residentId);
    if (!resident) throw new MutationRejected('unknown_resident', `Resident ${args.residentId} does not exist`);
    resolved.residentName = args.residentName ?? String(resident.name);
  }
  if (args.teamId !== null && !(await exists(q, 'SELECT 1 FROM teams WHERE id = $1', args.teamId))) {
    throw new MutationRejected('unknown_team', `Team ${args.teamId} does not exist`);
  }
  return resolved;
}

async function checkAssignReferences(q: Queryable, args: MutationArgs<'ticket.assign'>): Promise<void> {
  if (args.assigneeId !== null) {
    const user = await exists(q, 'SELECT 1 FROM users WHERE id = $1 AND active', args.assigneeId);
    if (!user) throw new MutationRejected('unknown_user', `User ${args.assigneeId} does not exist`);
  }
  if (args.teamId && !(await exists(q, 'SELECT 1 FROM teams WHERE id = $1', args.teamId))) {
    throw new MutationRejected('unknown_team', `Team ${args.teamId} does not exist`);
  }
}

export async function executeMutation(q: Queryable, m: Mutation, ctx: ExecuteContext): Promise<MutationEffect> {
  const current = await loadTicket(q, m.args.id, { forUpdate: true });
  let mutation = m;
  let code: string | null = null;
  if (m.name === 'ticket.create' && !current) {
    mutation = { name: m.name, args: await resolveCreateReferences(q, m.args) };
    code = await allocateTicketCode(q, m.args.type, ctx.now);
  }
  if (m.name === 'ticket.assign') await checkAssignReferences(q, m.args);

  const effect = applyMutation(mutation, { actorId: ctx.actorId, now: ctx.now, current, code });

  await saveTicket(q, effect.ticket, current === undefined);
  const insertedEventIds = await insertEvents(q, effect.events);
  await recordChange(q, 'ticket', effect.ticket.id);
  await recordChanges(q, 'ticket_event', insertedEventIds);
  return effect;
}
