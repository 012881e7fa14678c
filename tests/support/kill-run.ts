/**
 * The kill -9 harness of issue 3, shared by tests/integration/sync-crash.test.ts and the sync benchmark:
 * a central server (./central-host: in this process, or in its own process killed and restarted at random
 * moments), one or more desk lanes — each a desk host profile and a sequence of desk host child processes
 * (tests/support/desk-child.ts) that produce `mutations` comments `m-<k>` on the lane's own tickets and are killed
 * with a real SIGKILL, by a named crash point (DESK_CRASH_AT, main/sync/crash-points.ts) or by this process at a
 * seeded random moment. When the planned lives are over the server faults stop, a last child per lane runs
 * undisturbed and drains; then the server's rows are counted in SQL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { openProfileCache } from './cache-file';
import { inProcessCentral, type CentralHost, type FaultCounts } from './central-host';

/** Every crash point the desk host passes, in the order a mutation meets them. */
export const CRASH_POINTS = [
  'enqueue.tx', // inside the enqueue transaction: ticket written, outbox row not yet, nothing committed
  'enqueue.committed', // after the enqueue transaction commits
  'push.send', // before a push request leaves
  'push.received', // the push response arrived, not yet settled
  'push.settled', // the outbox settled the push response
  'pull.received', // a pull page arrived, not yet applied
  'pull.applying', // inside the page's transaction, before it commits
  'pull.applied', // after the page's transaction committed
] as const;
export type CrashPointName = (typeof CRASH_POINTS)[number];

export interface KillRunOptions {
  /** SIGKILLs planned in all: named crash points plus external kills. */
  killPoints: number;
  /** Comments the desk host produces (m-1 … m-N). */
  mutations: number;
  /**
   * How many of them the planned lives are sized for (default all): the rest is left for the lives that keep the
   * desks at work until `minServerFaults` is reached, and any left after that for the undisturbed drain.
   */
  plannedMutations?: number;
  /** Of killPoints, how many are sent by this process at a random moment (default ~15 %, at least 2). */
  externalKills?: number;
  seed?: number;
  /** Tickets the comments are spread over, per lane (default 4). */
  tickets?: number;
  /** Desk hosts working at once, each with its own profile, tickets and share of the kills (default 1). */
  lanes?: number;
  /** The central server (default: PGlite in memory in this process, never killed); the run does not dispose it. */
  central?: CentralHost;
  /**
   * Server faults (process kills + terminated backends) to reach while the desks still have work: after its planned
   * lives a lane goes on with lives killed from outside at a random moment until the server has had this many faults
   * or the lane's work is done (then the shortfall shows in the result). Default 0.
   */
  minServerFaults?: number;
  /** Runs against the server's database before it closes (extra assertions in SQL; lane 1's tickets and client). */
  inspect?: (db: Db, run: { ticketIds: string[]; clientId: string }) => Promise<void>;
  log?: (line: string) => void;
}

export interface KillRecord {
  /** `name:n` for a crash point, `external:<ms>` for a kill from the parent. */
  spec: string;
  /** The child really died of SIGKILL (a crash point can go unreached when the work ran out first). */
  killed: boolean;
  /** First k this life produced. */
  resumedAt: number | null;
}

export interface KillRunResult {
  seed: number;
  /** Mutations created in all (every lane's). */
  mutations: number;
  /** m-k the server does not hold. */
  lost: number;
  /** Extra copies of an m-k on the server (or comments that are no m-k at all). */
  duplicated: number;
  /** Distinct m-k on the server. */
  distinct: number;
  /** Mutations of this client the server processed (sync_mutations rows), and how many were applied. */
  processed: number;
  applied: number;
  /** Rows left in the desk host's outbox, and optimistic-only events in its cache, after the drain. */
  outboxLeft: number;
  pendingEventsLeft: number;
  /** Comments in the desk host's cache after the drain. */
  cachedComments: number;
  /** Resume points a child found with holes below them (a lost local write). */
  gaps: number[];
  kills: KillRecord[];
  /** Desk SIGKILLs that happened (crash points reached + external). */
  killed: number;
  /** Faults of the server side that happened (./central-host). */
  server: FaultCounts;
  lives: number;
  durationMs: number;
}

