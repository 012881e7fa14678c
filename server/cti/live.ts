/**
 * A call's new state reaches the agents it is offered to (and the one who answered) at once over the live
 * socket (common/live CallLiveMessage), not at their next pull. The writing transaction NOTIFYs the call's id on
 * `desk_calls`; every server node LISTENs and sends the committed record to its own sockets of those agents, so
 * this works with several nodes on one PostgreSQL, and nothing is sent for a transaction that rolled back.
 */
import type { FastifyInstance } from 'fastify';
import { CALL_LIVE_TYPE, type CallLiveMessage } from '../../common/live';
import type { Db, Queryable } from '../db/driver';
import type { Statement } from '../db/statement';
import { cachedPhoneHasher } from '../privacy/phone-hash';
import { maskCall } from '../../common/calls/mask';
import { CHANGES_CHANNEL } from '../sync/notify';
import { loadCalls } from './store';

export const CALLS_CHANNEL = 'desk_calls';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Call inside the writing transaction: PostgreSQL delivers a NOTIFY only when it commits. With `changes`, the
 * change-log poke (server/sync/notify) goes in the same statement, after the call's.
 */
export async function notifyCall(q: Queryable, callId: string, changes?: Record<string, string>): Promise<void> {
  if (!changes) {
    await q.query('SELECT pg_notify($1, $2)', [CALLS_CHANNEL, callId]);
    return;
  }
  await q.query('SELECT pg_notify($1, $2), pg_notify($3, $4)', [
    CALLS_CHANNEL,
    callId,
    CHANGES_CHANNEL,
    JSON.stringify(changes),
  ]);
}

/**
 * notifyCall for a group of calls (one transaction's), as a statement: each call's NOTIFY in order, then the one
 * change-log poke (null: no calls).
 */
export function callsNotify(callIds: readonly string[], changes: Record<string, string>): Statement | null {
  if (callIds.length === 0) return null;
  return {
    sql: `SELECT pg_notify(channel, payload) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(channel, payload, n)
      ORDER BY n`,
    params: [
      [...callIds.map(() => CALLS_CHANNEL), CHANGES_CHANNEL],
      [...callIds, JSON.stringify(changes)],
    ],
  };
}

/** Every node: send each notified call to the sockets of its offered and answering agents on this node. */
export function registerCallFanOut(app: FastifyInstance, db: Db): void {
  let unlisten: (() => Promise<void>) | null = null;
  const send = async (id: string) => {
    // No socket on this node: nobody here to send to, so the record is not read (webhook bursts with no console).
    if (!UUID.test(id) || app.live.size() === 0) return;
    const [call] = await loadCalls(db, [id]);
    if (!call) return;
    // Numbers masked, as in the pull (issue 11 §4).
    const message: CallLiveMessage = { type: CALL_LIVE_TYPE, call: maskCall(call, await cachedPhoneHasher(db)) };
    for (const userId of new Set([...call.offeredAgentIds, ...(call.agentId ? [call.agentId] : [])])) {
      app.live.sendToUser(userId, message);
    }
  };
  app.addHook('onReady', async () => {
    unlisten = await db.listen(CALLS_CHANNEL, (payload) => {
      send(payload).catch((err: unknown) => app.log.warn({ err }, 'call fan-out failed'));
    });
  });
  app.addHook('onClose', async () => {
    const stop = unlisten;
    unlisten = null;
    await stop?.().catch((err: unknown) => app.log.warn({ err }, 'call fan-out unlisten failed'));
  });
}
