/**
 * Push throughput (DESIGN.md §9 rules 3–5), against the real server (server/cli.ts, its own process, its real HTTP
 * stack and default logging) on a database that already holds the demo's 200k tickets:
 *
 * - sync.push_per_s.concurrent.{pglite,postgres}: DESKS desks at once, each with its own client id, outbox counter
 *   and signed-in agent, each sending push after push of 1–3 mutations (./desk-load: notes, status steps,
 *   assignments, call logs, a few new tickets, on existing tickets), the next one as soon as the last is answered,
 *   for PUSH_SECONDS. The budgets (≥ 2,000/s PGlite, ≥ 5,000/s PostgreSQL) are these keys'.
 * - sync.push_per_s.{pglite,postgres}: one desk back from a long offline spell with OFFLINE_QUEUE mutations queued
 *   on existing tickets, pushed in its normal batches of PUSH_BATCH, one after another, to a server that has been at
 *   work meanwhile (another desk's batches on other tickets first: a server is not restarted for a desk's return).
 *
 * Ratio: the rows those pushes left behind written again by the best known way — set-based, one statement per table
 * (tickets upserted from a JSON recordset, events and calls from JSON recordsets, change_log and sync_mutations from
 * unnest, the client rows updated) — into the same database through the same driver, with no HTTP, no rules, no
 * reads. One desk's pushes: one transaction per push, as they arrive one after another. Concurrent desks: their
 * pushes group-committed, one transaction per round of one push from each desk (what the server's group commit
 * does at best); the figure per push, one transaction each with the desks' concurrency, is logged beside it (until
 * this branch it was the ratio's baseline: a slower way than the server's own, which flattered the ratio).
 */
import { randomUUID } from 'node:crypto';
import type { Ticket } from '../../../common/domain';
import { SYNC_SCHEMA_VERSION } from '../../../common/sync';
import { CentralClient } from '../../../main/central';
import type { Db, Queryable } from '../../../server/db/driver';
import { TICKET_COLUMNS } from '../../../server/db/rows';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import { DEMO_DATA, DEMO_PASSWORD, DESKS, type DemoLarge } from './demo-large';
import { DeskLoad, workingSets, type Pushed } from './desk-load';
import {
  POSTGRES_SKIP_REASON,
  apiLogin,
  postgresAdminUrl,
  round,
  startServer,
  type Backend,
  type RunningServer,
} from './fixtures';

/** main/sync/engine.ts: `pushBatch` defaults to 200 mutations per request. */
export const PUSH_BATCH = 200;
export const PUSH_SECONDS = 20;
const WARMUP_SECONDS = 3;
/** Tickets each concurrent desk works on (disjoint between desks, as agents take different calls). */
const TICKETS_PER_DESK = 20;
export const OFFLINE_QUEUE = 3_000;
/** Tickets the offline desk worked on while away. */
const OFFLINE_TICKETS = 200;
export const PUSH_BUDGETS: Record<Backend, number> = { pglite: 2_000, postgres: 5_000 };

/** One push as sent, for the baseline replay. */
interface SentPush {
  clientId: string;
  mutations: Pushed[];
}

interface Desk {
  load: DeskLoad;
  central: CentralClient;
}

/**
 * Signs each desk's agent in, as the desk host does before its first push (scrypt at the production cost: a
 * session is reused by the later benches of the group, as a desk keeps its session across server restarts).
 */
async function openDesks(serverUrl: string, demo: DemoLarge, loads: readonly DeskLoad[]): Promise<Desk[]> {
  const desks: Desk[] = [];
  for (const load of loads) {
    const central = new CentralClient(serverUrl, { timeoutMs: 120_000 });
    const name = load.agent.username;
    let token = demo.tokens.get(name);
    if (!token) demo.tokens.set(name, (token = await apiLogin(serverUrl, name, DEMO_PASSWORD)));
    central.setToken(token);
    desks.push({ load, central });
  }
  return desks;
}

/** Sends one push; throws unless the server applied every mutation in it. */
async function push(desk: Desk, mutations: Pushed[], sent: SentPush[] | null): Promise<void> {
  const res = await desk.central.push({
    clientId: desk.load.clientId,
    schemaVersion: SYNC_SCHEMA_VERSION,
    mutations,
  });
  const last = mutations.at(-1)?.id ?? 0;
  if (res.lastMutationId !== last) throw new Error(`push stopped at ${res.lastMutationId}, expected ${last}`);
  const refused = res.results.find((r) => r.outcome !== 'applied');
  if (refused) {
    const name = mutations.find((m) => m.id === refused.id)?.name;
    throw new Error(`the server did not apply ${name}: ${refused.outcome} ${JSON.stringify(refused.error)}`);
  }
  sent?.push({ clientId: desk.load.clientId, mutations });
}

