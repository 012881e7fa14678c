/**
 * Model-based convergence (issue 3): three desk hosts (two agents and a lead) against one central server
 * (in-process, PGlite in memory) run random operations — conflicting status / assignee / field edits, tags,
 * deletes against edits, comments made offline — while their network drops requests, loses responses after
 * the server processed them, sends pushes twice (at once, or again later, after newer pushes) and delays
 * responses. After quiescence every cache equals the server, and the server equals a reference model: the
 * server's processed mutations (sync_mutations in processing order) replayed through common/mutations in memory.
 *
 * Seeded: CONVERGENCE_SEED replays a run; CONVERGENCE_RUNS changes the count (200 by default).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import type { Role, Ticket, TicketEvent, TicketStatus, User } from '../../common/domain';
import { MutationRejected, applyMutation, isTicketMutation, parseMutation } from '../../common/mutations';
import { slaPolicy } from '../../common/sla';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { EVENT_COLUMNS, TICKET_COLUMNS, eventFromRow, ticketFromRow, type Row } from '../../server/db/rows';

const SEED = Number(process.env.CONVERGENCE_SEED ?? 20240603);
const RUNS = Number(process.env.CONVERGENCE_RUNS ?? 200);
const TICKETS_PER_RUN = 3;
const PASSWORD = 'correct horse battery';
const STATUSES: TicketStatus[] = ['accepted', 'dispatched', 'on_hold', 'acknowledged', 'cancelled'];
const TAGS = ['leak', 'urgent', 'vip'];

/** mulberry32: the network's fault decisions, seeded per run by fast-check. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every push body any client sent: the args of each processed mutation, for the reference model. */
const wire = new Map<string, { name: string; args: unknown }>();

/** A desk's network: the central client's fetch with faults injected into sync requests. */
class FaultyNet {
  faults = false;
  offline = false;
  random: () => number = Math.random;
  /** Copies of pushes still to be delivered later (awaited before the state is compared). */
  readonly stray = new Set<Promise<void>>();
  /** Sync traffic, counted while quiescing. */
  pushes = 0;
  pulledChanges = 0;
  /** Faults injected, by kind (all desks share the tally). */
  static readonly injected = { dropped: 0, lost: 0, doubled: 0, replayed: 0, delayed: 0, offline: 0 };

  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const push = url.endsWith('/api/v1/sync/push');
    const pull = url.endsWith('/api/v1/sync/pull');
    if (push && typeof init?.body === 'string') {
      const body = JSON.parse(init.body) as {
        clientId: string;
        mutations: { id: number; name: string; args: unknown }[];
      };
      for (const m of body.mutations) wire.set(`${body.clientId}:${m.id}`, { name: m.name, args: m.args });
    }
    if (this.offline) {
      FaultyNet.injected.offline += 1;
      throw new TypeError('fetch failed (offline)');
    }
    if (!this.faults || !(push || pull)) {
      if (push) this.pushes += 1;
      const res = await fetch(input, init);
      if (pull && res.ok) this.pulledChanges += ((await res.clone().json()) as { changes: unknown[] }).changes.length;
      return res;
    }
    const r = this.random();
    if (r < 0.12) {
      FaultyNet.injected.dropped += 1;
      throw new TypeError('fetch failed (request dropped)');
    }
    if (r < 0.24) {
      FaultyNet.injected.lost += 1;
      // The server processes it; the reply never arrives.
      await (await fetch(input, init)).arrayBuffer();
      throw new TypeError('fetch failed (response lost)');
    }
    if (push && r < 0.34) {
      // Duplicated on the way: both copies reach the server at once.
      FaultyNet.injected.doubled += 1;
      const [a, b] = await Promise.all([fetch(input, init), fetch(input, init)]);
      const [keep, drop] = this.random() < 0.5 ? [a, b] : [b, a];
      await drop.arrayBuffer();
      return keep;
    }
    if (push && r < 0.46) {
      // A copy arrives later, after newer pushes (reordered).
      FaultyNet.injected.replayed += 1;
      const copyInit: RequestInit = { method: init?.method, headers: init?.headers, body: init?.body };
      const later = sleep(this.random() * 40)
        .then(() => fetch(input, copyInit))
        .then((res) => res.arrayBuffer())
        .then(
          () => {},
          () => {},
        );
      this.stray.add(later);
      void later.finally(() => this.stray.delete(later));
      return fetch(input, init);
    }
    if (r < 0.66) {
      // Delayed reply: replies of the three desks interleave differently.
      FaultyNet.injected.delayed += 1;
      const res = await fetch(input, init);
      await sleep(this.random() * 15);
      return res;
    }
    return fetch(input, init);
  };
}

