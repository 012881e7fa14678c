/**
 * Tickets and their events in the cache: view pages, view counts, detail, search, and writes from sync. The parts:
 * ./rows (the stored shape, from common/ticket-fields), ./views (filters, orders, statements), ./counts,
 * ./search-plan.
 */
import type { SearchResult, ViewId } from '../../../common/contract';
import type { Ticket, TicketEvent } from '../../../common/domain';
import type { PhoneHasher } from '../../../common/residents/phone-hash';
import type { CacheDb } from '../db';
import { createViewCounts, type ViewCount } from './counts';
import { TICKET_COLUMNS, TICKET_UPSERT, ticketValues, toEvent, toTicket, type EventRow, type TicketRow } from './rows';
import { createSearch } from './search-plan';
import { createViewStatements } from './views';
import { createViewTotals } from './totals';

export { VIEW_FILTERS, VIEW_ORDER, VIEW_ORDERS, VIEW_ORDERS_FROM_END } from './views';

export interface TicketPage {
  total: number;
  items: Ticket[];
}

export interface TicketRepo {
  get(id: string): Ticket | undefined;
  /** The ticket's timeline, oldest first. */
  events(ticketId: string): TicketEvent[];
  /** `now` places the time-dependent views (overdue, at risk, recently closed); default: the system clock. */
  list(view: ViewId, me: string | null, offset: number, limit: number, now?: Date): TicketPage;
  counts(me: string | null, now?: Date): ViewCount[];
  /** The same counts from one scan of the table: faster only while a bulk load has dropped the indexes. */
  countsInOneScan(me: string | null, now?: Date): ViewCount[];
  /** Where the ticket sits in the view (its row index), or null when the view does not hold it. */
  position(view: ViewId, me: string | null, id: string, now?: Date): number | null;
  /**
   * The ticket's row in the view and the page of `pageSize` rows that holds it (as `list` at `offset` gives it),
   * read by walking the view's index from the ticket both ways; null when the view does not hold it.
   */
  place(
    view: ViewId,
    me: string | null,
    id: string,
    pageSize: number,
    now?: Date,
  ): { index: number; offset: number; page: TicketPage } | null;
  put(ticket: Ticket): void;
  /** Deletes the ticket and its events. */
  delete(id: string): void;
  putEvent(event: TicketEvent, pending?: boolean): void;
  deleteEvent(id: string): void;
  /** Drops every optimistic-only event (the rebase re-creates those still pending). */
  deletePendingEvents(): void;
  /**
   * Local search (./search-plan): FTS5 trigram hits by bm25, exact code first; 1–2 character queries through the
   * bigram index (../short-search) or by LIKE, open before closed, newest first.
   */
  searchTickets(query: string, page: { limit: number; offset: number }): SearchResult;
  /** A caller's open tickets (theirs, or their units'), most urgent first: the screen pop's list. */
  openForCaller(residentId: string | null, unitIds: readonly string[], limit: number): Ticket[];
}

/** `hash` hashes a whole number this desk was given before it is masked (./rows ticketValues). */
export function createTicketRepo(db: CacheDb, hash: PhoneHasher): TicketRepo {
  const selectOne = db.prepare<[string], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ?`);
  const selectEvents = db.prepare<[string], EventRow>(
    'SELECT id, ticket_id, kind, body, data, author_id, created_at FROM ticket_events ' +
      'WHERE ticket_id = ? ORDER BY created_ms, rowid',
  );
  const views = createViewStatements(db);
  const counts = createViewCounts(db, views);
  const totals = createViewTotals(db, views);
  const upsert = db.prepare<unknown[]>(TICKET_UPSERT);
  const removeTicket = db.prepare<[string]>('DELETE FROM tickets WHERE id = ?');
  const removeTicketEvents = db.prepare<[string]>('DELETE FROM ticket_events WHERE ticket_id = ?');
  const upsertEvent = db.prepare(
    `INSERT INTO ticket_events (id, ticket_id, kind, body, data, author_id, created_at, created_ms, pending)
     VALUES (@id, @ticketId, @kind, @body, @data, @authorId, @createdAt, @createdMs, @pending)
     ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id, kind = excluded.kind, body = excluded.body,
       data = excluded.data, author_id = excluded.author_id, created_at = excluded.created_at,
       created_ms = excluded.created_ms, pending = excluded.pending`,
  );
  const removeEvent = db.prepare<[string]>('DELETE FROM ticket_events WHERE id = ?');
  const removePendingEvents = db.prepare('DELETE FROM ticket_events WHERE pending = 1');
  const search = createSearch(db, hash);

  return {
    get(id) {
      const row = selectOne.get(id);
      return row ? toTicket(row) : undefined;
    },
    openForCaller(residentId, unitIds, limit) {
      if (residentId === null && unitIds.length === 0) return [];
      const units = unitIds.slice(0, 50);
      const rows = db
        .prepare<unknown[], TicketRow>(
          `SELECT ${TICKET_COLUMNS} FROM tickets WHERE is_open = 1 AND (resident_id = ?
             ${units.length ? `OR unit_id IN (${units.map(() => '?').join(', ')})` : ''})
           ORDER BY sla_due_ms IS NULL, sla_due_ms, id LIMIT ?`,
        )
        .all(residentId, ...units, limit);
      return rows.map(toTicket);
    },
    events(ticketId) {
      return selectEvents.all(ticketId).map(toEvent);
    },
    list(view, me, offset, limit, now = new Date()) {
      const v = views[view];
      const at = { me: me ?? '', now: now.getTime() };
      const total = totals(view, at);
      const end = Math.min(total, offset + limit);
      // A page in the back half is read from the view's end (End on a 100k list skips no rows, not 99,900).
      const rows =
        offset > total - end
          ? v.pageFromEnd.all({ ...at, limit: Math.max(0, end - offset), offset: total - end }).reverse()
          : v.page.all({ ...at, limit, offset });
      return { total, items: rows.map(toTicket) };
    },
    place(view, me, id, pageSize, now = new Date()) {
      const v = views[view];
      const at = { me: me ?? '', now: now.getTime() };
      const index = v.position.get({ ...at, id })?.n;
      if (index === undefined) return null;
      const offset = Math.floor(index / pageSize) * pageSize;
      const above = index - offset;
      const before = above > 0 ? v.before.all({ ...at, id, limit: above }).reverse() : [];
      const from = v.fromTicket.all({ ...at, id, limit: pageSize - above });
      return { index, offset, page: { total: totals(view, at), items: [...before, ...from].map(toTicket) } };
    },
    counts(me, now = new Date()) {
      return counts.counts(me, now);
    },
    countsInOneScan(me, now = new Date()) {
      return counts.countsInOneScan(me, now);
    },
    position(view, me, id, now = new Date()) {
      return views[view].position.get({ me: me ?? '', now: now.getTime(), id })?.n ?? null;
    },
    put(t) {
      upsert.run(...ticketValues(t, hash));
    },
    delete(id) {
      removeTicketEvents.run(id);
      removeTicket.run(id);
    },
    putEvent(e, pending = false) {
      upsertEvent.run({
        ...e,
        data: JSON.stringify(e.data),
        createdMs: Date.parse(e.createdAt),
        pending: pending ? 1 : 0,
      });
    },
    deleteEvent(id) {
      removeEvent.run(id);
    },
    deletePendingEvents() {
      removePendingEvents.run();
    },
    searchTickets(query, page) {
      return search(query, page);
    },
  };
}