/** Every desk pushes back to back until `seconds` have passed; returns the mutations answered and the time taken. */
async function pushFor(desks: readonly Desk[], seconds: number, sent: SentPush[] | null) {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let mutations = 0;
  let requests = 0;
  const latencies: number[] = [];
  await Promise.all(
    desks.map(async (desk) => {
      while (performance.now() < deadline) {
        const batch = desk.load.nextBatch();
        const t0 = performance.now();
        await push(desk, batch, sent);
        latencies.push(performance.now() - t0);
        mutations += batch.length;
        requests += 1;
      }
    }),
  );
  return { mutations, requests, ms: performance.now() - started, latencies };
}

// ---------------------------------------------------------------------------------------------------------------
// The baseline: the same rows, written set-based, per push.

interface BaselinePush {
  clientId: string;
  tickets: Record<string, unknown>[];
  events: Record<string, unknown>[];
  calls: Record<string, unknown>[];
  changes: Array<[entity: string, id: string]>;
  mutations: Array<[id: number, name: string]>;
}

const COLUMN_NAMES = TICKET_COLUMNS.split(',').map((c) => c.trim());
const UPDATES = COLUMN_NAMES.filter((c) => c !== 'id' && c !== 'created_at' && c !== 'created_by')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * The rows the sent pushes wrote, as the server stored them, under fresh ids (new tickets, events, calls, client
 * ids) so they can be written again next to the originals; updated tickets keep their ids and are upserted again.
 */
async function baselineOf(db: Db, sent: readonly SentPush[]): Promise<BaselinePush[]> {
  const ids = { tickets: new Set<string>(), events: new Set<string>(), calls: new Set<string>() };
  for (const p of sent) {
    for (const m of p.mutations) {
      const a = m.args as { id: string; eventId?: string };
      if (m.name === 'call.log') ids.calls.add(a.id);
      else {
        ids.tickets.add(a.id);
        if (a.eventId) ids.events.add(a.eventId);
      }
    }
  }
  const rows = async (sql: string, set: Set<string>) => {
    const { rows: found } = await db.query<{ j: Record<string, unknown> | string }>(sql, [[...set]]);
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of found) {
      const j = typeof r.j === 'string' ? (JSON.parse(r.j) as Record<string, unknown>) : r.j;
      byId.set(String(j.id), j);
    }
    return byId;
  };
  const tickets = await rows(
    `SELECT row_to_json(t) AS j FROM (SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ANY($1::uuid[])) t`,
    ids.tickets,
  );
  const events = await rows('SELECT row_to_json(e) AS j FROM ticket_events e WHERE id = ANY($1::uuid[])', ids.events);
  const calls = await rows('SELECT row_to_json(c) AS j FROM calls c WHERE id = ANY($1::uuid[])', ids.calls);
  const clientIds = new Map<string, string>();
  const created = new Map<string, string>();
  const get = (map: Map<string, Record<string, unknown>>, id: string) => {
    const row = map.get(id);
    if (!row) throw new Error(`baseline: row ${id} is not on the server`);
    return row;
  };
  return sent.map((p) => {
    let clientId = clientIds.get(p.clientId);
    if (!clientId) clientIds.set(p.clientId, (clientId = randomUUID()));
    const b: BaselinePush = { clientId, tickets: [], events: [], calls: [], changes: [], mutations: [] };
    const touched = new Set<string>();
    for (const m of p.mutations) {
      const a = m.args as { id: string; eventId?: string };
      b.mutations.push([m.id, m.name]);
      if (m.name === 'call.log') {
        const id = randomUUID();
        b.calls.push({ ...get(calls, a.id), id, call_id: id });
        b.changes.push(['call', id]);
        continue;
      }
      if (m.name === 'ticket.create') created.set(a.id, randomUUID());
      const ticketId = created.get(a.id) ?? a.id;
      if (!touched.has(ticketId)) {
        touched.add(ticketId);
        const row = get(tickets, a.id);
        b.tickets.push(created.has(a.id) ? { ...row, id: ticketId, code: `${String(row.code)}-${ticketId}` } : row);
      }
      b.changes.push(['ticket', ticketId]);
      if (a.eventId) {
        const id = randomUUID();
        b.events.push({ ...get(events, a.eventId), id, ticket_id: ticketId });
        b.changes.push(['ticket_event', id]);
      }
    }
    return b;
  });
}

