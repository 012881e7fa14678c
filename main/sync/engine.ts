/**
 * The sync engine: pushes the outbox in order, pulls server changes page by page, and keeps the
 * `sync.status` the UI shows. One cycle (push, then pull) runs at a time; requests made meanwhile
 * coalesce into the next cycle.
 */
import { SYNC_SCHEMA_VERSION, type PushResponse, type SyncStatus } from '../../common/sync';
import type { MetaRepo } from '../cache';
import type { BulkLoad } from '../cache/bulk-load';
import { CentralError, type CentralClient } from '../central';
import { errorLine } from '../log-line';
import type { Emit } from '../events';
import { crashPoint } from './crash-points';
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
  const log = deps.log ?? ((message, err) => console.warn(`[sync] ${message}`, err ?? ''));

  let state: SyncStatus['state'] = 'offline';
  let offlineSince: string | null = null;
  let lastSyncAt: string | null = null;
  let progress: SyncStatus['progress'] = null;
  let lastAnnounced = '';

  let interval: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let abort = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let queued: Promise<void> | null = null;
  /** A bulk load's deferred indexes and search index being built (background work the cycle does not wait for). */
  let backgroundWork: Promise<void> | null = null;

  const status = (): SyncStatus => ({
    state,
    pending: outbox.count(),
    offlineSince,
    lastSyncAt,
    progress,
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
      await pushAll(signal);
      await pullAll(signal, initial);
      state = outbox.count() > 0 ? 'syncing' : 'online';
      offlineSince = null;
      lastSyncAt = new Date().toISOString();
    } catch (err) {
      if (err instanceof CentralError && err.kind === 'unauthorized') {
        halt();
        state = 'offline';
        offlineSince = null;
        deps.onUnauthorized();
      } else if (err instanceof CentralError && err.kind === 'offline') {
        if (state !== 'offline') offlineSince = new Date().toISOString();
        state = 'offline';
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

  async function pushAll(signal: AbortSignal): Promise<void> {
    for (;;) {
      const batch = outbox.pending(pushBatch);
      const first = batch[0];
      if (!first) return;
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
        // A refused push (e.g. mutation_gap) must not block pulling; the pull's lastMutationId may resolve it.
        if (err instanceof CentralError && err.kind === 'rejected') {
          log(`push refused: ${err.code}`, err.details);
          return;
        }
        throw err;
      }
      crashPoint('push.received');
      reachable();
      outbox.settle(res);
      crashPoint('push.settled');
      meta.set('last_mutation_id', String(res.lastMutationId));
      announce();
      // The server processed nothing of this batch: stop rather than spin; the next cycle retries.
      if (res.lastMutationId < first.mutationId) return;
    }
  }

  async function pullAll(signal: AbortSignal, initial: boolean): Promise<void> {
    let rows = 0;
    let total: number | null = null;
    const resumed = initial && meta.get('pull_cursor') !== null;
    if (initial) {
      rows = resumed ? storedInitialRows() : 0;
      meta.set('initial_sync', JSON.stringify({ rows }));
      progress = { rows, total: null, ...(resumed && { resumed }) };
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
    let pages = prefetchPages(fetchPage, meta.get('pull_cursor'), initial, signal);
    try {
      for (;;) {
        // A long (initial) pull must not hold back what the agent just did: push between pages.
        if (outbox.count() > 0) await pushAll(signal);
        const page = await pages.next();
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
        const pendingBefore = outbox.count();
        if (initial && first && page.estimate !== undefined) total = rows + page.estimate;
        first = false;
        const bulk = deps.bulkLoad?.active() ?? false;
        const after = rows + page.changes.length;
        const result = await rebaser.applyPageInChunks(page, deps.actorId(), {
          chunkSize: applyChunkSize,
          signal,
          bulk,
          ...(initial && { initialSync: page.more ? JSON.stringify({ rows: after }) : null }),
        });
        crashPoint('pull.applied');
        rows = after;
        if (initial) {
          // The estimate counts log rows, a page sends one change per entity: never show more than 100 %.
          if (total !== null && rows > total) total = rows;
          progress = { rows, total, ...(resumed && { resumed }) };
        }
        if (page.changes.length > 0 || outbox.count() !== pendingBefore) {
          emit('tickets.changed', { ids: result.ticketIds });
        }
        if (result.directoryChanged) emit('directory.changed', {});
        announce();
        if (!page.more) break;
      }
    } finally {
      pages.close();
    }
    // Also after a restart that came between the last page and the end of a bulk load: a no-op otherwise.
    if (deps.bulkLoad?.active()) await deps.bulkLoad.finish(signal);
    if (deps.bulkLoad?.backgroundPending() && !backgroundWork) {
      backgroundWork = deps.bulkLoad
        .completeInBackground(signal)
        .catch((err: unknown) => {
          if (!signal.aborted) log('building the remaining indexes failed', err);
        })
        .finally(() => (backgroundWork = null));
    }
  }

  /** The server answered: a long cycle (a resumed initial sync) must not keep saying "offline" until it ends. */
  function reachable(): void {
    if (state !== 'offline' && state !== 'connecting') return;
    state = 'syncing';
    offlineSince = null;
    announce();
  }

  function storedInitialRows(): number {
    try {
      const stored = JSON.parse(meta.get('initial_sync') ?? '{}') as { rows?: unknown };
      return typeof stored.rows === 'number' && stored.rows >= 0 ? stored.rows : 0;
    } catch {
      return 0;
    }
  }

  function halt(): void {
    if (interval) clearInterval(interval);
    if (debounce) clearTimeout(debounce);
    interval = null;
    debounce = null;
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
