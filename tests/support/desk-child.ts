/**
 * The desk host as a real child process for the kill -9 tests (issue 3): `node --import tsx
 * tests/support/desk-child.ts` with its settings in the environment. It logs in (or resumes its stored
 * session), then produces comment mutations `m-<k>` for k = next … DESK_TOTAL, spread over DESK_TICKETS, with a
 * sync.now every DESK_CHUNK of them, and finally drains its outbox. The parent may SIGKILL it at any moment
 * (DESK_CRASH_AT makes it kill itself at a named crash point, main/sync/crash-points.ts).
 *
 * Where to resume comes from the cache alone: the optimistic write is atomic with its outbox row, so a comment
 * in the cache is either still queued or acknowledged — the next k is one past the highest present.
 *
 * stdout protocol, one JSON object a line: {"ready":true,"next":k,"gaps":[…]} once the resume point is known,
 * then {"done":true,"pending":n,"comments":c} after the drain (exit code 0).
 */
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { createDesk } from '../../main/desk';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`desk-child: ${name} is not set`);
  return value;
}

const profileDir = env('DESK_PROFILE');
const serverUrl = env('DESK_SERVER_URL');
const username = env('DESK_USER');
const password = env('DESK_PASSWORD');
const ticketIds = env('DESK_TICKETS').split(',');
const total = Number(env('DESK_TOTAL'));
const chunk = Math.max(1, Number(process.env.DESK_CHUNK ?? '10'));

const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  // The test decides when to sync (sync.now); no timers of its own.
  const desk = await createDesk({
    profileDir,
    serverUrl,
    sync: { intervalMs: 3_600_000, pushDebounceMs: 3_600_000 },
    requestTimeoutMs: 20_000,
  });
  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const res = await dispatchDeskCall(desk.handlers, method, input);
    if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
    return res.value as MethodOutput<M>;
  }

  // Signed in first: the desk shows nothing otherwise. The resume point is still the cache's alone: a pull never
  // removes a comment the cache holds (queued or acknowledged), and a first life's cache has none of ours.
  // The server may be down for a restart (the kill runs kill it too): sign in once it answers again. A console
  // would wait for ever; the limit only turns a server that never comes back into a failure, and is generous
  // because a PGlite restart after a kill (recovery, then migrations checked) takes minutes on a loaded machine.
  const signInUntil = Date.now() + 600_000;
  while (!(await call('session.me', {})).user) {
    try {
      await call('session.login', { username, password });
    } catch (err) {
      if (Date.now() > signInUntil) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const present = new Set<number>();
  const missing = new Set(ticketIds);
  for (const id of ticketIds) {
    const detail = await call('tickets.get', { id });
    if (!detail) continue;
    missing.delete(id);
    for (const e of detail.events) {
      const k = e.kind === 'comment' ? /^m-(\d+)$/.exec(e.body)?.[1] : undefined;
      if (k) present.add(Number(k));
    }
  }
  const highest = Math.max(0, ...present);
  const gaps: number[] = [];
  for (let k = 1; k <= highest; k++) if (!present.has(k)) gaps.push(k);

  while (missing.size > 0) {
    await call('sync.now', {});
    for (const id of [...missing]) if (await call('tickets.get', { id })) missing.delete(id);
    if (missing.size > 0) await new Promise((r) => setTimeout(r, 20));
  }
  emit({ ready: true, next: highest + 1, gaps });

  // With DESK_WAIT_ONLINE (kill runs that kill the server too) the desk waits for a server that is down before
  // making more: the work, and so the kills at push and pull points, spread over the time the server is up.
  const waitOnline = process.env.DESK_WAIT_ONLINE === '1';
  async function syncWhenReachable(): Promise<void> {
    const until = Date.now() + 60_000;
    while ((await call('sync.now', {})).state === 'offline' && waitOnline && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  for (let k = highest + 1; k <= total; k++) {
    await call('tickets.comment', { id: ticketIds[k % ticketIds.length] ?? '', body: `m-${k}` });
    if (k % chunk === 0) await syncWhenReachable();
  }

  // Drain: push until the outbox is empty, then one more cycle pulls the acknowledged state back.
  let status = await call('sync.now', {});
  const drainUntil = Date.now() + 45_000;
  while (status.pending > 0 || status.state !== 'online') {
    if (Date.now() > drainUntil) throw new Error(`desk-child: outbox does not drain: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 20));
    status = await call('sync.now', {});
  }
  status = await call('sync.now', {});
  let comments = 0;
  for (const id of ticketIds) {
    comments += (await call('tickets.get', { id }))?.events.filter((e) => e.kind === 'comment').length ?? 0;
  }
  emit({ done: true, pending: status.pending, state: status.state, comments });
  await desk.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`desk-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