/** One or more pushes (of different clients) written in the caller's transaction, one statement per table. */
async function writeBaselineRows(q: Queryable, pushes: readonly BaselinePush[]): Promise<void> {
  const fresh = (rows: Record<string, unknown>[]) => JSON.stringify(rows);
  // A ticket two pushes of a group touch is written once, as the later one left it.
  const tickets = [...new Map(pushes.flatMap((b) => b.tickets.map((t) => [String(t.id), t] as const))).values()];
  const events = pushes.flatMap((b) => b.events);
  const calls = pushes.flatMap((b) => b.calls);
  const changes = pushes.flatMap((b) => b.changes);
  const mutations = pushes.flatMap((b) => b.mutations.map(([id, name]) => [b.clientId, id, name] as const));
  if (tickets.length > 0) {
    await q.query(
      `INSERT INTO tickets (${TICKET_COLUMNS})
       SELECT ${TICKET_COLUMNS} FROM json_populate_recordset(NULL::tickets, $1::json)
       ON CONFLICT (id) DO UPDATE SET ${UPDATES}`,
      [fresh(tickets)],
    );
  }
  if (events.length > 0) {
    await q.query('INSERT INTO ticket_events SELECT * FROM json_populate_recordset(NULL::ticket_events, $1::json)', [
      fresh(events),
    ]);
  }
  if (calls.length > 0) {
    await q.query('INSERT INTO calls SELECT * FROM json_populate_recordset(NULL::calls, $1::json)', [fresh(calls)]);
  }
  await q.query(
    `INSERT INTO change_log (entity, entity_id, op)
     SELECT entity, id, 'put' FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(entity, id, n) ORDER BY n`,
    [changes.map((c) => c[0]), changes.map((c) => c[1])],
  );
  await q.query(
    `INSERT INTO sync_mutations (client_id, mutation_id, name, outcome)
     SELECT client_id, id, name, 'applied' FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS t(client_id, id, name)`,
    [mutations.map((m) => m[0]), mutations.map((m) => m[1]), mutations.map((m) => m[2])],
  );
  await q.query(
    `UPDATE sync_clients c SET last_mutation_id = t.last, last_seen_at = now()
       FROM unnest($1::uuid[], $2::bigint[]) AS t(client_id, last) WHERE c.client_id = t.client_id`,
    [pushes.map((b) => b.clientId), pushes.map((b) => b.mutations.at(-1)?.[0] ?? 0)],
  );
}

/** Each client's pushes in the order they were sent. */
function lanesOf(pushes: readonly BaselinePush[]): BaselinePush[][] {
  const lanes = new Map<string, BaselinePush[]>();
  for (const p of pushes) lanes.set(p.clientId, [...(lanes.get(p.clientId) ?? []), p]);
  return [...lanes.values()];
}

async function addBaselineClients(db: Db, lanes: readonly BaselinePush[][], userId: string): Promise<void> {
  await db.query(
    `INSERT INTO sync_clients (client_id, user_id, created_at, last_seen_at)
     SELECT id, $2, now(), now() FROM unnest($1::uuid[]) AS t(id)`,
    [lanes.map((lane) => lane[0]?.clientId), userId],
  );
}

/** Writes the baseline pushes in concurrent sequences (one per desk), each push one transaction. */
async function writeBaselinePerPush(db: Db, pushes: readonly BaselinePush[], userId: string): Promise<number> {
  const lanes = lanesOf(pushes);
  await addBaselineClients(db, lanes, userId);
  const started = performance.now();
  await Promise.all(
    lanes.map(async (lane) => {
      for (const p of lane) await db.tx((q) => writeBaselineRows(q, [p]));
    }),
  );
  return performance.now() - started;
}

/** Writes the baseline pushes group-committed: round i holds each desk's i-th push, one transaction per round. */
async function writeBaselineGrouped(db: Db, pushes: readonly BaselinePush[], userId: string): Promise<number> {
  const lanes = lanesOf(pushes);
  await addBaselineClients(db, lanes, userId);
  const rounds = Math.max(0, ...lanes.map((lane) => lane.length));
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    const group = lanes.flatMap((lane) => lane.slice(i, i + 1));
    await db.tx((q) => writeBaselineRows(q, group));
  }
  return performance.now() - started;
}

