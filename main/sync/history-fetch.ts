/**
 * Fetching a ticket's history on open (issue 13): a first pull's snapshot leaves out the events of tickets nobody
 * works on (server/sync/snapshot); opening one asks the server for its events, stores them (then they work offline)
 * and announces the ticket changed. Offline, or refused, the ticket stays marked and the detail says its history is
 * not downloaded; the next open tries again. One request per ticket at a time.
 */
import type { TicketHistoryRepo } from '../cache';
import { CentralError, type CentralClient } from '../central';

export interface HistoryFetch {
  /** Starts fetching the ticket's history unless it is in the cache or on its way; never throws. */
  request(ticketId: string): void;
  /** Settles when every fetch started so far has ended (tests, shutdown). */
  idle(): Promise<void>;
}

export function createHistoryFetch(deps: {
  central: CentralClient;
  history: TicketHistoryRepo;
  /** After a ticket's history is stored. */
  onFetched(ticketId: string): void;
  log?: (message: string) => void;
}): HistoryFetch {
  const inFlight = new Map<string, Promise<void>>();
  const log = deps.log ?? ((message) => console.warn(`[history] ${message}`));

  async function fetchOne(ticketId: string): Promise<void> {
    try {
      const { events } = await deps.central.ticketEvents(ticketId);
      deps.history.storeFetched(ticketId, events);
      deps.onFetched(ticketId);
    } catch (err) {
      // Offline: the detail keeps saying "not downloaded". A 404 (deleted meanwhile) or 403: the pull will tell.
      if (!(err instanceof CentralError && err.kind === 'offline')) {
        log(`history of ${ticketId} not fetched: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      inFlight.delete(ticketId);
    }
  }

  return {
    request(ticketId) {
      if (inFlight.has(ticketId) || !deps.history.isMissing(ticketId)) return;
      inFlight.set(ticketId, fetchOne(ticketId));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight.values());
    },
  };
}
