/**
 * The desk host of the initial-sync bench, alone in its own process (so its VmHWM is the desk's peak RSS and
 * nothing of the bench's own shares its event loop). Run by ./initial compiled as the shipped host is (fixtures
 * bundleDeskEntry): `node out/bench/initial-desk.mjs <json options>`.
 *
 * From createDesk on an empty profile (module loading excluded): login, then
 *   usable — the first sync status that says the working set is in (progress.workingSet: every hot ticket with its
 *            events; older tickets still arriving) or the cycle is over: the inbox shows rows, a search by a cold
 *            ticket's code finds it, and the detail of a hot ticket (with its events) and of a cold one open — all
 *            done through the desk API right then, and timed to their end. While the first sync runs the desk asks
 *            the server for the search and for a ticket it has not cached yet (main/services/first-sync-reads);
 *            the result says which answered;
 *   done   — the status that says the background work is over too (deferred indexes, search index, WAL checkpoint).
 * Prints one line `RESULT {json}` and exits; the profile stays for the parent's baseline.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { SyncStatus } from '../../../common/sync';
import { createDesk } from '../../../main/desk';

interface Options {
  serverUrl: string;
  profileDir: string;
  username: string;
  password: string;
  /** A hot ticket (open) and a cold one (closed long ago) of the server's data, with their codes. */
  hot: { id: string; code: string };
  cold: { id: string; code: string };
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const ms = (since: number) => Math.round(performance.now() - since);

/** Peak resident set of this process (kB → MB), from the kernel. */
function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const cpuSeconds = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 10_000) / 100;

async function main(): Promise<void> {
  const started = performance.now();
  const desk = await createDesk({ profileDir: opts.profileDir, serverUrl: opts.serverUrl });
  const statuses: Array<{ at: number; s: SyncStatus; cpu: NodeJS.CpuUsage }> = [];
  let wake: (() => void) | null = null;
  // DESK_TRACE=<file>: a timeline of the sync's statuses, for working on this bench.
  const traceFile = process.env.DESK_TRACE;
  const trace = traceFile ? (line: string) => appendFileSync(traceFile, `${ms(started)} ms ${line}\n`) : null;
  let tracedRows = 0;
  desk.subscribe((event, payload) => {
    if (trace && event === 'residents.changed') trace('residents directory page');
    if (event !== 'sync.status') return;
    const progress = (payload as SyncStatus).progress;
    if (trace && (!progress || progress.rows - tracedRows >= 10_000)) {
      tracedRows = progress?.rows ?? tracedRows;
      trace(`sync ${JSON.stringify({ ...(payload as SyncStatus), rejected: undefined })}`);
    }
    statuses.push({ at: performance.now(), s: payload as SyncStatus, cpu: process.cpuUsage() });
    wake?.();
  });
  const waitFor = async (test: (s: SyncStatus) => boolean): Promise<number> => (await statusWhere(test)).at;
  const statusWhere = async (test: (s: SyncStatus) => boolean) => {
    for (;;) {
      const hit = statuses.find((x) => test(x.s));
      if (hit) return hit;
      const stuck = statuses.find((x) => x.s.state === 'offline' || x.s.state === 'server_error');
      if (stuck) throw new Error(`sync went ${stuck.s.state}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const opened = performance.now();
  await desk.handlers['session.login']({ username: opts.username, password: opts.password });
  const loggedIn = performance.now();

  const workingSetIn = await waitFor(
    (s) => s.progress?.workingSet === true || (s.state === 'online' && s.progress === null && s.pending === 0),
  );
  // Usable: the things an agent does first, each checked for a right answer.
  const inbox = await desk.handlers['tickets.list']({ view: 'inbox', offset: 0, limit: 50 });
  if (inbox.items.length === 0) throw new Error('usable: the inbox shows no rows');
  const searchStarted = performance.now();
  const found = await desk.handlers['tickets.search']({ q: opts.cold.code, limit: 20, offset: 0 });
  const searchMs = performance.now() - searchStarted;
  if (found.items[0]?.ticket.id !== opts.cold.id) throw new Error(`usable: search for ${opts.cold.code} missed it`);
  const hot = await desk.handlers['tickets.get']({ id: opts.hot.id });
  if (!hot || hot.events.length === 0 || hot.historyMissing) throw new Error('usable: the hot ticket has no history');
  const cold = await desk.handlers['tickets.get']({ id: opts.cold.id });
  if (!cold || cold.ticket.id !== opts.cold.id) throw new Error('usable: the cold ticket does not open');
  const usable = performance.now();
  const usableAnswers = {
    searchFromServer: found.fromServer === true,
    coldFromServer: cold.fromServer === true,
    rowsAtUsable: statuses.at(-1)?.s.progress?.rows ?? null,
  };
  const searchReadyAtUsable = !statuses.at(-1)?.s.background && statuses.at(-1)?.s.progress === null;

  const { at: cycleOver, cpu: cpuAtCycleOver } = await statusWhere(
    (s) => s.state === 'online' && s.progress === null && s.pending === 0,
  );
  const views = await desk.handlers['tickets.views']({});
  const all = views.find((v) => v.id === 'all')?.count ?? 0;

  // The cold ticket's history, fetched on open (the agent sees "loading the earlier history" until then); opened
  // from the server, it came with it.
  let coldEvents = cold.events.length;
  let coldLoadedMs: number | null = cold.historyMissing ? null : 0;
  for (let i = 0; i < 500 && coldLoadedMs === null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await desk.handlers['tickets.get']({ id: opts.cold.id });
    if (again && !again.historyMissing) {
      coldLoadedMs = ms(usable);
      coldEvents = again.events.length;
    }
  }

  const { at: done, cpu: cpuAtDone } = await statusWhere(
    (s) => s.state === 'online' && s.progress === null && !s.background,
  );
  const result = {
    createDeskMs: Math.round(opened - started),
    loginMs: Math.round(loggedIn - opened),
    workingSetS: (workingSetIn - started) / 1000,
    cycleOverS: (cycleOver - started) / 1000,
    usableS: (usable - started) / 1000,
    doneS: (done - started) / 1000,
    // This process's CPU (all its threads) until the cycle was over and until done: what the desk itself spent.
    deskCpuAtCycleOverS: cpuSeconds(cpuAtCycleOver),
    deskCpuS: cpuSeconds(cpuAtDone),
    checksMs: Math.round(usable - workingSetIn),
    ...usableAnswers,
    searchMs: Math.round(searchMs * 10) / 10,
    searchReadyAtUsable,
    cachedTickets: all,
    hotEvents: hot.events.length,
    coldHistoryMissingAtOpen: cold.historyMissing === true,
    coldLoadedMs,
    coldEvents,
    peakRssMb: vmHwmMb(),
  };
  await desk.close();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`initial-desk failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
