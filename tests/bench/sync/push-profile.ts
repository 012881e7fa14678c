/**
 * Where a push group's time goes (issue 13), in this process without HTTP: DESKS desks' pushes of 1–3 mutations
 * (./desk-load, as the push bench sends) run as groups through server/sync/push pushGroup on a clone of the push
 * bench's database, every statement timed. Also times the token check each request makes before it joins a group.
 * `offline`: one desk's queue in pushes of PUSH_BATCH instead (./push sync.push_per_s.<backend>).
 * Not a bench: a diagnostic. `tsx tests/bench/sync/push-profile.ts pglite|postgres [groups] [offline]`
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../../server/db/driver';
import { issueToken, verifyToken } from '../../../server/auth/tokens';
import { pushGroup, type PushItem } from '../../../server/sync/push';
import { SYNC_SCHEMA_VERSION } from '../../../common/sync';
import { DESKS, prepareDemoLarge } from './demo-large';
import { DeskLoad, workingSets } from './desk-load';
import type { Backend } from './fixtures';
import { PUSH_BATCH } from './push';

const backend = (process.argv[2] ?? 'pglite') as Backend;
const GROUPS = Number(process.argv[3] ?? 40);
const OFFLINE = process.argv[4] === 'offline';
const WARMUP = 5;

/** Total time and count per statement (its SQL's first words). */
const timings = new Map<string, { ms: number; n: number }>();
let recording = false;

function label(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().slice(0, 90);
}

function timed(q: Queryable): Queryable {
  return {
    async query<T>(sql: string, params?: readonly unknown[]) {
      const t0 = performance.now();
      try {
        return await q.query<T>(sql, params);
      } finally {
        if (recording) {
          const key = label(sql);
          const entry = timings.get(key) ?? { ms: 0, n: 0 };
          entry.ms += performance.now() - t0;
          entry.n += 1;
          timings.set(key, entry);
        }
      }
    },
  };
}

function timedDb(db: Db): Db {
  return {
    ...db,
    kind: db.kind,
    query: timed(db).query,
    tx: (fn) =>
      db.tx(async (q) => {
        const t0 = performance.now();
        const inner = timed(q);
        await inner.query('SELECT 1 AS begin_marker'); // a no-op round trip: what one statement costs at least
        const out = await fn(inner);
        if (recording) {
          const e = timings.get('(tx body)') ?? { ms: 0, n: 0 };
          e.ms += performance.now() - t0;
          e.n += 1;
          timings.set('(tx body)', e);
        }
        return out;
      }),
  };
}

const ctx = { log: (line: string) => console.log(line) };
const demo = await prepareDemoLarge(backend, ctx as never);
const raw = await demo.database.open();
try {
  const agent = demo.agents[0];
  if (!agent) throw new Error('no agents');
  const desks = OFFLINE ? 1 : DESKS;
  const { sets } = await workingSets(raw, agent, desks, OFFLINE ? 200 : 20, `profile-${Date.now()}`);
  const loads = sets.map((tickets, i) => new DeskLoad(randomUUID(), demo.agents[i] ?? agent, tickets, 7_000 + i));
  const db = timedDb(raw);
  let groupMs = 0;
  let mutations = 0;
  for (let g = 0; g < WARMUP + GROUPS; g++) {
    recording = g >= WARMUP;
    const now = new Date();
    const items: PushItem[] = loads.map((load) => ({
      user: load.agent,
      req: {
        clientId: load.clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: OFFLINE ? load.queue(PUSH_BATCH) : load.nextBatch(),
      },
      now,
    }));
    const t0 = performance.now();
    const outcomes = await pushGroup(db, items);
    const ms = performance.now() - t0;
    for (const o of outcomes) {
      if (o instanceof Error) throw o;
      const bad = o.results.find((r) => r.outcome !== 'applied');
      if (bad) throw new Error(`not applied: ${JSON.stringify(bad)}`);
    }
    if (recording) {
      groupMs += ms;
      mutations += items.reduce((n, i) => n + i.req.mutations.length, 0);
    }
  }
  recording = false;
  console.log(
    `${backend}: ${GROUPS} groups of ${desks} pushes, ${mutations} mutations: ` +
      `${(groupMs / GROUPS).toFixed(1)} ms a group → ${((mutations / groupMs) * 1000).toFixed(0)} mutations/s`,
  );
  const rows = [...timings].sort((a, b) => b[1].ms - a[1].ms);
  for (const [sql, { ms, n }] of rows) {
    console.log(
      `${(ms / GROUPS).toFixed(2).padStart(8)} ms/group ${String(n).padStart(6)}× ${(ms / n).toFixed(3)} ms  ${sql}`,
    );
  }

  // The token check every request makes (server/auth/hook), one query per request.
  const tokens = await Promise.all(loads.map(async (l) => (await issueToken(raw, l.agent.id, new Date())).token));
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now();
    for (let g = 0; g < GROUPS; g++) await Promise.all(tokens.map((t) => verifyToken(raw, t, new Date())));
    if (round === 1) {
      console.log(`token checks: ${((performance.now() - t0) / GROUPS).toFixed(1)} ms per ${DESKS} requests`);
    }
  }
} finally {
  await raw.close();
  await demo.database.dispose();
}
