/**
 * Call events, call actions and presence pushed by consoles (their outbox), applied on the server inside the push
 * transaction. Events take the same path as the CTI endpoints (./ingest); actions run the shared pure reducer
 * (common/calls/actions) on the locked record, so server order decides races such as two callback claims.
 */
import { applyCallAction, isCallAction, type CallAction } from '../../common/calls/actions';
import { presenceAfter } from '../../common/calls/presence';
import type { Call } from '../../common/domain';
import { MutationRejected, type CallMutation, type MutationEffect } from '../../common/mutations';
import type { Queryable } from '../db/driver';
import { flushBatch, requireChanges, type ExecuteContext } from '../sync/execute';
import { applyCallEventTx } from './ingest';
import { notifyCall } from './live';
import { logChangesTo, type LogChange } from './log';
import { savePresence } from './presence';
import { readCtiSettings } from './settings';
import { loadCall, loadCalls, saveCall } from './store';

const NO_EFFECT: MutationEffect = { ticket: null, events: [], deleted: null, calls: [] };

export async function executeCallMutation(q: Queryable, m: CallMutation, ctx: ExecuteContext): Promise<MutationEffect> {
  const log = logChangesTo(q, ctx.changes);
  if (m.name === 'call.event') {
    await applyCallEventTx(q, m.args.event, { now: ctx.now, log });
    return NO_EFFECT;
  }
  if (m.name === 'presence.set') {
    const { wrapUpSeconds } = await readCtiSettings(q);
    // The agent's state matters more than which call it names: a call the server does not know is left out.
    const known = m.args.callId !== null && (await exists(q, 'SELECT 1 FROM calls WHERE id = $1', m.args.callId));
    const args = known ? m.args : { ...m.args, callId: null };
    await savePresence(q, presenceAfter(args, ctx.actorId, ctx.now, wrapUpSeconds), log);
    return NO_EFFECT;
  }
  if (!isCallAction(m)) throw new MutationRejected('unsupported', `${m.name} is not supported by this server`);
  await checkReferences(q, m, ctx);
  const current = await loadCall(q, m.args.id, true);
  const nameOf = await nameLookup(q, current?.callback.claimedBy ?? null);
  const next = applyCallAction(current, m, { actorId: ctx.actorId, now: ctx.now, nameOf });
  if (next === current) return NO_EFFECT;
  await saveCall(q, next, current);
  await log('call', next.id);
  await notifyCall(q, next.id);
  if (m.name === 'call.link' && m.args.residentId) await resolveSameNumber(q, next, log);
  return { ...NO_EFFECT, calls: [next] };
}

/** How many of a number's other calls one link re-resolves (a switchboard number may have thousands). */
const RESOLVE_LIMIT = 500;

/**
 * The agent said whose number this is: the number's other calls that named nobody (or only a `maybe`) now name
 * that resident too (issue 10 item 5), newest first; every console pulls them.
 */
async function resolveSameNumber(q: Queryable, linked: Call, log: LogChange): Promise<void> {
  if (!linked.fromE164 || linked.direction !== 'inbound' || !linked.residentId) return;
  const { rows } = await q.query<{ id: string }>(
    `SELECT id::text AS id FROM calls
     WHERE from_e164 = $1 AND direction = 'inbound' AND id <> $2
       AND (resident_id IS NULL OR detail->>'residentConfidence' = 'maybe')
     ORDER BY started_at DESC LIMIT ${RESOLVE_LIMIT} FOR UPDATE`,
    [linked.fromE164, linked.id],
  );
  for (const call of await loadCalls(
    q,
    rows.map((r) => String(r.id)),
  )) {
    await saveCall(q, { ...call, residentId: linked.residentId, residentConfidence: 'known' }, call);
    await log('call', call.id);
  }
}

async function exists(q: Queryable, sql: string, id: string): Promise<boolean> {
  return (await q.query(sql, [id])).rows.length > 0;
}

/** Every check that can reject comes before the first write (push keeps going after a rejection). */
async function checkReferences(q: Queryable, m: CallAction, ctx: ExecuteContext): Promise<void> {
  const ticketIds =
    m.name === 'call.wrapUp' ? m.args.ticketIds : m.name === 'call.link' && m.args.ticketId ? [m.args.ticketId] : [];
  if (ticketIds.length > 0) {
    // A ticket the same push batch created is written first, so the link finds it.
    if (ctx.batch) await flushBatch(q, ctx.batch, requireChanges(ctx), ctx.now);
    for (const id of ticketIds) {
      if (!(await exists(q, 'SELECT 1 FROM tickets WHERE id = $1 AND deleted_at IS NULL', id))) {
        throw new MutationRejected('unknown_ticket', `Ticket ${id} does not exist`);
      }
    }
  }
  if (m.name === 'call.link' && m.args.residentId) {
    if (!(await exists(q, 'SELECT 1 FROM residents WHERE id = $1', m.args.residentId))) {
      throw new MutationRejected('unknown_resident', `Resident ${m.args.residentId} does not exist`);
    }
  }
  if (m.name === 'call.wrapUp') {
    const { dispositions } = await readCtiSettings(q);
    if (!dispositions.includes(m.args.disposition)) {
      throw new MutationRejected('unknown_disposition', `${m.args.disposition} is not a wrap-up code of this site`);
    }
  }
}

/** How a rejected claim names the agent who has it: by display name. */
async function nameLookup(q: Queryable, userId: string | null): Promise<(userId: string) => string> {
  if (userId === null) return (id) => id;
  const { rows } = await q.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
  const name = rows[0]?.name;
  return (id) => (id === userId && name ? String(name) : id);
}
