/**
 * Keeps the cached residents directory current (issue 4 item 5): after a sync cycle reaches the server, download
 * the directory pages changed since the stored cursor. One refresh at a time; failures back off exponentially so
 * an unreachable or refusing server is not asked again on every cycle. Never blocks the sync engine.
 */
import type { SyncStatus } from '../../common/sync';
import type { ResidentRepo } from '../cache/residents';
import { CentralError, type CentralClient } from '../central';
import { errorLine } from '../log-line';

export interface ResidentsSyncOptions {
  /** Residents per page (the server allows up to 5,000). */
  pageSize?: number;
  /** Least time between two refreshes after a success (ms): sync cycles follow every push. */
  minIntervalMs?: number;
  /** First wait after a failure (ms); doubles per failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
  /** Runs `run` in `ms`; returns its cancel. Default: an unref'd setTimeout. */
  setTimer?: (run: () => void, ms: number) => () => void;
  /** One line per failure worth telling (never a stack); default console.warn. */
  log?: (line: string) => void;
}

export interface ResidentsSync {
  /** Downloads every page after the stored cursor now (joins a refresh in progress). Resolves with residents written. */
  refresh(): Promise<number>;
  /**
   * The sync engine's status: refresh after each cycle that reached the server; one that comes within the interval
   * (or the backoff) is not dropped but refreshes when it ends.
   */
  onSyncStatus(status: SyncStatus): void;
  /** Abandons a download in flight and refuses new ones until start(). */
  stop(): void;
  start(): void;
}

export function createResidentsSync(
  deps: {
    central: CentralClient;
    residents: ResidentRepo;
    /** After each page that wrote residents: lookups made meanwhile may find more now. */
    onChange?: () => void;
  },
  options: ResidentsSyncOptions = {},
): ResidentsSync {
  const pageSize = options.pageSize ?? 2000;
  const minIntervalMs = options.minIntervalMs ?? 15_000;
  const backoffMs = options.backoffMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line) => console.warn(`[residents] ${line}`));
  const setTimer =
    options.setTimer ??
    ((run, ms) => {
      const timer = setTimeout(run, ms);
      timer.unref();
      return () => clearTimeout(timer);
    });

  let running: Promise<number> | null = null;
  let abort = new AbortController();
  let stopped = false;
  let failures = 0;
  /** Not before this instant (ms): the interval after a success, the backoff after a failure. */
  let notBefore = 0;
  let lastSyncAt: string | null = null;
  /** Cancels the refresh due when the interval or backoff ends, if one is. */
  let cancelDue: (() => void) | null = null;

  function refreshWhenDue(): void {
    if (running || stopped) return;
    const wait = notBefore - now();
    if (wait > 0) {
      // A change announced now (a resident added centrally, the server back) is fetched when the wait ends, not at
      // whichever cycle comes after it (the interval pull, up to 30 s later).
      cancelDue ??= setTimer(() => {
        cancelDue = null;
        refreshWhenDue();
      }, wait);
      return;
    }
    cancelDue?.();
    cancelDue = null;
    refresh().catch(() => {}); // logged in refresh; the next cycle after the backoff tries again
  }

  async function download(signal: AbortSignal): Promise<number> {
    let written = 0;
    for (;;) {
      const page = await deps.central.residentDirectory(deps.residents.cursor(), pageSize, signal);
      if (signal.aborted) return written;
      deps.residents.applyPage(page.items, page.cursor);
      written += page.items.length;
      if (page.items.length > 0) deps.onChange?.();
      if (!page.more) return written;
    }
  }

  function refresh(): Promise<number> {
    if (running) return running;
    if (stopped) return Promise.resolve(0);
    const signal = abort.signal;
    running = download(signal)
      .then(
        (written) => {
          failures = 0;
          notBefore = now() + minIntervalMs;
          return written;
        },
        (err: unknown) => {
          failures++;
          notBefore = now() + Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1));
          // Offline is the normal state of a desk without network, and a refused session (401) is the sync
          // engine's to handle (it signs the desk out); anything else is worth one line in the log.
          if (!signal.aborted && !stopped && !(err instanceof CentralError && err.kind !== 'rejected')) {
            log(`directory refresh failed: ${errorLine(err)}`);
          }
          throw err;
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    refresh,
    onSyncStatus(status) {
      if (status.state !== 'online' || status.lastSyncAt === lastSyncAt) return;
      lastSyncAt = status.lastSyncAt;
      refreshWhenDue();
    },
    stop() {
      stopped = true;
      cancelDue?.();
      cancelDue = null;
      abort.abort();
      abort = new AbortController();
    },
    start() {
      stopped = false;
    },
  };
}
