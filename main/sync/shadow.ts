/**
 * The server's copy of each ticket the outbox has changed optimistically. Rebase puts these back, lays the
 * pulled changes on top, then re-applies what is still pending — so an optimistic change is never applied
 * twice and a rejected one simply disappears.
 */
import type { Ticket } from '../../common/domain';
import type { CacheDb, TicketRepo } from '../cache';

export interface TicketShadow {
  /** Keeps the server state of a ticket before its first pending change (later calls keep the first). */
  remember(id: string, serverState: Ticket | undefined): void;
  /**
   * A server write for a ticket with pending changes lands in its shadow instead of over the optimistic copy
   * (a page applied in several transactions keeps the agent's change visible until the last one rebases).
   * Returns false, writing nothing, when the ticket has no shadow.
   */
  replaceIfShadowed(id: string, serverState: Ticket | undefined): boolean;
  /** Restores every remembered ticket, drops optimistic events, forgets all; returns the ticket ids. */
  restore(): string[];
  /** No ticket has a shadow (no pending change): a chunk of server writes can skip the per-ticket lookups. */
  isEmpty(): boolean;
}

export function createTicketShadow(db: CacheDb, tickets: TicketRepo): TicketShadow {
  const insert = db.prepare<[string, string | null]>('INSERT OR IGNORE INTO ticket_shadow (id, data) VALUES (?, ?)');
  const selectAll = db.prepare<[], { id: string; data: string | null }>('SELECT id, data FROM ticket_shadow');
  const clear = db.prepare('DELETE FROM ticket_shadow');
  const has = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM ticket_shadow WHERE id = ?');
  const update = db.prepare<[string | null, string]>('UPDATE ticket_shadow SET data = ? WHERE id = ?');
  const any = db.prepare<[], { one: number }>('SELECT 1 AS one FROM ticket_shadow LIMIT 1');

  return {
    remember(id, serverState) {
      insert.run(id, serverState ? JSON.stringify(serverState) : null);
    },
    replaceIfShadowed(id, serverState) {
      // Looked up before serialising: nearly every pulled ticket has no shadow (an initial sync: none at all).
      if (!has.get(id)) return false;
      return update.run(serverState ? JSON.stringify(serverState) : null, id).changes > 0;
    },
    restore() {
      const rows = selectAll.all();
      for (const { id, data } of rows) {
        if (data === null) tickets.delete(id);
        else tickets.put(JSON.parse(data) as Ticket);
      }
      tickets.deletePendingEvents();
      clear.run();
      return rows.map((r) => r.id);
    },
    isEmpty: () => any.get() === undefined,
  };
}