interface Client {
  desk: DeskHost;
  net: FaultyNet;
  user: User;
  clientId: string;
}

let db: Db;
let server: FastifyInstance;
let baseUrl = '';
const clients: Client[] = [];
const dirs: string[] = [];

async function call<M extends MethodName>(c: Client, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await dispatchDeskCall(c.desk.handlers, method, input);
  if (!res.ok) throw Object.assign(new Error(`${method}: ${res.error.message}`), { code: res.error.code });
  return res.value as MethodOutput<M>;
}

/**
 * Domain refusals of a local action (the agent sees an error; nothing is queued) — the ticket rules' `forbidden`
 * and `reason_required` among them: the desk knows its user's role and checks it as the server does.
 */
const LOCAL_REFUSALS = new Set([
  'not_found',
  'illegal_transition',
  'no_change',
  'closed',
  'deleted',
  'exists',
  'forbidden',
  'reason_required',
]);
async function act<M extends MethodName>(c: Client, method: M, input: MethodInput<M>): Promise<void> {
  const res = await dispatchDeskCall(c.desk.handlers, method, input);
  if (!res.ok && !LOCAL_REFUSALS.has(res.error.code)) {
    throw new Error(`${method} failed unexpectedly: ${res.error.code} ${res.error.message}`);
  }
}

type Op =
  | { kind: 'status'; c: number; t: number; status: TicketStatus }
  | { kind: 'assign'; c: number; t: number; user: number | null }
  | { kind: 'comment'; c: number; t: number }
  | { kind: 'edit'; c: number; t: number; field: 'title' | 'priority' | 'description'; value: number }
  | { kind: 'tag'; c: number; t: number; add: string[]; remove: string[] }
  | { kind: 'delete'; c: number; t: number }
  | { kind: 'sync'; c: number; wait: boolean }
  | { kind: 'offline'; c: number; on: boolean };

const client = fc.integer({ min: 0, max: 2 });
const ticket = fc.integer({ min: 0, max: TICKETS_PER_RUN - 1 });
const tags = fc.subarray(TAGS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      c: client,
      t: ticket,
      status: fc.constantFrom(...STATUSES),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('assign' as const),
      c: client,
      t: ticket,
      user: fc.option(client, { nil: null }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('comment' as const), c: client, t: ticket }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      c: client,
      t: ticket,
      field: fc.constantFrom('title' as const, 'priority' as const, 'description' as const),
      value: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('tag' as const), c: client, t: ticket, add: tags, remove: tags }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), c: client, t: ticket }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), c: client, wait: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), c: client, on: fc.boolean() }) },
);

