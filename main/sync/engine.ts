/**
 * The sync engine: pushes the outbox in order, pulls server changes page by page, and keeps the
 * `sync.status` the UI shows. One cycle (push, then pull) runs at a time; requests made meanwhile
 * coalesce into the next cycle.
 */
import { SYNC_SCHEMA_VERSION, WITHDRAWN_ARGS, type PushResponse, type SyncStatus } from '../../common/sync';
import type { MetaRepo } from '../cache';
import type { BulkLoad } from '../cache/bulk-load';
import { CentralError, type CentralClient } from '../central';
import { errorLine } from '../log-line';
import type { Emit } from '../events';
import { createChangedBatch } from './changed-batch';
import { crashPoint } from './crash-points';
import {
  SERVER_ERROR_CODE,
  createIsolation,
  withdrawalReason,
  type IsolationOptions,
  type PushFailure,
} from './isolate';
import type { Outbox } from './outbox';
import { prefetchPages } from './prefetch';
import { APPLY_CHUNK_SIZE, type Rebaser } from './rebase';

export interface SyncEngineOptions {
  /** Pull interval; the live socket's pokes pull sooner, so this only bounds what a lost poke costs (ms). */
  intervalMs?: number;
  /** Quiet time after an enqueue before pushing, so a burst of actions goes in one batch (ms). */
  pushDebounceMs?: number;
  /** Mutations per push request. */
  pushBatch?: number;
  /** Changes per pull page. */
  pullLimit?: number;
  /** Changes per SQLite transaction when applying a page (the event loop runs between them). */
  applyChunkSize?: number;
  /** When a mutation the server keeps failing is withdrawn (./isolate). */
  isolation?: IsolationOptions;
  /**
   * The pull again after a page whose changes the server held back (`heldBack`): first after this long, doubling
   * while they stay held back, up to `heldBackMaxMs` (ms).
   */
  heldBackDelayMs?: number;
  heldBackMaxMs?: number;
}

export interface SyncEngineDeps {
  central: CentralClient;
  meta: MetaRepo;
  outbox: Outbox;
  rebaser: Rebaser;
  emit: Emit;
  /** The logged-in user's id, or null without a session. */
  actorId(): string | null;
  /** The server said 401: the session is gone. Called from inside a cycle; must not wait for the engine. */
  onUnauthorized(): void;
  log?: (message: string, err?: unknown) => void;
  /** Fills an empty cache without its indexes, rebuilt once at the end (see main/cache/bulk-load). */
  bulkLoad?: BulkLoad;
  /**
   * A first sync's working set is in (PullResponse.workingSetIn): the views an agent works in are complete, so what
   * was kept from before (the throttled view counts) must not stand. Called before that page is announced.
   */
  onWorkingSet?(): void;
}

export interface SyncEngine {
  /** Begins syncing (immediately, then on the interval); used at login and at start with a stored session. */
  start(): void;
  /** Stops timers without waiting (safe from inside a cycle). */
  halt(): void;
  /** Stops timers, abandons the request in flight and waits for the cycle to end. */
  stop(): Promise<void>;
  /** After an enqueue: push soon. */
  schedulePush(): void;
  /** A live poke or reconnect: pull soon (shares a cycle not yet started); ignored while stopped. */
  poke(): void;
  /** Push and pull now (after any cycle in progress); resolves with the resulting status. */
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  /** Re-announces the status (pending count changed, session changed). */
  announce(): void;
}

