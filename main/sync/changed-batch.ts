/**
 * `tickets.changed` during an initial sync, coalesced. Every announcement makes the console refetch its list page,
 * its view counts and any open detail; during a bulk load the cache has no indexes yet, so each of those is a scan
 * of the growing tickets table on the desk's event loop. Announced for every pull page (one per few hundred ms), those
 * refetches took the time the agent's own key presses needed. Coalesced, the list still fills in while the sync
 * runs, a few times a minute fewer. What is held is announced when the interval is over even if no page follows (a
 * slow or stalled pull must not leave the list behind what the cache holds).
 */
import type { Emit } from '../events';

/** During an initial sync, at most one `tickets.changed` per this long (ms). */
export const INITIAL_CHANGED_EVERY_MS = 2_000;

export interface ChangedBatch {
  /** Tickets a page changed: announced now if the last announcement is old enough (or `now` is set), else later. */
  add(ids: readonly string[], now?: boolean): void;
  /** Announces what is still held (the pull ended, or failed): nothing is ever left unannounced. */
  flush(): void;
}

/** Schedules `run` after `ms`; returns how to cancel it. */
export type Timer = (run: () => void, ms: number) => () => void;

const realTimer: Timer = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

export function createChangedBatch(
  emit: Emit,
  everyMs = INITIAL_CHANGED_EVERY_MS,
  clock = () => performance.now(),
  timer: Timer = realTimer,
): ChangedBatch {
  const held = new Set<string>();
  let waiting = false;
  let lastAt = -Infinity;
  let cancelDue: (() => void) | null = null;

  function flush(): void {
    cancelDue?.();
    cancelDue = null;
    if (!waiting) return;
    emit('tickets.changed', { ids: [...held] });
    held.clear();
    waiting = false;
    lastAt = clock();
  }

  return {
    add(ids, now = false) {
      for (const id of ids) held.add(id);
      waiting = true;
      const wait = everyMs - (clock() - lastAt);
      if (now || wait <= 0) flush();
      else cancelDue ??= timer(flush, wait);
    },
    flush,
  };
}
