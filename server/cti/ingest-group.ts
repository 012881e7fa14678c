/**
 * Several endpoint requests in one transaction (./ingest-queue groups the webhooks that arrive while the database
 * is busy), set-based: every statement counts (PGlite parses and plans each on its one connection; each is a round
 * trip to PostgreSQL), so a group runs a few statements whatever its number of events —
 *
 *   reads:  the requests' plans (PlanReads: settings, block list, caller-ID rules, each read once); every event's
 *           locks (in key order, so two groups never wait on each other crosswise); then one read: which events
 *           were processed already, every event's candidate records, locked (store.ts groupCandidatesRead), the
 *           residents of the events' numbers, the staff list and its presence.
 *   memory: each event in arrival order, exactly as ./ingest applyCallEventTx applies one: skip a processed
 *           (source, eventId); correlate among its candidates as they stand after the group's earlier events
 *           (./group-calls); the pure machine; the resident; the agent's presence.
 *   writes: one statement: the changed call records (one upsert), their new aliases, the presence rows,
 *           cti_events, the change log in the order one-at-a-time would have logged it, the NOTIFYs.
 *
 * When the group fails, nothing of it was written and each request runs again on its own (runIngestJob), in the
 * same order. tests/integration/cti-group-equivalence.test.ts holds both paths to the same results.
 */
import { correlate } from '../../common/calls/correlate';
import type { CallEvent } from '../../common/calls/envelope';
import { applyCallEvent } from '../../common/calls/machine';
import type { CtiSiteSettings } from '../../common/calls/site-settings';
import type { Call, Presence } from '../../common/domain';
import type { Db, Queryable } from '../db/driver';
import { toE164 } from '../residents/phone';
import { combined, readTogether, run } from '../db/statement';
import { changeRowsInsert, type PendingChange } from '../sync/changes';
import { batched } from './batched';
import { areBlocked, listCallerIdRules, type CallerIdRule } from './blocks';
import { groupCalls } from './group-calls';
import {
  callerLockKeys,
  lockKeys,
  machineContext,
  namesAgents,
  processedRead,
  processedKey,
  processedInsert,
  residentLookup,
  runIngestJob,
  toError,
  withResidentId,
  type IngestJob,
  type IngestPlan,
  type IngestResult,
  type PlanReads,
  type ProcessedRow,
} from './ingest';
import { callsNotify } from './live';
import { loadPresences, presenceAfterCall, presenceMove, presenceUpsert } from './presence';
import { readCtiSettings } from './settings';
import {
  activeAgentsRead,
  agentsPresenceRead,
  groupCandidatesRead,
  residentByPhone,
  residentsRead,
  aliasesInsert,
  callsUpsert,
  type AgentRef,
} from './store';

/** One applied event's step, kept for the presence pass. */
interface Step {
  before: Call | undefined;
  after: Call;
  now: Date;
  settings: CtiSiteSettings | undefined;
}

/** toE164 remembered for the group: each number is parsed once, not at every use. */
function cachedE164(): (raw: string) => string | null {
  const seen = new Map<string, string | null>();
  return (raw) => {
    let e164 = seen.get(raw);
    if (e164 === undefined) seen.set(raw, (e164 = toE164(raw)));
    return e164;
  };
}

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
  // A lone request too: its events in one transaction rather than one each (a failure falls back to that).
  try {
    return await db.tx((q) => applyGroup(q, jobs, now));
  } catch {
    return alone();
  }
}

async function applyGroup(q: Queryable, jobs: Readonly<IngestJob<unknown>[]>, now: () => Date): Promise<unknown[]> {
  const reads = groupReads(q);
  const plans = await planAll(jobs, reads);
  const events = plans.flatMap((p) => p.events);
  if (events.length === 0) return plans.map((p) => p.answer([]));
  const e164 = cachedE164();
  const fromOf = (e: CallEvent) => (e.from ? e164(e.from) : null);
  await lockKeys(
    q,
    events.flatMap((e) => callerLockKeys(e, fromOf(e))),
  );
  // One read after the locks (an event another transaction applied meanwhile is seen): which events were
  // processed, the candidate records of all (locked), the residents of their numbers, the staff and its presence.
  const unique = firstOccurrences(events);
  const numbers = unique.flatMap((e) => [e.from, e.to]).flatMap((n) => (n ? [e164(n)] : []));
  const read = await readTogether(q, {
    processed: processedRead(events),
    candidates: groupCandidatesRead(unique, unique.map(fromOf), unique.length),
    residents: residentsRead(numbers.filter((n): n is string => n !== null)),
    staff: activeAgentsRead(),
    presence: agentsPresenceRead(),
  });
  const processed = read.processed;
  const calls = groupCalls(read.candidates);
  const residentOf = residentFinder(q, numbers, read.residents);

  const steps: Step[] = [];
  const recorded: ProcessedRow[] = [];
  const answers: unknown[] = [];
  for (const plan of plans) {
    const results: IngestResult[] = [];
    for (const e of plan.events) {
      // The clock is read for every event, as one-at-a-time reads it.
      const at = now();
      const key = processedKey(e);
      const seen = processed.get(key);
      if (seen) {
        results.push({ eventId: e.eventId, outcome: 'duplicate', callId: seen });
        continue;
      }
      const before = correlate(e, calls.candidates(e, fromOf(e)), e164);
      const agents = namesAgents(e) ? read.staff : [];
      const applied = applyCallEvent(before, e, machineContext(e, at, agents, e164));
      const number = residentLookup(applied, before, e164);
      const after = number ? withResidentId(applied, await residentOf(number)) : applied;
      calls.put(after, before);
      processed.set(key, after.id);
      recorded.push({ e, callId: after.id, at: at.toISOString() });
      steps.push({ before, after, now: at, settings: plan.settings });
      results.push({ eventId: e.eventId, outcome: 'applied', callId: after.id });
    }
    answers.push(plan.answer(results));
  }

  const { changes, presence } = await followCalls(q, steps, reads.settings, read);
  // Every write in one statement; the NOTIFYs are its result.
  const notify = callsNotify(
    steps.map((s) => s.after.id),
    { source: 'cti' },
  );
  await run(
    q,
    combined(
      [
        callsUpsert(calls.written()),
        aliasesInsert(calls.addedAliases()),
        presenceUpsert(presence),
        processedInsert(recorded),
        changeRowsInsert(changes),
      ],
      notify ?? { sql: 'SELECT 1', params: [] },
    ),
  );
  return answers;
}

