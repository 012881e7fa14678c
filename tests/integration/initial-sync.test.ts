/**
 * Initial sync (issue 3, item 5) against the real central server in a child process (PGlite, demo seed, ~50k
 * changes), so only the desk host's own work runs on this event loop: progress with rows and a total from the
 * server's estimate, applying in chunks that never block the host for long while the renderer's calls keep
 * being answered, resuming from the saved cursor after the desk is closed mid-sync, and dismissing reviewed
 * rejections.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { SYNC_SCHEMA_VERSION, type PushResponse, type SyncStatus } from '../../common/sync';
import { checkTicketAction } from '../../common/ticket-access';
import { nextStatuses, canTransition, findTransition } from '../../common/workflows';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { SIZES } from '../../server/seed/generate';
import { openProfileCache } from '../support/cache-file';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

let dir = '';
let server: ChildProcess | null = null;
let baseUrl = '';
const desks = new Set<DeskHost>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-initial-sync-'));
  const child = spawn(
    process.execPath,
    [tsx, 'server/cli.ts', '--port', '0', '--data', join(dir, 'server'), '--seed', 'demo'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  server = child;
  baseUrl = await new Promise<string>((done, fail) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(log);
      if (match?.[1]) done(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${log}`)));
  });
}, 180_000);

afterAll(async () => {
  for (const desk of desks) await desk.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((done) => server?.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

interface Console {
  desk: DeskHost;
  statuses: SyncStatus[];
  pullBodies: Array<{ cursor: string | null; estimate?: boolean }>;
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
}

async function openConsole(profileDir: string, pullLimit = 1000): Promise<Console> {
  const pullBodies: Console['pullBodies'] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    if (String(input).endsWith('/api/v1/sync/pull') && typeof init?.body === 'string') {
      pullBodies.push(JSON.parse(init.body) as Console['pullBodies'][number]);
    }
    return fetch(input, init);
  };
  const desk = await createDesk({
    profileDir,
    serverUrl: baseUrl,
    sync: { intervalMs: 60_000, pullLimit },
    requestTimeoutMs: 30_000,
    fetch: recordingFetch,
  });
  desks.add(desk);
  const statuses: SyncStatus[] = [];
  desk.subscribe((event, payload) => {
    if (event === 'sync.status') statuses.push(payload as SyncStatus);
  });
  return {
    desk,
    statuses,
    pullBodies,
    async call(method, input) {
      const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
      if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
      return res.value as MethodOutput<typeof method>;
    },
  };
}

async function closeConsole(c: Console): Promise<void> {
  await c.desk.close();
  desks.delete(c.desk);
}

async function waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function profile(name: string): string {
  return join(dir, name);
}

function cacheFacts(profileDir: string): { tickets: number; cursor: string | null; initial: string | null } {
  const db = openProfileCache(profileDir);
  try {
    const meta = (key: string) =>
      (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
    const tickets = (db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
    return { tickets, cursor: meta('pull_cursor'), initial: meta('initial_sync') };
  } finally {
    db.close();
  }
}

async function apiLogin(): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'agent01', password: 'demo' }),
  });
  return ((await res.json()) as { token: string }).token;
}

/**
 * Event-loop blocks of this process: each gap between 1 ms ticks, counted as the smaller of its wall time and
 * the CPU time the process used meanwhile — on a loaded 2-core CI box the OS also takes the CPU away (the server
 * child, other test files), which is not the host blocking itself. monitorEventLoopDelay gives the raw figures.
 */
function blockSampler() {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let maxBlock = 0;
  let maxGap = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const gap = now - last - 1;
    maxGap = Math.max(maxGap, gap);
    maxBlock = Math.max(maxBlock, Math.min(gap, (cpu.user + cpu.system) / 1000));
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);
  histogram.enable();
  return {
    reset() {
      histogram.reset();
      maxBlock = 0;
      maxGap = 0;
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
      return { maxBlock, maxGap, delayMax: histogram.max / 1e6, delayP99: histogram.percentile(99) / 1e6 };
    },
  };
}

let freshTickets = 0;

const done = (c: Console) => () => c.statuses.some((s) => s.state === 'online' && s.progress === null && s.lastSyncAt);

