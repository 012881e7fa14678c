/**
 * The view counts while the cache is bulk-loading (main/cache/bulk-load): without the tickets table's indexes the
 * counts read the whole table — once for all views (main/cache/tickets/counts `countsInOneScan`: ~130 ms at 100k
 * tickets; one scan per view took 260–530 ms, 2.4 s on a loaded machine), on the desk's event loop.
 * The console asks after every announced change; answering each time left the desk busy counting most of the
 * initial sync, and the agent's key presses waited behind it. So while loading, counts are taken at most every
 * BULK_COUNTS_EVERY_MS (the progress bar says the sync is running) and again after the agent's own change; out of
 * bulk-load mode they are always taken fresh.
 */
import type { MethodOutput } from '../../common/contract';

export const BULK_COUNTS_EVERY_MS = 10_000;

type Counts = MethodOutput<'tickets.views'>;

export interface ViewCounts {
  get(actorId: string | null): Counts;
  /** The agent changed a ticket: the next counts are taken fresh. */
  forget(): void;
}

export function createViewCounts(
  count: (actorId: string | null) => Counts,
  /** Whether counting reads the whole table right now (a bulk load is on). */
  costly: () => boolean,
  clock = () => performance.now(),
): ViewCounts {
  let last: { at: number; actorId: string | null; counts: Counts } | null = null;
  return {
    get(actorId) {
      if (!costly()) {
        last = null;
        return count(actorId);
      }
      if (last && last.actorId === actorId && clock() - last.at < BULK_COUNTS_EVERY_MS) return last.counts;
      const counts = count(actorId);
      last = { at: clock(), actorId, counts };
      return counts;
    },
    forget() {
      last = null;
    },
  };
}