async function perform(op: Op, ids: string[], run: number, i: number, inFlight: Promise<unknown>[]): Promise<void> {
  const c = clients[op.c] as Client;
  const id = op.kind === 'sync' || op.kind === 'offline' ? '' : (ids[op.t] as string);
  switch (op.kind) {
    case 'status':
      // A reason with every change that may need one (cancelling, reassigning, raising to P0/P1): what the console's
      // reason dialog adds. Whether the actor may at all is still the rules' (and the server's) call.
      return act(c, 'tickets.setStatus', { id, status: op.status, note: `r${run}-${i}`, reason: `why ${run}-${i}` });
    case 'assign':
      return act(c, 'tickets.assign', {
        id,
        assigneeId: op.user === null ? null : (clients[op.user] as Client).user.id,
        reason: `why ${run}-${i}`,
      });
    case 'comment':
      return act(c, 'tickets.comment', { id, body: `r${run}-${i} from ${c.user.username}` });
    case 'edit':
      if (op.field === 'priority') {
        return act(c, 'tickets.edit', { id, priority: op.value - 1, reason: `why ${run}-${i}` });
      }
      if (op.field === 'title') return act(c, 'tickets.edit', { id, title: `title ${op.value} by ${op.c}` });
      return act(c, 'tickets.edit', { id, description: `description ${op.value} by ${op.c}` });
    case 'tag':
      return act(c, 'tickets.tag', { id, add: op.add, remove: op.remove });
    case 'delete':
      return act(c, 'tickets.delete', { id, reason: `r${run}-${i} duplicate` });
    case 'sync': {
      const p = call(c, 'sync.now', {});
      if (op.wait) await p;
      else inFlight.push(p);
      return;
    }
    case 'offline':
      c.net.offline = op.on;
      return;
  }
}

/** Faults off; every desk syncs until nothing is queued and a whole round pulls nothing new. */
async function quiesce(): Promise<void> {
  for (const c of clients) {
    c.net.faults = false;
    c.net.offline = false;
  }
  for (let round = 0; round < 30; round++) {
    await Promise.all(clients.flatMap((c) => [...c.net.stray]));
    for (const c of clients) {
      c.net.pushes = 0;
      c.net.pulledChanges = 0;
    }
    let pending = 0;
    for (const c of clients) pending += (await call(c, 'sync.now', {})).pending;
    const traffic = clients.reduce((n, c) => n + c.net.pushes + c.net.pulledChanges, 0);
    if (round > 0 && pending === 0 && traffic === 0) return;
  }
  throw new Error('no quiescence after 30 rounds');
}

const MODEL_SLA = { policy: slaPolicy({}), weatherAlert: false };

type Snapshot = Record<string, { ticket: Ticket; events: TicketEvent[] } | null>;
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

async function serverSnapshot(ids: string[]): Promise<Snapshot> {
  const tickets = await db.query<Row>(
    `SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`,
    [ids],
  );
  const events = await db.query<Row>(`SELECT ${EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ANY($1::uuid[])`, [
    ids,
  ]);
  const snap: Snapshot = Object.fromEntries(ids.map((id) => [id, null]));
  for (const r of tickets.rows) {
    const t = ticketFromRow(r);
    snap[t.id] = { ticket: t, events: [] };
  }
  for (const e of events.rows.map(eventFromRow)) snap[e.ticketId]?.events.push(e);
  for (const s of Object.values(snap)) s?.events.sort(byId);
  return snap;
}

async function clientSnapshot(c: Client, ids: string[]): Promise<Snapshot> {
  const snap: Snapshot = {};
  for (const id of ids) {
    const detail = await call(c, 'tickets.get', { id });
    snap[id] = detail ? { ticket: detail.ticket, events: [...detail.events].sort(byId) } : null;
  }
  return snap;
}

/**
 * The reference model: the run's processed mutations, in the server's processing order (transaction id, then
 * mutation id — PGlite runs one transaction at a time), replayed through applyMutation from nothing. Its verdict
 * on each mutation must match the server's, and its final state must equal the server's rows.
 */
