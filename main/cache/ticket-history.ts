/**
 * Which tickets' histories the cache lacks (migration 013, issue 13): a first pull's snapshot leaves out the events
 * of tickets nobody works on; such a ticket stays listed until its events are fetched (main/sync/history-fetch).
 * Events pulled later from the change log do not clear the mark: the ones before them are still missing.
 */
import type { TicketEvent } from '../../common/domain';
import type { CacheDb } from './db';
import type { TicketRepo } from './tickets';

export interface TicketHistoryRepo {
  /** Marks these tickets as arrived without their events (inside the caller's transaction). */
  markMissing(ticketIds: Iterable<string>): void;
  /** Whether the ticket's events before the snapshot are not in the cache. */
  isMissing(ticketId: string): boolean;
  /** Stores a ticket's fetched history and clears its mark, in one transaction. */
  storeFetched(ticketId: string, events: readonly TicketEvent[]): void;
}

export function createTicketHistoryRepo(db: CacheDb, tickets: TicketRepo): TicketHistoryRepo {
  const mark = db.prepare<[string]>('INSERT OR IGNORE INTO ticket_history_missing (ticket_id) VALUES (?)');
  const missing = db.prepare<[string], { one: number }>(
    'SELECT 1 AS one FROM ticket_history_missing WHERE ticket_id = ?',
  );
  const clear = db.prepare<[string]>('DELETE FROM ticket_history_missing WHERE ticket_id = ?');
  const store = db.transaction((ticketId: string, events: readonly TicketEvent[]) => {
    for (const e of events) tickets.putEvent(e);
    clear.run(ticketId);
  });
  return {
    markMissing(ticketIds) {
      for (const id of ticketIds) mark.run(id);
    },
    isMissing: (ticketId) => missing.get(ticketId) !== undefined,
    storeFetched: (ticketId, events) => store(ticketId, events),
  };
}
