/**
 * The one write path of call events (DESIGN.md §6), whoever reports them: the native endpoint, the
 * Zammad-compatible endpoint and desks' `call.event` mutations all end in applyCallEventTx. Per event: skip a
 * processed (source, eventId); serialize reporters of the same caller; find the record among the candidates
 * (common/calls/correlate); apply the pure machine; match the caller to a resident; write the row, its aliases,
 * the change log, the agent's presence and a NOTIFY for the live fan-out.
 */
import { correlate, matchAgent } from '../../common/calls/correlate';
import type { CallEvent } from '../../common/calls/envelope';
import type { CtiSiteSettings } from '../../common/calls/site-settings';
import { callRecordId } from '../../common/calls/ids';
import { applyCallEvent } from '../../common/calls/machine';
import type { Call } from '../../common/domain';
import type { Db, Queryable } from '../db/driver';
import { toE164 } from '../residents/phone';
import { recordChangeRows, type PendingChange } from '../sync/changes';
import { notifyCall } from './live';
import { logChangesTo, type LogChange } from './log';
import { followCall } from './presence';
import { readCtiSettings } from './settings';
import { activeAgents, loadCandidates, residentByPhone, saveCall } from './store';

export type IngestOutcome = 'applied' | 'duplicate';

export interface IngestResult {
  eventId: string;
  outcome: IngestOutcome;
  /** The call record's id (uuid). */
  callId: string;
}

export interface IngestContext {
  now: Date;
  log: LogChange;
  /** The site's CTI settings when the caller has just read them (the Zammad endpoint does); else read if needed. */
  settings?: CtiSiteSettings | undefined;
  /** Also poke consoles that the change log grew (server/sync/notify), in the same statement as the call's NOTIFY. */
  changesSource?: Record<string, string> | undefined;
}

/**
 * Transaction-scoped advisory locks on the event's reporter id and caller number: two reporters of one call
 * racing (the PBX's webhook and a desk's push) are applied one after the other, so the second finds the first's
 * record. Taken in a fixed order so two events never wait on each other crosswise.
 */
async function lockCaller(q: Queryable, e: CallEvent, fromE164: string | null): Promise<void> {
  const keys = [`cti:id:${e.callId}`];
  const number = fromE164 ?? e.from;
  if (number) keys.push(`cti:from:${number}`);
  const sorted = keys.sort();
  // One round trip: a select list is evaluated left to right, so the locks are still taken in key order.
  const calls = sorted.map((_, i) => `pg_advisory_xact_lock(hashtextextended($${i + 1}, 0))`).join(', ');
  await q.query(`SELECT ${calls}`, sorted);
}

async function processedCall(q: Queryable, e: CallEvent): Promise<string | undefined> {
  const { rows } = await q.query<{ call_id: string }>(
    'SELECT call_id::text AS call_id FROM cti_events WHERE source = $1 AND event_id = $2',
    [e.source, e.eventId],
  );
  return rows[0]?.call_id;
}

const outsideNumber = (c: Call) => (c.direction === 'inbound' ? c.fromE164 : c.to && toE164(c.to));

/**
 * A new or unmatched caller is matched once: exactly one resident with the outside number → known. A record
 * whose number was already looked up (nobody matched) is not asked again on every later event.
 */
async function withResident(q: Queryable, call: Call, before: Call | undefined): Promise<Call> {
  if (call.residentId !== null) return call;
  const outside = outsideNumber(call);
  if (!outside || (before && outsideNumber(before) === outside)) return call;
  const residentId = await residentByPhone(q, outside);
  return residentId ? { ...call, residentId, residentConfidence: 'known' } : call;
}

function namesAgents(e: CallEvent): boolean {
  if (e.agent) return true;
  if (e.type === 'call.ringing') return (e.offeredTo?.length ?? 0) > 0;
  return (e.type === 'call.answered' && !!e.answeredBy) || e.type === 'call.transferred';
}

/** Applies one event inside the caller's transaction. */
export async function applyCallEventTx(q: Queryable, e: CallEvent, ctx: IngestContext): Promise<IngestResult> {
  const fromE164 = e.from ? toE164(e.from) : null;
  await lockCaller(q, e, fromE164);
  const seen = await processedCall(q, e);
  if (seen) return { eventId: e.eventId, outcome: 'duplicate', callId: seen };

  const before = correlate(e, await loadCandidates(q, e, fromE164), toE164);
  // Only an event that names agents needs the staff list (hangups mostly do not).
  const agents = namesAgents(e) ? await activeAgents(q) : [];
  const applied = applyCallEvent(before, e, {
    // Named after the first report, like the desk's optimistic copy of it (one id on both sides).
    newId: () => callRecordId(e.source, e.callId),
    now: ctx.now,
    resolveAgent: (ref) => matchAgent(ref, agents)?.id ?? null,
    toE164,
  });
  const after = await withResident(q, applied, before);
  await saveCall(q, after, before);
  await q.query('INSERT INTO cti_events (source, event_id, call_id, processed_at) VALUES ($1, $2, $3, $4)', [
    e.source,
    e.eventId,
    after.id,
    ctx.now.toISOString(),
  ]);
  await ctx.log('call', after.id);
  if (after.agentId) {
    const wrapUpSeconds = async () => (ctx.settings ?? (await readCtiSettings(q))).wrapUpSeconds;
    await followCall(q, before, after, ctx.now, wrapUpSeconds, ctx.log);
  }
  await notifyCall(q, after.id, ctx.changesSource);
  return { eventId: e.eventId, outcome: 'applied', callId: after.id };
}

/** Applies a batch from an endpoint, each event in its own transaction (one bad event never undoes the others). */
export async function ingestCallEvents(
  db: Db,
  events: readonly CallEvent[],
  now: () => Date,
  settings?: CtiSiteSettings,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const e of events) {
    results.push(
      await db.tx(async (q) => {
        // The event's change-log rows (the call's, its agent's presence) go in one statement at the end, in order.
        const changes: PendingChange[] = [];
        // Consoles pull the new record (the offered agents already have it from the live message).
        const changesSource = { source: 'cti' };
        const result = await applyCallEventTx(q, e, {
          now: now(),
          log: logChangesTo(q, changes),
          settings,
          changesSource,
        });
        await recordChangeRows(q, changes);
        return result;
      }),
    );
  }
  return results;
}