async function modelSnapshot(ids: string[], marks: Map<string, number>, serverCodes: Map<string, string | null>) {
  const { rows } = await db.query<{
    client_id: string;
    mutation_id: unknown;
    outcome: string;
    processed_at: unknown;
    user_id: string;
    role: Role;
    team_id: string | null;
  }>(
    `SELECT m.client_id, m.mutation_id, m.outcome, m.processed_at, c.user_id, u.role, u.team_id
       FROM sync_mutations m JOIN sync_clients c USING (client_id) JOIN users u ON u.id = c.user_id
      ORDER BY m.xid, m.mutation_id`, // only this test's three desks use this server
  );
  const tickets = new Map<string, Ticket>();
  const tombstones = new Map<string, { reason: string }>();
  const events = new Map<string, TicketEvent>();
  const verdicts: string[] = [];
  for (const r of rows) {
    const mutationId = Number(r.mutation_id);
    if (mutationId <= (marks.get(String(r.client_id)) ?? 0)) continue; // an earlier run's (0: a desk's first push)
    const sent = wire.get(`${String(r.client_id)}:${mutationId}`);
    if (!sent) throw new Error(`processed mutation ${String(r.client_id)}:${mutationId} was never sent`);
    const m = parseMutation(sent.name, sent.args);
    if (!isTicketMutation(m) || !ids.includes(m.args.id)) throw new Error(`unexpected mutation ${sent.name}`);
    const id = m.args.id;
    const current = tickets.get(id);
    let outcome = 'applied';
    try {
      const effect = applyMutation(m, {
        actorId: String(r.user_id),
        actorRole: r.role,
        actorTeamId: r.team_id,
        now: new Date(r.processed_at as string | Date),
        current,
        tombstone: tombstones.get(id),
        code: m.name === 'ticket.create' ? (serverCodes.get(id) ?? null) : null,
        // The server's SLA policy: this run never changes the settings, so the defaults.
        sla: MODEL_SLA,
      });
      if (effect.deleted) {
        tombstones.set(id, { reason: effect.deleted.reason });
        tickets.delete(id);
      } else if (effect.ticket !== current || effect.events.length > 0) {
        tickets.set(id, effect.ticket);
        for (const e of effect.events) if (!events.has(e.id)) events.set(e.id, e); // insert-only by id
      }
    } catch (err) {
      if (!(err instanceof MutationRejected)) throw err;
      outcome = 'rejected';
    }
    verdicts.push(
      `${sent.name} ${mutationId}@${String(r.client_id).slice(0, 4)}: model ${outcome}, server ${r.outcome}`,
    );
    if (outcome !== r.outcome) throw new Error(`model and server disagree:\n${verdicts.join('\n')}`);
  }
  const snap: Snapshot = Object.fromEntries(ids.map((id) => [id, null]));
  for (const [id, t] of tickets) snap[id] = { ticket: t, events: [] };
  for (const e of events.values()) snap[e.ticketId]?.events.push(e);
  for (const s of Object.values(snap)) s?.events.sort(byId);
  return { snap, deleted: [...tombstones.keys()].sort() };
}

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  const users = [
    await createUser(db, { username: 'agent01', name: 'agent01', role: 'agent', password: PASSWORD }),
    await createUser(db, { username: 'agent02', name: 'agent02', role: 'agent', password: PASSWORD }),
    await createUser(db, { username: 'lead01', name: 'lead01', role: 'lead', password: PASSWORD }),
  ];
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  for (const user of users) {
    const net = new FaultyNet();
    const profileDir = mkdtempSync(join(tmpdir(), 'desk-converge-'));
    dirs.push(profileDir);
    // The test decides when each desk syncs: no poll, no push timer, no live pokes (seeded replays stay exact).
    const desk = await createDesk({
      profileDir,
      serverUrl: baseUrl,
      live: false,
      sync: { intervalMs: 3_600_000, pushDebounceMs: 3_600_000 },
      requestTimeoutMs: 10_000,
      fetch: net.fetch,
    });
    const c: Client = { desk, net, user, clientId: '' };
    await call(c, 'session.login', { username: user.username, password: PASSWORD });
    clients.push(c);
  }
  await quiesce();
});

