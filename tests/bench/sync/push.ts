/**
 * sync.push_per_s.{pglite,postgres}: mutations per second through POST /api/v1/sync/push, sent the way desk hosts
 * send them — the central client of main/central.ts, batches of 200 (the engine's default pushBatch), each console
 * waiting for its previous batch — by PUSH_CONSOLES consoles at once against the real server in a child process.
 * The mix per ticket is what agents do: create, comment, assign, set status, comment.
 *
 * Ratio: the rows the push left behind (tickets, ticket_events, change_log, sync_mutations) inserted again with
 * plain single-row INSERTs through the same driver, one transaction per push batch, with the same concurrency,
 * into LIKE … INCLUDING ALL copies of those tables (same indexes and defaults, no reads, locks or HTTP).
 */
import { randomUUID } from 'node:crypto';
import type { User } from '../../../common/domain';
import { SYNC_SCHEMA_VERSION, type PushRequest } from '../../../common/sync';
import { CentralClient } from '../../../main/central';
import type { Db } from '../../../server/db/driver';
import type { Bench, BenchContext, BenchEntry, BenchSkip } from '../types';
import {
  POSTGRES_SKIP_REASON,
  apiLogin,
  createBenchDatabase,
  postgresAdminUrl,
  round,
  seedAgents,
  seedTeams,
  startServer,
  type Backend,
} from './fixtures';

/** main/sync/engine.ts: `pushBatch` defaults to 200 mutations per request. */
export const PUSH_BATCH = 200;
/** Consoles pushing at once (a shift of agents is more; the server's capacity is what the budget is about). */
export const PUSH_CONSOLES = 4;
export const PUSH_PER_CONSOLE = 5_000;
const SINGLE_CONSOLE_MUTATIONS = 2_000;
const WARMUP_MUTATIONS = 200;
export const PUSH_BUDGETS: Record<Backend, number> = { pglite: 2_000, postgres: 5_000 };

type Pushed = PushRequest['mutations'][number];

interface Planned {
  mutation: Pushed;
  /** The ticket it writes and the event it adds (for the raw replay). */
  ticketId: string;
  eventId: string;
  creates: boolean;
}

/** A console's outbox: tickets created, commented, assigned to the agent, accepted, commented again. */
function planMutations(count: number, agent: User, firstId: number, label: string): Planned[] {
  const planned: Planned[] = [];
  let id = firstId;
  let ticketId = '';
  for (let i = 0; planned.length < count; i++) {
    const step = i % 5;
    if (step === 0) ticketId = randomUUID();
    const eventId = randomUUID();
    const n = Math.floor(i / 5);
    const base = { id: ticketId, eventId };
    const [name, args]: [Pushed['name'], Record<string, unknown>] =
      step === 0
        ? [
            'ticket.create',
            {
              ...base,
              type: 'repair',
              category: 'plumbing',
              channel: 'phone',
              priority: 2,
              title: `${label} 厨房水管漏水 ${n}`,
              description: '住户来电反映厨房水管漏水，希望尽快安排师傅上门处理。',
              unitCode: `${1 + (n % 30)}-1-${101 + (n % 20)}`,
              residentName: '王伟',
              phone: '13800138000',
              teamId: 'plumbing',
            },
          ]
        : step === 1
          ? ['ticket.comment', { ...base, body: '已电话联系住户，确认漏水位置在水槽下方。' }]
          : step === 2
            ? ['ticket.assign', { ...base, assigneeId: agent.id, teamId: 'plumbing' }]
            : step === 3
              ? ['ticket.setStatus', { ...base, status: 'accepted', note: '' }]
              : ['ticket.comment', { ...base, body: '已派单给水电班组，预计下午两点上门。' }];
    planned.push({ mutation: { id: id++, name, args }, ticketId, eventId, creates: step === 0 });
  }
  return planned;
}

interface PushConsole {
  clientId: string;
  agent: User;
  central: CentralClient;
  nextId: number;
}

