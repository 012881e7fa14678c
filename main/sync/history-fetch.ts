/**
 * Fetching a ticket's history on open (issue 13): a first pull's snapshot leaves out the events of tickets nobody
 * works on (server/sync/snapshot); opening one asks the server for its events, stores them (then they work offline)
 * and announces the ticket changed. Offline, or refused, the ticket stays marked and the detail says its history is
 * not downloaded. Offline, the next open tries again; a refusal (403, 404, a server error) is not asked again for
 * REFUSED_RETRY_MS, since the detail is read again on every change and each read would repeat the request. A
 * refusal is announced (onRefused) and reported (refusal) for that time, so the detail can say the history cannot
 * be fetched instead of that it is loading. One request per ticket at a time.
 */
import type { HistoryRefusal } from '../../common/contract';
import type { TicketHistoryRepo } from '../cache';
import { CentralError, type CentralClient } from '../central';

/** How long a ticket whose history the server refused is not asked for again. */
export const REFUSED_RETRY_MS = 5 * 60_000;

export interface HistoryFetch {
  /** Starts fetching the ticket's history unless it is in the cache or on its way; never throws. */
  request(ticketId: string): void;
  /** Why the server refused the ticket's history, while that refusal keeps it from being asked again; else null. */
  refusal(ticketId: string): HistoryRefusal | null;
  /** Settles when every fetch started so far has ended (tests, shutdown). */
  idle(): Promise<void>;
}

export function createHistoryFetch(deps: {
  central: CentralClient;
  history: TicketHistoryRepo;
  /** After a ticket's history is stored. */
  onFetched(ticketId: string): void;
  /** After the server refused a ticket's history (the detail now reads as refused). */
  onRefused?(ticketId: string): void;
  log?: (message: string) => void;
  now?: () => number;
}): HistoryFetch {
  const inFlight = new Map<string, Promise<void>>();
  /** Ticket id → when and why the server refused its history. */
  const refused = new Map<string, { at: number; reason: HistoryRefusal }>();
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((message) => console.warn(`[history] ${message}`));

  function refusal(ticketId: string): HistoryRefusal | null {
    const entry = refused.get(ticketId);
    return entry && now() - entry.at < REFUSED_RETRY_MS ? entry.reason : null;
  }

  async function fetchOne(ticketId: string): Promise<void> {
    try {
      const { events } = await deps.central.ticketEvents(ticketId);
      deps.history.storeFetched(ticketId, events);
      deps.onFetched(ticketId);
    } catch (err) {
      // Offline: the detail keeps saying "not downloaded". A 404 (deleted meanwhile) or 403: the pull will tell.
      if (!(err instanceof CentralError && err.kind === 'offline')) {
        refused.set(ticketId, { at: now(), reason: refusalOf(err) });
        log(`history of ${ticketId} not fetched: ${err instanceof Error ? err.message : String(err)}`);
        deps.onRefused?.(ticketId);
      }
    } finally {
      inFlight.delete(ticketId);
    }
  }

  return {
    request(ticketId) {
      if (inFlight.has(ticketId) || !deps.history.isMissing(ticketId)) return;
      if (refusal(ticketId)) return;
      refused.delete(ticketId);
      inFlight.set(ticketId, fetchOne(ticketId));
    },
    refusal,
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight.values());
    },
  };
}

function refusalOf(err: unknown): HistoryRefusal {
  if (!(err instanceof CentralError)) return 'failed';
  if (err.status === 403) return 'forbidden';
  if (err.status === 404) return 'not_found';
  return err.kind === 'server_error' ? 'server_error' : 'failed';
}