afterAll(async () => {
  for (const c of clients) await c.desk.close();
  await server?.close();
  await db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('convergence under faults (3 desks, one server, a reference model)', () => {
  it(`every cache equals the server equals the model after ${RUNS} seeded runs`, { timeout: 300_000 }, async () => {
    console.log(`[sync-convergence] seed ${SEED}, ${RUNS} runs (replay with CONVERGENCE_SEED=${SEED})`);
    let run = 0;
    const started = Date.now();
    const stats = { ops: 0, deleted: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(opArb, { minLength: 5, maxLength: 15 }),
        async (netSeed, ops) => {
          run += 1;
          // Where each desk's processed mutations start in this run.
          const { rows } = await db.query<{ client_id: string; last_mutation_id: unknown }>(
            'SELECT client_id, last_mutation_id FROM sync_clients',
          );
          const marks = new Map(rows.map((r) => [String(r.client_id), Number(r.last_mutation_id)]));

          // Fresh tickets, created by the first desk and known to the others only once they sync.
          const creator = clients[0] as Client;
          const ids: string[] = [];
          for (let t = 0; t < TICKETS_PER_RUN; t++) {
            const created = await call(creator, 'tickets.create', {
              type: 'repair',
              category: 'plumbing',
              channel: 'phone',
              title: `run ${run} ticket ${t}`,
              description: 'initial',
            });
            ids.push(created.id);
          }
          await call(creator, 'sync.now', {});

          const random = prng(netSeed);
          clients.forEach((c, i) => {
            c.net.random = prng(netSeed + i * 7919 + Math.floor(random() * 1000));
            c.net.faults = true;
          });
          const inFlight: Promise<unknown>[] = [];
          for (const [i, op] of ops.entries()) await perform(op, ids, run, i, inFlight);
          await Promise.allSettled(inFlight);
          await quiesce();
          stats.ops += ops.length;

          const server = await serverSnapshot(ids);
          const codes = new Map(Object.entries(server).map(([id, s]) => [id, s?.ticket.code ?? null]));
          // A deleted ticket's code is gone from the visible rows: read it from the tombstone.
          const all = await db.query<{ id: string; code: string | null; deleted: boolean }>(
            'SELECT id, code, deleted_at IS NOT NULL AS deleted FROM tickets WHERE id = ANY($1::uuid[])',
            [ids],
          );
          for (const r of all.rows) codes.set(String(r.id), r.code);
          const serverDeleted = all.rows
            .filter((r) => r.deleted)
            .map((r) => String(r.id))
            .sort();

          for (const c of clients) {
            const status = await call(c, 'sync.status', {});
            expect(status.pending, `${c.user.username} outbox`).toBe(0);
            expect(await clientSnapshot(c, ids), `${c.user.username}'s cache vs the server`).toEqual(server);
          }
          const model = await modelSnapshot(ids, marks, codes);
          expect(model.snap, 'the server vs the reference model').toEqual(server);
          expect(model.deleted, 'tombstones').toEqual(serverDeleted);
          stats.deleted += serverDeleted.length;
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: process.env.CONVERGENCE_SHRINK !== '1' },
    );
    const outcomes = await db.query<{ outcome: string; n: number }>(
      'SELECT outcome, COUNT(*)::int AS n FROM sync_mutations GROUP BY outcome ORDER BY outcome',
    );
    const processed = Object.fromEntries(outcomes.rows.map((r) => [r.outcome, Number(r.n)]));
    console.log(
      `[sync-convergence] ${run} runs, ${stats.ops} operations, ${stats.deleted} tickets deleted, ` +
        `server outcomes ${JSON.stringify(processed)}, faults ${JSON.stringify(FaultyNet.injected)}, ` +
        `${Date.now() - started} ms`,
    );
    // The runs really exercised what they claim: every kind of fault, server-side rejections, deletions.
    for (const [kind, n] of Object.entries(FaultyNet.injected)) expect(n, `${kind} faults`).toBeGreaterThan(0);
    expect(processed.rejected ?? 0).toBeGreaterThan(0);
    expect(stats.deleted).toBeGreaterThan(0);
  });
});