export function createSyncEngine(deps: SyncEngineDeps, options: SyncEngineOptions = {}): SyncEngine {
  const { central, meta, outbox, rebaser, emit } = deps;
  const intervalMs = options.intervalMs ?? 30_000;
  const pushDebounceMs = options.pushDebounceMs ?? 50;
  const pushBatch = Math.min(options.pushBatch ?? 200, 1000);
  const pullLimit = options.pullLimit ?? 2_000;
  const applyChunkSize = options.applyChunkSize ?? APPLY_CHUNK_SIZE;
  const heldBackDelayMs = options.heldBackDelayMs ?? 25;
  const heldBackMaxMs = options.heldBackMaxMs ?? 1_000;
  const log = deps.log ?? ((message, err) => console.warn(`[sync] ${message}`, err ?? ''));

  let state: SyncStatus['state'] = 'offline';
  let offlineSince: string | null = null;
  /** The server's last 5xx while it is failing (it answers, so the console is not offline). */
  let serverError: SyncStatus['serverError'] = null;
  let lastSyncAt: string | null = null;
  let progress: SyncStatus['progress'] = null;
  let lastAnnounced = '';

  let interval: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let retry: NodeJS.Timeout | null = null;
  /** The pull again for changes the server held back, and how many in a row were (for the backoff). */
  let heldBackTimer: NodeJS.Timeout | null = null;
  let heldBackRun = 0;
  const isolation = createIsolation(options.isolation);
  let abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  /** A bulk load's deferred indexes and search index being built (background work the cycle does not wait for). */
  let backgroundWork: Promise<void> | null = null;

  const status = (): SyncStatus => ({
    state,
    pending: outbox.count(),
    offlineSince,
    serverError,
    lastSyncAt,
    progress,
    ...(backgroundWork !== null && { background: true }),
    rejected: outbox.rejected(),
  });

  function announce(): void {
    const s = status();
    const key = JSON.stringify(s);
    if (key === lastAnnounced) return;
    lastAnnounced = key;
    emit('sync.status', s);
  }

  /** Runs a cycle after the current one; callers arriving before it starts share it. */
  function request(): Promise<void> {
    if (queued) return queued;
    const next = running.then(() => {
      queued = null;
      return cycle();
    });
    queued = next;
    running = next.catch(() => {});
    return next;
  }

  async function cycle(): Promise<void> {
    if (!deps.actorId()) {
      state = 'offline';
      offlineSince = null;
      serverError = null;
      announce();
      return;
    }
    const signal = abort.signal;
    // Initial until a pull reports no more: a restart in the middle continues from the saved cursor.
    const initial = meta.get('pull_cursor') === null || meta.get('initial_sync') !== null;
    if (state !== 'offline' && (initial || outbox.count() > 0)) {
      state = 'syncing';
      announce();
    }
    try {
      const failure = await pushAll(signal);
      const heldBack = await pullAll(signal, initial, failure === null);
      pullAgainIfHeldBack(heldBack);
      offlineSince = null;
      lastSyncAt = new Date().toISOString();
      if (failure) {
        await isolate(failure, signal);
      } else {
        serverError = null;
        state = outbox.count() > 0 ? 'syncing' : 'online';
      }
    } catch (err) {
      if (err instanceof CentralError && err.kind === 'unauthorized') {
        halt();
        state = 'offline';
        offlineSince = null;
        serverError = null;
        deps.onUnauthorized();
      } else if (err instanceof CentralError && err.kind === 'offline') {
        if (state !== 'offline') offlineSince = new Date().toISOString();
        state = 'offline';
        serverError = null;
      } else if (err instanceof CentralError && err.kind === 'server_error') {
        // The server answers, but fails: say so (not "offline"); the interval tries again.
        failing(err.status, err.code);
      } else if (!signal.aborted) {
        // The server said no (a protocol refusal): one line; anything else is a bug, worth its stack.
        if (err instanceof CentralError) log(`cycle failed: ${errorLine(err)}`);
        else log('cycle failed', err);
      }
    } finally {
      progress = null;
      announce();
    }
  }

  /**
   * The last page said committed changes wait behind an older transaction still running (server/sync/pull.ts):
   * the poke that announced them has been spent, and none may come when that transaction ends, so pull again by
   * ourselves — soon at first, backing off while it lasts — rather than wait for the next poke or the interval.
   */
  function pullAgainIfHeldBack(heldBack: boolean): void {
    if (!heldBack) {
      heldBackRun = 0;
      return;
    }
    if (heldBackTimer || !interval) return; // one is due already, or stopped (no session)
    const delay = Math.min(heldBackMaxMs, heldBackDelayMs * 2 ** Math.min(heldBackRun++, 20));
    heldBackTimer = setTimeout(() => {
      heldBackTimer = null;
      void request();
    }, delay);
    heldBackTimer.unref();
  }

  /** The server answered with a 5xx: shown as its own state, never as offline. */
  function failing(status: number | null, code: string): void {
    const since = serverError?.since ?? new Date().toISOString();
    serverError = { status, code, since };
    state = 'server_error';
    offlineSince = null;
  }

  /**
   * One mutation failed with 5xx while the pull went through: a strike against it (./isolate). At the limit it is
   * withdrawn and the rest of the outbox syncs at once; before it, the next try comes after a growing pause.
   */
  async function isolate(failure: PushFailure, signal: AbortSignal): Promise<void> {
    const withdraw = isolation.strike(failure);
    failing(failure.status, failure.code);
    if (!withdraw) {
      scheduleRetry(isolation.retryDelayMs());
      return;
    }
    const { entry } = failure;
    const res = await central.push(
      {
        clientId: meta.clientId(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [{ id: entry.mutationId, name: entry.name, args: WITHDRAWN_ARGS }],
      },
      signal,
    );
    // The server consumed the id; the reason the agent reads is the server's failure, not the withdrawal.
    const error = { code: SERVER_ERROR_CODE, message: withdrawalReason(failure, isolation.strikes()) };
    outbox.settle({
      ...res,
      results: res.results.map((r) => (r.id === entry.mutationId && r.outcome === 'rejected' ? { ...r, error } : r)),
    });
    meta.set('last_mutation_id', String(res.lastMutationId));
    log(`withdrew mutation ${entry.mutationId} (${entry.name}): ${error.message}`);
    isolation.clear();
    serverError = null;
    state = 'syncing';
    scheduleRetry(0);
  }

  function scheduleRetry(delayMs: number): void {
    if (retry || !interval) return; // stopped (no session), or a retry is already due
    retry = setTimeout(() => {
      retry = null;
      void request();
    }, delayMs);
    retry.unref();
  }

  /**
   * Pushes the outbox in order, in batches. A 5xx halves the batch (the mutations before the failing one get
   * through) until a single mutation fails: that failure is returned, and the cycle decides (isolate). The halved
   * size stays for the rest of the cycle, so the mutations behind the failing one do not hit it again and again.
   */
  async function pushAll(signal: AbortSignal): Promise<PushFailure | null> {
    // A mutation that failed before goes alone first: no need to halve down to it again.
    let size = isolation.suspect() !== null && outbox.pending(1)[0]?.mutationId === isolation.suspect() ? 1 : pushBatch;
    for (;;) {
      const batch = outbox.pending(size);
      const first = batch[0];
      if (!first) return null;
      let res: PushResponse;
      crashPoint('push.send');
      try {
        res = await central.push(
          {
            clientId: meta.clientId(),
            schemaVersion: SYNC_SCHEMA_VERSION,
            mutations: batch.map((e) => ({ id: e.mutationId, name: e.name, args: e.args })),
          },
          signal,
        );
      } catch (err) {
        // Too big for the server's body limit (long texts written offline): smaller batches get through.
        if (err instanceof CentralError && err.status === 413 && batch.length > 1) {
          size = Math.ceil(batch.length / 2);
          continue;
        }
        // A refused push (e.g. mutation_gap) must not block pulling; the pull's lastMutationId may resolve it.
        if (err instanceof CentralError && err.kind === 'rejected') {
          log(`push refused: ${err.code}`, err.details);
          return null;
        }
        if (err instanceof CentralError && err.kind === 'server_error') {
          if (batch.length > 1) {
            size = Math.ceil(batch.length / 2);
            continue;
          }
          return { entry: first, status: err.status, code: err.code };
        }
        throw err;
      }
      crashPoint('push.received');
      reachable();
      if (isolation.settled(res.lastMutationId)) size = pushBatch;
      outbox.settle(res);
      crashPoint('push.settled');
      meta.set('last_mutation_id', String(res.lastMutationId));
      announce();
      // The server processed nothing of this batch: stop rather than spin; the next cycle retries.
      if (res.lastMutationId < first.mutationId) return null;
    }
  }

  /**
   * `pushBetween`: push what the agent does meanwhile between pages (not while a push is failing). Resolves with
   * whether the last page said the server held committed changes back (`heldBack`).
   */
  async function pullAll(signal: AbortSignal, initial: boolean, pushBetween: boolean): Promise<boolean> {
    let heldBack: boolean;
    let rows = 0;
    let total: number | null = null;
    const resumed = initial && meta.get('pull_cursor') !== null;
    /** The snapshot said its working set is in (kept with the rows, so a resumed sync still knows). */
    let workingSet = false;
    const progressNow = () => ({ rows, total, ...(resumed && { resumed }), ...(workingSet && { workingSet }) });
    const initialSyncMeta = (rowsSoFar: number, more: boolean) =>
      more ? JSON.stringify({ rows: rowsSoFar, ...(workingSet && { workingSet }) }) : null;
    if (initial) {
      ({ rows, workingSet } = resumed ? storedInitialSync() : { rows: 0, workingSet: false });
      meta.set('initial_sync', initialSyncMeta(rows, true));
      progress = progressNow();
      announce();
    }
    if (initial) deps.bulkLoad?.begin();
    const fetchPage = (cursor: string | null, estimate: boolean) =>
      central.pull(
        {
          clientId: meta.clientId(),
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor,
          limit: pullLimit,
          ...(estimate && { estimate: true }),
        },
        signal,
      );
    let first = true;
    // An initial sync's pages announce their tickets coalesced (./changed-batch); any other pull, page by page.
    const changed = createChangedBatch(emit, initial ? undefined : 0);
    let pages = prefetchPages(fetchPage, meta.get('pull_cursor'), initial, signal);
    try {
      for (;;) {
        // A long (initial) pull must not hold back what the agent just did: push between pages.
        if (pushBetween && outbox.count() > 0) pushBetween = (await pushAll(signal)) === null;
        // While the server prepares the page, a bulk load fills the search index (../cache/bulk-load) — once the
        // working set is in: until then each page is what makes the console usable, and none waits for a slice.
        const next = pages.next();
        const page = await (deps.bulkLoad && workingSet ? deps.bulkLoad.fillWhile(next, signal) : next);
        crashPoint('pull.received');
        reachable();
        if (page.reset) {
          // Our cursor predates the server's sync horizon: start over from an empty cache (the outbox stays).
          const wiped = rebaser.reset();
          emit('tickets.changed', { ids: wiped });
          emit('directory.changed', {});
          pages.close();
          pages = prefetchPages(fetchPage, meta.get('pull_cursor'), false, signal);
          continue;
        }
        const queuedBefore = outbox.size();
        if (initial && first && page.estimate !== undefined) total = rows + page.estimate;
        first = false;
        const bulk = deps.bulkLoad?.active() ?? false;
        const after = rows + page.changes.length;
        const workingSetNow = initial && !workingSet && page.workingSetIn === true;
        workingSet ||= workingSetNow;
        const result = await rebaser.applyPageInChunks(page, deps.actorId(), {
          chunkSize: applyChunkSize,
          signal,
          bulk,
          ...(initial && { initialSync: initialSyncMeta(after, page.more) }),
        });
        crashPoint('pull.applied');
        rows = after;
        if (initial) {
          // The estimate counts log rows, a page sends one change per entity: never show more than 100 %.
          if (total !== null && rows > total) total = rows;
          progress = progressNow();
        }
        if (workingSetNow) deps.onWorkingSet?.();
        if (page.changes.length > 0 || outbox.size() !== queuedBefore || workingSetNow) {
          // The agent's own changes settled or re-applied, or the agent can start working: shown at once.
          changed.add(result.ticketIds, outbox.size() !== queuedBefore || workingSetNow);
        }
        if (result.directoryChanged) emit('directory.changed', {});
        announce();
        if (!page.more) {
          heldBack = page.heldBack === true;
          break;
        }
      }
    } finally {
      pages.close();
      changed.flush();
    }
    // Also after a restart that came between the last page and the end of a bulk load: a no-op otherwise.
    if (deps.bulkLoad?.active()) {
      await deps.bulkLoad.finish(signal);
      // The view counts were throttled while loading (main/services/view-counts), and the last page's announcement
      // came before this: say so once more, or the nav may show the counts of the loading until the next change.
      emit('tickets.changed', { ids: [] });
    }
    const bulkLoad = deps.bulkLoad;
    if (bulkLoad?.backgroundPending() && !backgroundWork) {
      backgroundWork = bulkLoad
        .completeInBackground(signal)
        .catch((err: unknown) => {
          if (!signal.aborted) log('building the remaining indexes failed', err);
        })
        .then(() => bulkLoad.checkpointed())
        .finally(() => {
          backgroundWork = null;
          announce(); // `background` off: the initial sync's work is all done
        });
    }
    return heldBack;
  }

  /** The server answered: a long cycle (a resumed initial sync) must not keep saying "offline" until it ends. */
  function reachable(): void {
    if (state !== 'offline' && state !== 'connecting' && state !== 'server_error') return;
    state = 'syncing';
    offlineSince = null;
    serverError = null;
    announce();
  }

  function storedInitialSync(): { rows: number; workingSet: boolean } {
    try {
      const stored = JSON.parse(meta.get('initial_sync') ?? '{}') as { rows?: unknown; workingSet?: unknown };
      const rows = typeof stored.rows === 'number' && stored.rows >= 0 ? stored.rows : 0;
      return { rows, workingSet: stored.workingSet === true };
    } catch {
      return { rows: 0, workingSet: false };
    }
  }

  function halt(): void {
    if (interval) clearInterval(interval);
    if (debounce) clearTimeout(debounce);
    if (retry) clearTimeout(retry);
    if (heldBackTimer) clearTimeout(heldBackTimer);
    interval = null;
    debounce = null;
    retry = null;
    heldBackTimer = null;
    heldBackRun = 0;
  }

  return {
    start() {
      halt();
      if (abort.signal.aborted) abort = new AbortController();
      if (state === 'offline' && offlineSince === null) state = 'connecting';
      announce();
      interval = setInterval(() => void request(), intervalMs);
      interval.unref();
      void request();
    },
    halt,
    async stop() {
      halt();
      abort.abort();
      await running;
      await backgroundWork;
      abort = new AbortController();
      state = 'offline';
      offlineSince = null;
      serverError = null;
      isolation.clear();
    },
    schedulePush() {
      announce();
      if (!interval) return; // not started (no session): the outbox waits for login
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => {
        debounce = null;
        void request();
      }, pushDebounceMs);
      debounce.unref();
    },
    poke() {
      if (interval) void request();
    },
    async syncNow() {
      await request();
      return status();
    },
    status,
    announce,
  };
}