/** The group's PlanReads: the settings and caller-ID rules read once, the block list once a turn for all callers. */
function groupReads(q: Queryable): PlanReads {
  let settings: Promise<CtiSiteSettings> | undefined;
  let rules: Promise<CallerIdRule[]> | undefined;
  const blocked = batched((asks: Array<{ from: string; now: Date }>) => areBlocked(q, asks));
  return {
    settings: () => (settings ??= readCtiSettings(q)),
    callerIdRules: () => (rules ??= listCallerIdRules(q)),
    blocked: (from, now) => blocked({ from, now }),
  };
}

/**
 * The requests' plans, side by side so that their reads meet (./batched); in request order. Every plan has
 * finished before a failure is thrown, so none reads on after the transaction ended.
 */
async function planAll(jobs: Readonly<IngestJob<unknown>[]>, reads: PlanReads): Promise<IngestPlan<unknown>[]> {
  const settled = await Promise.allSettled(jobs.map((job) => job.plan(reads)));
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}

/**
 * The residents of the numbers a group's records may be matched by: its events' own, read with the group (`found`:
 * those with one resident), and any other (a number only a stored record holds) alone, once.
 */
function residentFinder(
  q: Queryable,
  numbers: ReadonlyArray<string | null>,
  found: ReadonlyMap<string, string>,
): (number: string) => Promise<string | null> {
  const known = new Map<string, string | null>();
  for (const n of numbers) if (n !== null) known.set(n, found.get(n) ?? null);
  return async (number) => {
    if (!known.has(number)) known.set(number, await residentByPhone(q, number));
    return known.get(number) ?? null;
  };
}

/** Each (source, eventId) once: a later one is a duplicate. */
function firstOccurrences(events: readonly CallEvent[]): CallEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = processedKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The presence pass (./presence followCall, for every step in order, on the presence as the earlier steps left
 * it): the change log in the order one-at-a-time writes it (each call, then its agent's presence), and each moved
 * agent's last presence.
 */
async function followCalls(
  q: Queryable,
  steps: readonly Step[],
  readSettings: () => Promise<CtiSiteSettings>,
  read: { staff: readonly AgentRef[]; presence: ReadonlyMap<string, Presence> },
): Promise<{ changes: PendingChange[]; presence: Presence[] }> {
  const moves = steps.map((s) => presenceMove(s.before, s.after));
  // The staff's presence came with the group's read; an agent who is not on the staff list is read now.
  const current = new Map(read.presence);
  const staffIds = new Set(read.staff.map((a) => a.id));
  const others = steps.flatMap((s, i) =>
    moves[i] && s.after.agentId && !staffIds.has(s.after.agentId) ? [s.after.agentId] : [],
  );
  for (const [id, p] of await loadPresences(q, others)) current.set(id, p);
  const changed = new Set<string>();
  const changes: PendingChange[] = [];
  for (const [i, s] of steps.entries()) {
    changes.push({ entity: 'call', id: s.after.id, op: 'put' });
    const move = moves[i];
    const agentId = s.after.agentId;
    if (!move || !agentId) continue;
    const wrapUpSeconds = async () => (s.settings ?? (await readSettings())).wrapUpSeconds;
    const next = await presenceAfterCall(move, s.after, current.get(agentId), s.now, wrapUpSeconds);
    if (!next) continue;
    current.set(agentId, next);
    changed.add(agentId);
    changes.push({ entity: 'presence', id: agentId, op: 'put' });
  }
  return { changes, presence: [...changed].map((id) => current.get(id) as Presence) };
}