/** The mix the desks sent, e.g. "ticket.comment 45%, ticket.setStatus 19%, …". */
function mixOf(loads: readonly DeskLoad[]): string {
  const counts = new Map<string, number>();
  for (const l of loads) for (const [name, n] of l.sent) counts.set(name, (counts.get(name) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${((100 * n) / total).toFixed(0)}%`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------------------------

interface PushRun {
  mutations: number;
  ms: number;
  sent: SentPush[];
  describe: string;
}

/** The concurrent desks: a warm-up, then PUSH_SECONDS measured. */
async function concurrentRun(server: RunningServer, demo: DemoLarge, loads: readonly DeskLoad[], ctx: BenchContext) {
  const desks = await openDesks(server.url, demo, loads);
  const warm = await pushFor(desks, WARMUP_SECONDS, null);
  ctx.log(`  warm-up: ${warm.mutations} mutations in ${warm.requests} pushes over ${warm.ms.toFixed(0)} ms`);
  const sent: SentPush[] = [];
  // The desks run in this process, on the server's cores: what each side used is logged (DESIGN.md §9 rule 7).
  const serverCpu = server.cpuMs();
  const desksCpu = process.cpuUsage();
  const run = await pushFor(desks, PUSH_SECONDS, sent);
  const desksUsed = process.cpuUsage(desksCpu);
  ctx.log(
    `  CPU in the measured window: server ${((server.cpuMs() - serverCpu) / 1000).toFixed(1)} s, the ${desks.length} ` +
      `desks (this process) ${((desksUsed.user + desksUsed.system) / 1e6).toFixed(1)} s, of ${(run.ms / 1000).toFixed(1)} s`,
  );
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const p = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(0);
  return {
    mutations: run.mutations,
    ms: run.ms,
    sent,
    describe:
      `${desks.length} desks × back-to-back pushes of 1–3: ${run.mutations} mutations in ${run.requests} pushes ` +
      `over ${run.ms.toFixed(0)} ms (push round trip p50 ${p(0.5)} ms, p95 ${p(0.95)} ms)`,
  } satisfies PushRun;
}

/**
 * One desk back from an offline spell: OFFLINE_QUEUE mutations in batches of PUSH_BATCH. The server has been at
 * work meanwhile — another desk pushes its own batches, on other tickets, for WARMUP_SECONDS first — so what is
 * measured is a warm server (its JIT, its connections) meeting this desk's tickets, which stay as cold as they are.
 */
async function offlineRun(serverUrl: string, demo: DemoLarge, load: DeskLoad, other: DeskLoad, ctx: BenchContext) {
  const [desk, colleague] = await openDesks(serverUrl, demo, [load, other]);
  if (!desk || !colleague) throw new Error('no desk');
  const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
  let warm = 0;
  while (performance.now() < warmUntil) {
    const batch = other.queue(PUSH_BATCH);
    await push(colleague, batch, null);
    warm += batch.length;
  }
  ctx.log(`  warm-up: another desk pushed ${warm} mutations on its own tickets in batches of ${PUSH_BATCH}`);
  // Its first pushes of the day went through before it dropped off.
  await push(desk, load.queue(3), null);
  const queued = load.queue(OFFLINE_QUEUE);
  const sent: SentPush[] = [];
  const started = performance.now();
  for (let i = 0; i < queued.length; i += PUSH_BATCH) await push(desk, queued.slice(i, i + PUSH_BATCH), sent);
  const ms = performance.now() - started;
  return {
    mutations: queued.length,
    ms,
    sent,
    describe: `1 desk, ${queued.length} queued mutations in batches of ${PUSH_BATCH}: ${ms.toFixed(0)} ms`,
  } satisfies PushRun;
}

export function pushBench(
  backend: Backend,
  shape: 'concurrent' | 'offline',
  demoLarge: () => Promise<DemoLarge>,
): Bench {
  const key = shape === 'concurrent' ? `sync.push_per_s.concurrent.${backend}` : `sync.push_per_s.${backend}`;
  const data =
    shape === 'concurrent'
      ? `${DEMO_DATA}, ${DESKS} desks × 1–3 mutations per push, ${PUSH_SECONDS} s`
      : `${DEMO_DATA}, 1 desk × ${OFFLINE_QUEUE.toLocaleString('en-US')} queued mutations, batches of ${PUSH_BATCH}`;
  const span =
    shape === 'concurrent'
      ? `from the first measured push sent (after a ${WARMUP_SECONDS} s warm-up) to the last push answered; no ` +
        'desk pulls or holds a live socket meanwhile (the NOTIFY of each commit is sent, nobody listens)'
      : 'from the first queued batch sent to the last one answered (after another desk pushed batches on other ' +
        `tickets for ${WARMUP_SECONDS} s); the desk then has nothing more to send; no pull`;
  return {
    name:
      shape === 'concurrent'
        ? `push throughput, ${DESKS} desks at once (${backend})`
        : `push, offline queue (${backend})`,
    keys: [key],
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      if (backend === 'postgres' && !postgresAdminUrl()) {
        ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
        return [{ key, skipped: POSTGRES_SKIP_REASON }];
      }
      const demo = await demoLarge();
      // The offline desk, and a colleague's desk that keeps the server warm before it comes back.
      const desks = shape === 'concurrent' ? DESKS : 2;
      let db = await demo.database.open();
      let sets: Ticket[][];
      try {
        // Fresh tickets for each run (the offline desk after the concurrent ones): the working sets never overlap.
        const agent = demo.agents[0];
        if (!agent) throw new Error('no bench agents');
        const perDesk = shape === 'concurrent' ? TICKETS_PER_DESK : OFFLINE_TICKETS;
        const picked = await workingSets(db, agent, desks, perDesk, shape);
        sets = picked.sets;
        ctx.log(
          `  ${desks} desks × ${perDesk} tickets: ${picked.open} open (${picked.inReach} in an agent's reach), ` +
            `${desks * perDesk - picked.open} closed`,
        );
      } finally {
        await db.close();
      }
      const loads = sets.map((tickets, i) => {
        const agent = demo.agents[i];
        if (!agent) throw new Error('not enough agents');
        return new DeskLoad(randomUUID(), agent, tickets, 1_000 + i);
      });
      const server = await startServer(demo.database);
      let run: PushRun;
      try {
        run =
          shape === 'concurrent'
            ? await concurrentRun(server, demo, loads, ctx)
            : await offlineRun(server.url, demo, loads[0] as DeskLoad, loads[1] as DeskLoad, ctx);
      } finally {
        await server.stop();
      }
      const perSecond = (run.mutations / run.ms) * 1000;
      ctx.log(`  ${run.describe} → ${perSecond.toFixed(0)} mutations/s`);
      ctx.log(`  mix sent: ${mixOf(loads)}`);

      db = await demo.database.open();
      try {
        const userId = demo.agents[0]?.id ?? '';
        const perSecondOf = (ms: number) => (run.mutations / ms) * 1000;
        const perPushMs = await writeBaselinePerPush(db, await baselineOf(db, run.sent), userId);
        ctx.log(
          `  the same rows written set-based, per push, ${shape === 'concurrent' ? DESKS : 1} at once: ${perPushMs.toFixed(0)} ms → ` +
            `${perSecondOf(perPushMs).toFixed(0)} mutations/s`,
        );
        // One desk's pushes come one after another: per push is the best way. Many desks' are group-committed.
        let rawPerSecond = perSecondOf(perPushMs);
        let ratioTo = `the same rows written set-based per push, no HTTP (${backend})`;
        if (shape === 'concurrent') {
          const groupedMs = await writeBaselineGrouped(db, await baselineOf(db, run.sent), userId);
          rawPerSecond = perSecondOf(groupedMs);
          ratioTo = `the same rows written set-based, group-committed (one push per desk a transaction), no HTTP (${backend})`;
          ctx.log(
            `  the same rows written set-based, group-committed (a transaction per round of one push from each desk): ` +
              `${groupedMs.toFixed(0)} ms → ${rawPerSecond.toFixed(0)} mutations/s`,
          );
        }
        return [
          {
            key,
            value: Math.round(perSecond),
            unit: 'per_s',
            budget: PUSH_BUDGETS[backend],
            ratio: round(perSecond / rawPerSecond, 2),
            ratioTo,
            data,
            span,
          },
        ];
      } finally {
        await db.close();
      }
    },
  };
}
