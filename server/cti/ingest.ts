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
import { notifyCall, notifyCalls } from './live';
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
  /**
   * A group of events in one transaction (ingestCallEventGroup): the caller took every event's locks and read which
   * of them were processed already, reads the staff list once, and writes the group's cti_events rows and NOTIFYs
   * itself at the end.
   */
  group?: EventGroup | undefined;
}

interface EventGroup {
  agents(): Promise<AgentRef[]>;
  settings(): Promise<CtiSiteSettings>;
  /** Processed events (before the group and in it so far) → their call records' ids, by processedKey. */
  processed: Map<string, string>;
  /** The cti_events rows of the events the group applied. */
  recorded: { e: CallEvent; callId: string; at: string }[];
  notified: string[];
}

const processedKey = (e: Pick<CallEvent, 'source' | 'eventId'>) => `${e.source}\u0000${e.eventId}`;

/**
 * Transaction-scoped advisory locks on the event's reporter id and caller number: two reporters of one call
 * racing (the PBX's webhook and a desk's push) are applied one after the other, so the second finds the first's
 * record. Taken in a fixed order so two events never wait on each other crosswise.
 */
function callerLockKeys(e: CallEvent, fromE164: string | null): string[] {
  const keys = [`cti:id:${e.callId}`];
  const number = fromE164 ?? e.from;
  if (number) keys.push(`cti:from:${number}`);
  return keys;
}

async function lockKeys(q: Queryable, keys: readonly string[]): Promise<void> {
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

/** processedCall for many events: one statement. */
async function processedEvents(q: Queryable, events: readonly CallEvent[]): Promise<Map<string, string>> {
  if (events.length === 0) return new Map();
  const { rows } = await q.query<{ source: string; event_id: string; call_id: string }>(
    `SELECT c.source, c.event_id, c.call_id::text AS call_id
       FROM cti_events c JOIN unnest($1::text[], $2::text[]) AS t(source, event_id)
         ON c.source = t.source AND c.event_id = t.event_id`,
    [events.map((e) => e.source), events.map((e) => e.eventId)],
  );
  return new Map(rows.map((r) => [processedKey({ source: r.source, eventId: r.event_id }), r.call_id]));
}

/** A group's cti_events rows: one statement. */
async function recordProcessed(q: Queryable, rows: EventGroup['recorded']): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO cti_events (source, event_id, call_id, processed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::timestamptz[])`,
    [rows.map((r) => r.e.source), rows.map((r) => r.e.eventId), rows.map((r) => r.callId), rows.map((r) => r.at)],
  );
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
  if (!ctx.group) await lockKeys(q, callerLockKeys(e, fromE164));
  const seen = ctx.group ? ctx.group.processed.get(processedKey(e)) : await processedCall(q, e);
  if (seen) return { eventId: e.eventId, outcome: 'duplicate', callId: seen };

  const before = correlate(e, await loadCandidates(q, e, fromE164), toE164);
  // Only an event that names agents needs the staff list (hangups mostly do not).
  const agents = namesAgents(e) ? await (ctx.group?.agents() ?? activeAgents(q)) : [];
  const applied = applyCallEvent(before, e, {
    // Named after the first report, like the desk's optimistic copy of it (one id on both sides).
    newId: () => callRecordId(e.source, e.callId),
    now: ctx.now,
    resolveAgent: (ref) => matchAgent(ref, agents)?.id ?? null,
    toE164,
  });
  const after = await withResident(q, applied, before);
  await saveCall(q, after, before);
  if (ctx.group) {
    ctx.group.processed.set(processedKey(e), after.id);
    ctx.group.recorded.push({ e, callId: after.id, at: ctx.now.toISOString() });
  } else {
    await q.query('INSERT INTO cti_events (source, event_id, call_id, processed_at) VALUES ($1, $2, $3, $4)', [
      e.source,
      e.eventId,
      after.id,
      ctx.now.toISOString(),
    ]);
  }
  await ctx.log('call', after.id);
  if (after.agentId) {
    const wrapUpSeconds = async () =>
      (ctx.settings ?? (await (ctx.group?.settings() ?? readCtiSettings(q)))).wrapUpSeconds;
    await followCall(q, before, after, ctx.now, wrapUpSeconds, ctx.log);
  }
  if (ctx.group) ctx.group.notified.push(after.id);
  else await notifyCall(q, after.id, ctx.changesSource);
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
 * One endpoint request: `plan` reads what decides its events (the integration switch, the block list, the
 * caller-ID rules) through `q` — the group's transaction, or the database when it runs alone — and `settings`,
 * which a group reads once.
 */
export interface IngestJob<R> {
  plan(q: Queryable, settings: () => Promise<CtiSiteSettings>): Promise<IngestPlan<R>>;
}

/** A job on its own: its reads, then each event in its own transaction (ingestCallEvents). */
export async function runIngestJob<R>(db: Db, job: IngestJob<R>, now: () => Date): Promise<R> {
  const plan = await job.plan(db, () => readCtiSettings(db));
  return plan.answer(await ingestCallEvents(db, plan.events, now, plan.settings));
}

/**
 * Several requests in one transaction (./ingest-queue groups the webhooks that arrive while the database is busy):
 * one commit; the settings and the staff list read once; every event's locks taken in one statement (in key order,
 * so two groups never wait on each other crosswise); the change log and NOTIFYs written once at the end. Each event
 * is applied exactly as alone, in arrival order. When the group fails, nothing of it was written and each request
 * runs again on its own (runIngestJob), in the same order.
 */
export async function ingestCallEventGroup(
  db: Db,
  jobs: Readonly<IngestJob<unknown>[]>,
  now: () => Date,
): Promise<unknown[]> {
  const alone = async () => {
    const out: unknown[] = [];
    for (const job of jobs) out.push(await runIngestJob(db, job, now).catch(toError));
    return out;
  };
  if (jobs.length === 1) return alone();
  try {
    return await db.tx(async (q) => {
      let settings: Promise<CtiSiteSettings> | undefined;
      const readSettings = () => (settings ??= readCtiSettings(q));
      const plans: IngestPlan<unknown>[] = [];
      for (const job of jobs) plans.push(await job.plan(q, readSettings));
      const events = plans.flatMap((p) => p.events);
      if (events.length > 0)
        await lockKeys(
          q,
          events.flatMap((e) => callerLockKeys(e, e.from ? toE164(e.from) : null)),
        );
      let staff: Promise<AgentRef[]> | undefined;
      const group: EventGroup = {
        agents: () => (staff ??= activeAgents(q)),
        settings: readSettings,
        // Read after the locks, like processedCall: an event another transaction applied meanwhile is seen.
        processed: await processedEvents(q, events),
        recorded: [],
        notified: [],
      };
      const changes: PendingChange[] = [];
      const log = logChangesTo(q, changes);
      const answers: unknown[] = [];
      for (const plan of plans) {
        const results: IngestResult[] = [];
        for (const e of plan.events) {
          results.push(await applyCallEventTx(q, e, { now: now(), log, settings: plan.settings, group }));
        }
        answers.push(plan.answer(results));
      }
      await recordProcessed(q, group.recorded);
      await recordChangeRows(q, changes);
      await notifyCalls(q, group.notified, { source: 'cti' });
      return answers;
    });
  } catch {
    return alone();
  }
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