describe('initial sync', () => {
  it('shows rows and a total from the server estimate; the host stays responsive (coarse 250 ms guard) and keeps answering', async () => {
    const c = await openConsole(profile('fresh'));
    // As the renderer does: the view counts asked for again at each announced change.
    let countsOnLastAnnouncement: Promise<MethodOutput<'tickets.views'>> | null = null;
    c.desk.subscribe((event) => {
      if (event === 'tickets.changed') countsOnLastAnnouncement = c.call('tickets.views');
    });
    const callLatencies: number[] = [];
    let calling = true;
    const started = Date.now();
    const sampler = blockSampler();
    await c.call('session.login', { username: 'agent01', password: 'demo' });
    // The renderer keeps listing while the sync runs (signed in: the desk shows nothing before).
    const renderer = (async () => {
      while (calling) {
        const started = performance.now();
        await c.call('tickets.list', { view: 'all', offset: 0, limit: 100 });
        callLatencies.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // From the first applied page on: login and one-time warm-up (schema compilation, JIT) are not the sync's.
    await waitFor(() => c.statuses.some((s) => (s.progress?.rows ?? 0) > 0));
    sampler.reset();
    callLatencies.length = 0;
    await waitFor(done(c));
    const blocks = sampler.stop();
    calling = false;
    await renderer;

    const withTotal = c.statuses
      .map((s) => s.progress)
      .filter((p): p is NonNullable<SyncStatus['progress']> => p !== null && p.total !== null);
    expect(withTotal.length).toBeGreaterThan(3);
    const total = withTotal[0]!.total!;
    const last = withTotal.at(-1)!;
    // The demo seed's snapshot (sync schema 6): every ticket, plus the events of hot tickets and recent calls.
    expect(total).toBeGreaterThan(SIZES.small.tickets);
    expect(last.rows).toBeGreaterThan(0.9 * total);
    // Rows grow page by page; the total stays fixed (never below the rows).
    for (const [i, p] of withTotal.entries()) {
      expect(p.total).toBeGreaterThanOrEqual(p.rows);
      if (i > 0) expect(p.rows).toBeGreaterThanOrEqual(withTotal[i - 1]!.rows);
    }
    // Only the first page asked for the estimate.
    expect(c.pullBodies.filter((b) => b.estimate).length).toBe(1);
    expect(c.pullBodies[0]).toMatchObject({ cursor: null, estimate: true });

    const p95CallMs = [...callLatencies].sort((a, b) => a - b)[Math.floor(callLatencies.length * 0.95)] ?? 0;
    console.log(
      `initial sync of ${last.rows} changes in ${Date.now() - started} ms; longest event-loop block ` +
        `${blocks.maxBlock.toFixed(1)} ms (wall ${blocks.maxGap.toFixed(1)} ms; monitorEventLoopDelay max ` +
        `${blocks.delayMax.toFixed(1)} ms, p99 ${blocks.delayP99.toFixed(1)} ms); ${callLatencies.length} ` +
        `tickets.list calls, p95 ${p95CallMs.toFixed(1)} ms`,
    );
    // Coarse guards only (a whole-sync or whole-page block would break them even on a busy CI machine);
    // the budgeted figure is sync.keypress_during_initial_p95_ms in `npm run bench`.
    expect(blocks.maxBlock).toBeLessThan(250);
    expect(blocks.delayP99).toBeLessThan(250);
    expect(callLatencies.length).toBeGreaterThan(20);
    expect(p95CallMs).toBeLessThan(250);

    // The counts shown after the last announcement are the cache's, not those of the throttled bulk load
    // (main/services/view-counts) read before its end.
    expect(countsOnLastAnnouncement).not.toBeNull();
    expect(await countsOnLastAnnouncement).toEqual(await c.call('tickets.views'));

    const facts = cacheFacts(profile('fresh'));
    expect(facts.initial).toBeNull();
    expect(facts.tickets).toBe(SIZES.small.tickets);
    freshTickets = facts.tickets;
    await closeConsole(c);
  }, 240_000);

  it('closed mid-sync, it resumes from the saved cursor (not from zero), says so, and completes', async () => {
    const dirPath = profile('interrupted');
    const first = await openConsole(dirPath, 500);
    await first.call('session.login', { username: 'agent01', password: 'demo' });
    // A few pages in, then the window closes (the desk host shuts down in the middle of the sync).
    await waitFor(() => first.statuses.some((s) => (s.progress?.rows ?? 0) >= 3_000));
    await closeConsole(first);
    const saved = cacheFacts(dirPath);
    expect(saved.cursor).not.toBeNull();
    expect(saved.initial).not.toBeNull();
    const savedRows = (JSON.parse(saved.initial!) as { rows: number }).rows;
    expect(savedRows).toBeGreaterThanOrEqual(3_000);

    // Restart: the stored session resumes syncing by itself.
    const second = await openConsole(dirPath, 500);
    await waitFor(done(second));
    expect(second.pullBodies[0]?.cursor).toBe(saved.cursor);
    expect(second.pullBodies[0]?.estimate).toBe(true);
    const progress = second.statuses.map((s) => s.progress).filter((p) => p !== null);
    expect(progress[0]).toMatchObject({ rows: savedRows, resumed: true });
    expect(progress.every((p) => p.resumed === true)).toBe(true);
    expect(progress.at(-1)!.total).toBeGreaterThan(savedRows);

    const facts = cacheFacts(dirPath);
    expect(facts.initial).toBeNull();
    expect(facts.tickets).toBe(SIZES.small.tickets);
    if (freshTickets) expect(facts.tickets).toBe(freshTickets);
    await closeConsole(second);
  }, 240_000);

  it('a rejected change names its ticket and reason; dismissRejected forgets it', async () => {
    const c = await openConsole(profile('fresh'));
    await c.call('sync.now');
    const me = (await c.call('session.me')).user!;
    // A ticket of its own (the demo data's open tickets agent01 may move both ways are few, and which exist depends
    // on the time the data was generated at): a repair agent01 files, unassigned, at `new`.
    const token = await apiLogin();
    const pushAs = (mutation: { name: string; args: Record<string, unknown> }) =>
      fetch(`${baseUrl}/api/v1/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          clientId: randomUUID(),
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ id: 1, ...mutation }],
        }),
      });
    const ticketId = randomUUID();
    const created = await pushAs({
      name: 'ticket.create',
      args: {
        id: ticketId,
        eventId: randomUUID(),
        type: 'repair',
        category: 'plumbing',
        channel: 'phone',
        title: 'conflict test',
      },
    });
    expect(created.status).toBe(200);
    expect(((await created.json()) as PushResponse).results[0]).toMatchObject({ outcome: 'applied' });
    await c.call('sync.now');
    const ticket = (await c.call('tickets.get', { id: ticketId }))!.ticket;
    expect(ticket).toMatchObject({ status: 'new', assigneeId: null });

    // Both moves must be agent01's to make (common/ticket-access): the conflict, not a refusal, is the point.
    const mayMove = (to: string) => checkTicketAction(me, ticket, { kind: 'status', to: to as never }).ok;
    // The server moves it to a blocker B so that the console's next step N becomes illegal; only steps that need no
    // recorded outputs (photos, reply, follow-up…): the point here is the conflict.
    const next = nextStatuses(ticket.type, ticket.status).filter(
      (s) => findTransition(ticket.type, ticket.status, s)?.requires.length === 0,
    );
    const n = next[0];
    expect(n).toBeDefined();
    expect(mayMove(n!)).toBe(true);
    const blocker = next.find((s) => s !== n && !canTransition(ticket.type, s, n!) && mayMove(s));
    expect(blocker).toBeDefined();

    const push = await pushAs({
      name: 'ticket.setStatus',
      // A reason, should the blocker be a cancellation (which needs one).
      args: { id: ticket.id, eventId: randomUUID(), status: blocker, reason: 'conflict test' },
    });
    expect(push.status).toBe(200);
    expect(((await push.json()) as PushResponse).results[0]).toMatchObject({ outcome: 'applied' });

    await c.call('tickets.setStatus', { id: ticket.id, status: n! });
    const status = await c.call('sync.now');
    const rejected = status.rejected.find((r) => r.ticketId === ticket.id);
    expect(rejected).toMatchObject({ name: 'ticket.setStatus', code: 'illegal_transition', ticketId: ticket.id });
    expect(status.pending).toBe(0);
    expect((await c.call('tickets.get', { id: ticket.id }))?.ticket.status).toBe(blocker);

    const after = await c.call('sync.dismissRejected', { mutationIds: [rejected!.mutationId] });
    expect(after.rejected.find((r) => r.mutationId === rejected!.mutationId)).toBeUndefined();
    // The host announced it, and it stays dismissed after a restart.
    expect(c.statuses.at(-1)?.rejected.some((r) => r.mutationId === rejected!.mutationId)).toBe(false);
    await closeConsole(c);
    const again = await openConsole(profile('fresh'));
    expect((await again.call('sync.status')).rejected.some((r) => r.mutationId === rejected!.mutationId)).toBe(false);
    await expect(again.call('sync.dismissRejected', { mutationIds: [] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await closeConsole(again);
  }, 120_000);
});