const PASSWORD = 'correct horse battery';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(ROOT, 'tests/support/desk-child.ts');
/** A life may wait out several server restarts (the kill runs kill the server too). */
const LIFE_TIMEOUT_MS = 180_000;

/** mulberry32: a tiny seeded PRNG, so a failing plan can be replayed from its seed. */
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

interface Life {
  crashAt: string | null;
  /** Kill from outside this many ms after the child reports ready. */
  externalAfterMs: number | null;
  chunk: number;
}

/** Named points (each name in turn, random hit counts sized to the work per life) and external kills, shuffled. */
function plan(opts: KillRunOptions, random: () => number): Life[] {
  const external = Math.min(opts.killPoints, opts.externalKills ?? Math.max(2, Math.round(opts.killPoints * 0.15)));
  const named = opts.killPoints - external;
  const lanes = Math.max(1, opts.lanes ?? 1);
  const perLife = Math.max(1, ((opts.plannedMutations ?? opts.mutations) * lanes) / (opts.killPoints + lanes));
  const chunk = Math.max(2, Math.min(12, Math.round(perLife / 2)));
  const pick = (max: number) => 1 + Math.floor(random() * Math.max(1, Math.floor(max)));
  const lives: Life[] = [];
  for (let i = 0; i < named; i++) {
    const name = CRASH_POINTS[i % CRASH_POINTS.length] ?? 'push.send';
    const n = name.startsWith('enqueue.') ? pick(1.5 * perLife) : pick((1.5 * perLife) / chunk + 1);
    lives.push({ crashAt: `${name}:${n}`, externalAfterMs: null, chunk });
  }
  for (let i = 0; i < external; i++) {
    lives.push({ crashAt: null, externalAfterMs: Math.floor(random() * 150), chunk });
  }
  for (let i = lives.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [lives[i], lives[j]] = [lives[j] as Life, lives[i] as Life];
  }
  return lives;
}

interface LifeResult {
  signal: NodeJS.Signals | null;
  code: number | null;
  ready: { next: number; gaps: number[] } | null;
  done: { pending: number; comments: number } | null;
}

function runChild(env: Record<string, string>, life: Life): Promise<LifeResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...(life.crashAt ? { DESK_CRASH_AT: life.crashAt } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result: LifeResult = { signal: null, code: null, ready: null, done: null };
    let stderr = '';
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`desk child did not finish within ${LIFE_TIMEOUT_MS} ms (${life.crashAt ?? 'external'})`));
    }, LIFE_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const msg = JSON.parse(line) as { ready?: true; next: number; gaps: number[]; done?: true } & {
          pending: number;
          comments: number;
        };
        if (msg.ready) {
          result.ready = { next: msg.next, gaps: msg.gaps };
          if (life.externalAfterMs !== null) {
            setTimeout(() => child.kill('SIGKILL'), life.externalAfterMs);
          }
        } else if (msg.done) result.done = { pending: msg.pending, comments: msg.comments };
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      result.code = code;
      result.signal = signal;
      if (signal === null && code !== 0) {
        reject(new Error(`desk child exited with ${code} (${life.crashAt ?? 'external'}):\n${stderr}`));
      } else resolvePromise(result);
    });
  });
}

