/**
 * The one write path of call events (DESIGN.md §6), whoever reports them: the native endpoint, the
 * Zammad-compatible endpoint and desks' `call.event` mutations all end in applyCallEventTx. Per event: skip a
 * processed (source, eventId); serialize reporters of the same caller; find the record among the candidates
 * (common/calls/correlate); apply the pure machine; match the caller to a resident; write the row, its aliases,
 * the change log, the agent's presence and a NOTIFY for the live fan-out. Webhooks that arrive together take
 * ./ingest-group instead, which applies them the same way, set-based; this path is its reference (and its fallback).
 */
import { correlate, matchAgent } from '../../common/calls/correlate';
import type { CallEvent } from '../../common/calls/envelope';
import type { CtiSiteSettings } from '../../common/calls/site-settings';
import { callRecordId } from '../../common/calls/ids';
import { applyCallEvent, type CallMachineContext } from '../../common/calls/machine';
import type { Call } from '../../common/domain';
import type { Db, Queryable } from '../db/driver';
import { run, type Read, type Statement } from '../db/statement';
import { toE164 } from '../residents/phone';
import { recordChangeRows, type PendingChange } from '../sync/changes';
import { isBlocked, listCallerIdRules, type CallerIdRule } from './blocks';
import { notifyCall } from './live';
import { logChangesTo, type LogChange } from './log';
import { followCall } from './presence';
import { readCtiSettings } from './settings';
import { activeAgents, loadCandidates, residentByPhone, saveCall, type AgentRef } from './store';

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

export const processedKey = (e: Pick<CallEvent, 'source' | 'eventId'>) => `${e.source}\u0000${e.eventId}`;

/**
 * Transaction-scoped advisory locks on the event's reporter id and caller number: two reporters of one call
 * racing (the PBX's webhook and a desk's push) are applied one after the other, so the second finds the first's
 * record. Taken in a fixed order so two events never wait on each other crosswise.
 */
export function callerLockKeys(e: CallEvent, fromE164: string | null): string[] {
  const keys = [`cti:id:${e.callId}`];
  const number = fromE164 ?? e.from;
  if (number) keys.push(`cti:from:${number}`);
  return keys;
}

export async function lockKeys(q: Queryable, keys: readonly string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort();
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

/** processedCall for many events, as one read: processedKey → the call record's id. */
export function processedRead(events: readonly CallEvent[]): Read<Map<string, string>> {
  return {
    sql: `SELECT c.source, c.event_id, c.call_id::text AS call_id
       FROM cti_events c JOIN unnest($1::text[], $2::text[]) AS t(source, event_id)
         ON c.source = t.source AND c.event_id = t.event_id`,
    params: [events.map((e) => e.source), events.map((e) => e.eventId)],
    decode: (rows) =>
      new Map(
        rows.map((r) => [processedKey({ source: String(r.source), eventId: String(r.event_id) }), String(r.call_id)]),
      ),
  };
}

/** A processed event's cti_events row. */
export interface ProcessedRow {
  e: CallEvent;
  callId: string;
  at: string;
}

/** The processed events' cti_events rows as one statement. */
export function processedInsert(rows: readonly ProcessedRow[]): Statement | null {
  if (rows.length === 0) return null;
  return {
    sql: `INSERT INTO cti_events (source, event_id, call_id, processed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[])`,
    params: [
      rows.map((r) => r.e.source),
      rows.map((r) => r.e.eventId),
      rows.map((r) => r.callId),
      rows.map((r) => r.at),
    ],
  };
}

const outsideNumber = (c: Call, e164: (raw: string) => string | null) =>
  c.direction === 'inbound' ? c.fromE164 : c.to && e164(c.to);

/**
 * A new or unmatched caller is matched once: the outside number to look up, or null — the record has its resident,
 * or its number was already looked up (nobody matched), so it is not asked again on every later event.
 */
export function residentLookup(
  call: Call,
  before: Call | undefined,
  e164: (raw: string) => string | null = toE164,
): string | null {
  if (call.residentId !== null) return null;
  const outside = outsideNumber(call, e164);
  if (!outside || (before && outsideNumber(before, e164) === outside)) return null;
  return outside;
}

/** Exactly one resident with the outside number → known. */
export const withResidentId = (call: Call, residentId: string | null): Call =>
  residentId ? { ...call, residentId, residentConfidence: 'known' } : call;

export function namesAgents(e: CallEvent): boolean {
  if (e.agent) return true;
  if (e.type === 'call.ringing') return (e.offeredTo?.length ?? 0) > 0;
  return (e.type === 'call.answered' && !!e.answeredBy) || e.type === 'call.transferred';
}

/** The machine's context for `e` (the same for one event and for a group). */
export function machineContext(
  e: CallEvent,
  now: Date,
  agents: readonly AgentRef[],
  e164: (raw: string) => string | null = toE164,
): CallMachineContext {
  return {
    // Named after the first report, like the desk's optimistic copy of it (one id on both sides).
    newId: () => callRecordId(e.source, e.callId),
    now,
    resolveAgent: (ref) => matchAgent(ref, agents)?.id ?? null,
    toE164: e164,
  };
}

/** Applies one event inside the caller's transaction. */
export async function applyCallEventTx(q: Queryable, e: CallEvent, ctx: IngestContext): Promise<IngestResult> {
  const fromE164 = e.from ? toE164(e.from) : null;
  await lockKeys(q, callerLockKeys(e, fromE164));
  const seen = await processedCall(q, e);
  if (seen) return { eventId: e.eventId, outcome: 'duplicate', callId: seen };

  const before = correlate(e, await loadCandidates(q, e, fromE164), toE164);
  // Only an event that names agents needs the staff list (hangups mostly do not).
  const agents = namesAgents(e) ? await activeAgents(q) : [];
  const applied = applyCallEvent(before, e, machineContext(e, ctx.now, agents));
  const number = residentLookup(applied, before);
  const after = number ? withResidentId(applied, await residentByPhone(q, number)) : applied;
  await saveCall(q, after, before);
  await run(q, processedInsert([{ e, callId: after.id, at: ctx.now.toISOString() }]));
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

/** What one endpoint request does: the events it applies, in order, and its answer once they are applied. */
export interface IngestPlan<R> {
  events: readonly CallEvent[];
  /** The site's CTI settings when the plan read them. */
  settings?: CtiSiteSettings | undefined;
  answer(results: IngestResult[]): R;
}

/**
 * What decides a request's events: the integration switch, the block list, the caller-ID rules. A request alone
 * reads them from the database as it goes; a group reads each once, and the block list once for all its callers
 * (./ingest-group).
 */
export interface PlanReads {
  settings(): Promise<CtiSiteSettings>;
  /** Whether the caller is on the block list at `now`. */
  blocked(from: string, now: Date): Promise<boolean>;
  callerIdRules(): Promise<CallerIdRule[]>;
}

/** One endpoint request: `plan` decides its events from what it reads. */
export interface IngestJob<R> {
  plan(reads: PlanReads): Promise<IngestPlan<R>>;
}

/** A job on its own: its reads, then each event in its own transaction (ingestCallEvents). */
export async function runIngestJob<R>(db: Db, job: IngestJob<R>, now: () => Date): Promise<R> {
  const plan = await job.plan({
    settings: () => readCtiSettings(db),
    blocked: (from, at) => isBlocked(db, from, at),
    callerIdRules: () => listCallerIdRules(db),
  });
  return plan.answer(await ingestCallEvents(db, plan.events, now, plan.settings));
}

export const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