/** Sends `planned` in batches like the engine does; returns the number of mutations the server rejected. */
async function pushAll(c: PushConsole, planned: readonly Planned[]): Promise<{ rejected: number; reason?: string }> {
  let rejected = 0;
  let reason: string | undefined;
  for (let start = 0; start < planned.length; start += PUSH_BATCH) {
    const batch = planned.slice(start, start + PUSH_BATCH);
    const res = await c.central.push({
      clientId: c.clientId,
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: batch.map((p) => p.mutation),
    });
    const last = batch.at(-1)?.mutation.id ?? 0;
    if (res.lastMutationId !== last) throw new Error(`push stopped at ${res.lastMutationId}, expected ${last}`);
    for (const r of res.results) {
      if (r.outcome !== 'applied') {
        rejected += 1;
        reason ??= `${r.outcome}: ${r.error?.code ?? ''} ${r.error?.message ?? ''}`;
      }
    }
  }
  return { rejected, reason };
}

async function pushRound(
  consoles: readonly PushConsole[],
  perConsole: number,
  label: string,
): Promise<{ ms: number; plans: Planned[][]; rejected: number; reason?: string }> {
  const plans = consoles.map((c, i) => {
    const plan = planMutations(perConsole, c.agent, c.nextId, `${label}-${i + 1}`);
    c.nextId += plan.length;
    return plan;
  });
  const started = performance.now();
  const results = await Promise.all(consoles.map((c, i) => pushAll(c, plans[i] ?? [])));
  const ms = performance.now() - started;
  return {
    ms,
    plans,
    rejected: results.reduce((n, r) => n + r.rejected, 0),
    reason: results.find((r) => r.reason)?.reason,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The raw baseline.

const RAW_TABLES = ['tickets', 'ticket_events', 'change_log', 'sync_mutations'] as const;

interface RawBatch {
  tickets: string[];
  events: string[];
  changes: Array<[entity: string, id: string]>;
  mutations: string[];
}

/** The rows each push batch wrote, as JSON (tickets, events, sync_mutations) and change_log triples. */
async function loadRawBatches(db: Db, consoles: readonly PushConsole[], plans: readonly Planned[][]) {
  const json = async (sql: string, ids: unknown[]) => {
    const { rows } = await db.query<{ k: string; j: string }>(sql, [ids]);
    return new Map(rows.map((r) => [String(r.k), String(r.j)]));
  };
  const all = plans.flat();
  const tickets = await json(
    'SELECT id::text AS k, row_to_json(t)::text AS j FROM tickets t WHERE id = ANY($1::uuid[])',
    all.filter((p) => p.creates).map((p) => p.ticketId),
  );
  const events = await json(
    'SELECT id::text AS k, row_to_json(e)::text AS j FROM ticket_events e WHERE id = ANY($1::uuid[])',
    all.map((p) => p.eventId),
  );
  const mutations = await json(
    `SELECT client_id::text || ':' || mutation_id AS k, row_to_json(m)::text AS j FROM sync_mutations m
      WHERE client_id = ANY($1::uuid[])`,
    consoles.map((c) => c.clientId),
  );
  const get = (map: Map<string, string>, key: string) => {
    const value = map.get(key);
    if (value === undefined) throw new Error(`raw replay: row ${key} is not on the server`);
    return value;
  };
  return plans.map((plan, i) => {
    const clientId = consoles[i]?.clientId ?? '';
    const batches: RawBatch[] = [];
    for (let start = 0; start < plan.length; start += PUSH_BATCH) {
      const b: RawBatch = { tickets: [], events: [], changes: [], mutations: [] };
      for (const p of plan.slice(start, start + PUSH_BATCH)) {
        if (p.creates) b.tickets.push(get(tickets, p.ticketId));
        b.events.push(get(events, p.eventId));
        b.changes.push(['ticket', p.ticketId], ['ticket_event', p.eventId]);
        b.mutations.push(get(mutations, `${clientId}:${p.mutation.id}`));
      }
      batches.push(b);
    }
    return batches;
  });
}

async function replayRaw(db: Db, perConsole: readonly RawBatch[][]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    perConsole.map(async (batches) => {
      for (const b of batches) {
        await db.tx(async (q) => {
          const put = (table: string, j: string) =>
            q.query(`INSERT INTO raw_${table} SELECT * FROM json_populate_record(NULL::raw_${table}, $1::json)`, [j]);
          for (const j of b.tickets) await put('tickets', j);
          for (const j of b.events) await put('ticket_events', j);
          for (const [entity, id] of b.changes) {
            await q.query(`INSERT INTO raw_change_log (entity, entity_id, op) VALUES ($1, $2, 'put')`, [entity, id]);
          }
          for (const j of b.mutations) await put('sync_mutations', j);
        });
      }
    }),
  );
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------------------------

export function pushBench(backend: Backend): Bench {
  const key = `sync.push_per_s.${backend}`;
  return {
    name: `push throughput (${backend})`,
    keys: [key],
    async run(ctx: BenchContext): Promise<Array<BenchEntry | BenchSkip>> {
      if (backend === 'postgres' && !postgresAdminUrl()) {
        ctx.log(`PostgreSQL variant skipped: ${POSTGRES_SKIP_REASON}`);
        return [{ key, skipped: POSTGRES_SKIP_REASON }];
      }
      const database = await createBenchDatabase(backend);
      try {
        let db = await database.open();
        await seedTeams(db);
        const agents = await seedAgents(db, PUSH_CONSOLES, 'pusher');
        await db.close();

        const server = await startServer(database);
        const consoles: PushConsole[] = [];
        let measured: Awaited<ReturnType<typeof pushRound>>;
        let warm: Awaited<ReturnType<typeof pushRound>>;
        let single: Awaited<ReturnType<typeof pushRound>>;
        try {
          for (const agent of agents) {
            const central = new CentralClient(server.url, { timeoutMs: 120_000 });
            central.setToken(await apiLogin(server.url, agent.username));
            consoles.push({ clientId: randomUUID(), agent, central, nextId: 1 });
          }
          warm = await pushRound(consoles, WARMUP_MUTATIONS, 'warmup');
          ctx.log(`  warm-up: ${consoles.length} × ${WARMUP_MUTATIONS} mutations in ${warm.ms.toFixed(0)} ms`);
          const first = consoles.slice(0, 1);
          single = await pushRound(first, SINGLE_CONSOLE_MUTATIONS, 'single');
          ctx.log(
            `  one console alone: ${SINGLE_CONSOLE_MUTATIONS} mutations in ${single.ms.toFixed(0)} ms → ` +
              `${((SINGLE_CONSOLE_MUTATIONS / single.ms) * 1000).toFixed(0)}/s (for reference)`,
          );
          measured = await pushRound(consoles, PUSH_PER_CONSOLE, 'measured');
        } finally {
          await server.stop();
        }
        const total = PUSH_CONSOLES * PUSH_PER_CONSOLE;
        const perSecond = (total / measured.ms) * 1000;
        ctx.log(
          `  ${PUSH_CONSOLES} consoles × ${PUSH_PER_CONSOLE} mutations (batches of ${PUSH_BATCH}): ` +
            `${measured.ms.toFixed(0)} ms → ${perSecond.toFixed(0)} mutations/s`,
        );
        const rejected = warm.rejected + single.rejected + measured.rejected;
        if (rejected > 0) {
          throw new Error(`${rejected} bench mutations were not applied (first: ${warm.reason ?? measured.reason})`);
        }

        // Raw inserts of the same rows through the same driver, in this process (the server has stopped).
        db = await database.open();
        try {
          for (const table of RAW_TABLES) {
            await db.query(`CREATE TABLE raw_${table} (LIKE ${table} INCLUDING ALL)`);
          }
          // Warm the driver and the raw tables with the single-console rows, then time the measured rows.
          await replayRaw(db, await loadRawBatches(db, consoles.slice(0, 1), single.plans));
          const rawMs = await replayRaw(db, await loadRawBatches(db, consoles, measured.plans));
          const rawPerSecond = (total / rawMs) * 1000;
          ctx.log(`  raw inserts of the same rows: ${rawMs.toFixed(0)} ms → ${rawPerSecond.toFixed(0)} mutations/s`);
          return [
            {
              key,
              value: Math.round(perSecond),
              unit: 'per_s',
              budget: PUSH_BUDGETS[backend],
              ratio: round(perSecond / rawPerSecond, 2),
              ratioTo: `raw single-row INSERTs of the same rows through the same driver (${backend})`,
            },
          ];
        } finally {
          await db.close();
        }
      } finally {
        await database.dispose();
      }
    },
  };
}