async function post<T>(url: string, token: string | null, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Lane {
  profileDir: string;
  ticketIds: string[];
  lives: Life[];
}

interface LaneOutcome {
  kills: KillRecord[];
  gaps: number[];
  lives: number;
  outboxLeft: number;
  pendingEventsLeft: number;
  cachedComments: number;
  clientId: string;
}

/**
 * One lane's planned lives, while the server's faults go on; then, while `moreFaults()` and the lane's work is not
 * done, lives killed from outside so that the server's faults keep hitting desks at work.
 */
async function runLives(
  lane: Lane,
  env: Record<string, string>,
  log: (line: string) => void,
  out: LaneOutcome,
  extra: { moreFaults: () => boolean; random: () => number },
) {
  const live = async (life: Life) => {
    const r = await runChild({ ...env, DESK_CHUNK: String(life.chunk) }, life);
    out.lives += 1;
    if (r.ready) out.gaps.push(...r.ready.gaps);
    const spec = life.crashAt ?? `external:${life.externalAfterMs}ms`;
    out.kills.push({ spec, killed: r.signal === 'SIGKILL', resumedAt: r.ready?.next ?? null });
    log(`life ${out.lives}: ${spec} → ${r.signal ?? `exit ${r.code}`} (resumed at ${r.ready?.next ?? '-'})`);
    return r;
  };
  for (const life of lane.lives) await live(life);
  const chunk = lane.lives[0]?.chunk ?? 4;
  while (extra.moreFaults()) {
    // Killed 1–4 s after it is ready: long enough to push a few chunks, short enough that the work outlasts the faults.
    const r = await live({ crashAt: null, externalAfterMs: 1_000 + Math.floor(extra.random() * 3_000), chunk });
    if (r.done) break;
  }
}

/** Undisturbed lives: finish the work and drain the outbox, then one more that must change nothing. */
async function drain(lane: Lane, env: Record<string, string>, out: LaneOutcome): Promise<void> {
  const quiet = { crashAt: null, externalAfterMs: null, chunk: 12 };
  let done: LifeResult['done'] = null;
  for (let i = 0; i < 3 && !done; i++) {
    const r = await runChild({ ...env, DESK_CHUNK: '12' }, quiet);
    out.lives += 1;
    if (r.ready) out.gaps.push(...r.ready.gaps);
    done = r.done;
  }
  if (!done) throw new Error('the final desk child did not report done');
  // Anything a last push settled is pulled in that child's final cycle; one more undisturbed life
  // (nothing to produce) must not change the server either.
  await runChild({ ...env, DESK_CHUNK: '12' }, quiet);
  out.lives += 1;

  const cache = openProfileCache(lane.profileDir);
  const cacheCount = (sql: string) => Number(cache.prepare(sql).pluck().get());
  out.outboxLeft = cacheCount('SELECT COUNT(*) FROM outbox');
  out.pendingEventsLeft = cacheCount('SELECT COUNT(*) FROM ticket_events WHERE pending = 1');
  out.cachedComments = cacheCount(`SELECT COUNT(*) FROM ticket_events WHERE kind = 'comment'`);
  out.clientId = String(cache.prepare(`SELECT value FROM meta WHERE key = 'client_id'`).pluck().get());
  cache.close();
}

/** m-k of one lane the server does not hold, and extra copies (or comments that are no m-k at all). */
async function countLane(db: Db, ticketIds: string[], mutations: number) {
  const { rows } = await db.query<{ body: string; n: number }>(
    `SELECT body, COUNT(*)::int AS n FROM ticket_events
      WHERE kind = 'comment' AND ticket_id = ANY($1::uuid[]) GROUP BY body`,
    [ticketIds],
  );
  const seen = new Map(rows.map((r) => [r.body, Number(r.n)]));
  let lost = 0;
  let duplicated = 0;
  for (let k = 1; k <= mutations; k++) {
    const n = seen.get(`m-${k}`) ?? 0;
    if (n === 0) lost += 1;
    else duplicated += n - 1;
    seen.delete(`m-${k}`);
  }
  for (const n of seen.values()) duplicated += n; // comments that are no m-k of this run
  return { lost, duplicated, distinct: rows.filter((r) => /^m-\d+$/.test(r.body)).length };
}

export async function runKillRun(opts: KillRunOptions): Promise<KillRunResult> {
  const started = Date.now();
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const random = prng(seed);
  const log = opts.log ?? (() => {});
  const laneCount = Math.max(1, opts.lanes ?? 1);
  const central = opts.central ?? (await inProcessCentral());
  const lanes: Lane[] = [];
  try {
    await central.withDb((db) =>
      createUser(db, { username: 'agent01', name: 'agent01', role: 'agent', password: PASSWORD }).then(() => {}),
    );
    const baseUrl = await central.start();
    const { token } = await post<{ token: string }>(`${baseUrl}/api/v1/auth/login`, null, {
      username: 'agent01',
      password: PASSWORD,
    });
    // The kills are shared out between the lanes; every lane produces `mutations` comments on its own tickets.
    const plans = plan(opts, random);
    for (let l = 0; l < laneCount; l++) {
      const ticketIds: string[] = [];
      for (let i = 0; i < (opts.tickets ?? 4); i++) {
        const t = await post<{ id: string }>(`${baseUrl}/api/v1/tickets`, token, {
          type: 'repair',
          category: 'plumbing',
          channel: 'phone',
          title: `kill-run ticket ${l + 1}.${i + 1}`,
        });
        ticketIds.push(t.id);
      }
      lanes.push({
        profileDir: mkdtempSync(join(tmpdir(), 'desk-kill-')),
        ticketIds,
        lives: plans.filter((_, i) => i % laneCount === l),
      });
    }
    const envOf = (lane: Lane) => ({
      DESK_PROFILE: lane.profileDir,
      DESK_SERVER_URL: baseUrl,
      DESK_USER: 'agent01',
      DESK_PASSWORD: PASSWORD,
      DESK_TICKETS: lane.ticketIds.join(','),
      DESK_TOTAL: String(opts.mutations),
      ...(central.killsServer ? { DESK_WAIT_ONLINE: '1' } : {}),
    });
    const outcomes: LaneOutcome[] = lanes.map(() => ({
      kills: [],
      gaps: [],
      lives: 0,
      outboxLeft: 0,
      pendingEventsLeft: 0,
      cachedComments: 0,
      clientId: '',
    }));

    const faults = central.startFaults(random, log);
    let server: FaultCounts;
    try {
      const minFaults = opts.minServerFaults ?? 0;
      const moreFaults = () => {
        const c = faults.counts();
        return c.serverKills + c.backendKills < minFaults;
      };
      await Promise.all(
        lanes.map((lane, l) => runLives(lane, envOf(lane), log, outcomes[l] as LaneOutcome, { moreFaults, random })),
      );
    } finally {
      server = await faults.stop();
    }
    await Promise.all(lanes.map((lane, l) => drain(lane, envOf(lane), outcomes[l] as LaneOutcome)));
    await central.stop();

    return await central.withDb(async (db) => {
      let lost = 0;
      let duplicated = 0;
      let distinct = 0;
      for (const lane of lanes) {
        const counted = await countLane(db, lane.ticketIds, opts.mutations);
        lost += counted.lost;
        duplicated += counted.duplicated;
        distinct += counted.distinct;
      }
      const processed = await db.query<{ outcome: string; n: number }>(
        'SELECT outcome, COUNT(*)::int AS n FROM sync_mutations WHERE client_id = ANY($1::uuid[]) GROUP BY outcome',
        [outcomes.map((o) => o.clientId)],
      );
      const byOutcome = new Map(processed.rows.map((r) => [r.outcome, Number(r.n)]));
      const first = outcomes[0] as LaneOutcome;
      await opts.inspect?.(db, { ticketIds: lanes[0]?.ticketIds ?? [], clientId: first.clientId });
      const kills = outcomes.flatMap((o) => o.kills);
      const sum = (f: (o: LaneOutcome) => number) => outcomes.reduce((n, o) => n + f(o), 0);
      return {
        seed,
        mutations: opts.mutations * laneCount,
        lost,
        duplicated,
        distinct,
        processed: [...byOutcome.values()].reduce((a, b) => a + b, 0),
        applied: byOutcome.get('applied') ?? 0,
        outboxLeft: sum((o) => o.outboxLeft),
        pendingEventsLeft: sum((o) => o.pendingEventsLeft),
        cachedComments: sum((o) => o.cachedComments),
        gaps: outcomes.flatMap((o) => o.gaps),
        kills,
        killed: kills.filter((k) => k.killed).length,
        server,
        lives: sum((o) => o.lives),
        durationMs: Date.now() - started,
      };
    });
  } finally {
    await central.stop();
    if (!opts.central) await central.dispose();
    for (const lane of lanes) rmSync(lane.profileDir, { recursive: true, force: true });
  }
}
