/** Tickets and their events in the cache: view pages, view counts, detail, and writes from sync. */
import type { Statement } from 'better-sqlite3';
import { VIEW_IDS, type ViewId } from '../../common/contract';
import type { Ticket, TicketEvent } from '../../common/domain';
import { isOpen } from '../../common/workflows';
import type { CacheDb } from './db';

interface TicketRow {
  id: string;
  code: string | null;
  type: Ticket['type'];
  category: Ticket['category'];
  channel: Ticket['channel'];
  priority: number;
  status: Ticket['status'];
  title: string;
  description: string;
  unit_id: string | null;
  unit_code: string | null;
  resident_id: string | null;
  resident_name: string | null;
  phone: string | null;
  team_id: string | null;
  assignee_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  version: number;
  tags: string;
}

interface EventRow {
  id: string;
  ticket_id: string;
  kind: TicketEvent['kind'];
  body: string;
  data: string;
  author_id: string | null;
  created_at: string;
}

const TICKET_COLUMNS =
  'id, code, type, category, channel, priority, status, title, description, unit_id, unit_code, resident_id, ' +
  'resident_name, phone, team_id, assignee_id, created_by, created_at, updated_at, closed_at, version, tags';

function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    code: r.code,
    type: r.type,
    category: r.category,
    channel: r.channel,
    priority: r.priority,
    status: r.status,
    title: r.title,
    description: r.description,
    unitId: r.unit_id,
    unitCode: r.unit_code,
    residentId: r.resident_id,
    residentName: r.resident_name,
    phone: r.phone,
    teamId: r.team_id,
    assigneeId: r.assignee_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    version: r.version,
    tags: JSON.parse(r.tags) as string[],
  };
}

function toEvent(r: EventRow): TicketEvent {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    body: r.body,
    data: JSON.parse(r.data) as Record<string, unknown>,
    authorId: r.author_id,
    createdAt: r.created_at,
  };
}

/** Each view as a WHERE clause that one of the tickets_by_* indexes answers in order. `@me` is the user id. */
export const VIEW_FILTERS: Record<ViewId, string> = {
  inbox: 'is_open = 1',
  mine: 'assignee_id = @me AND is_open = 1',
  unassigned: 'assignee_id IS NULL AND is_open = 1',
  closed: 'is_open = 0',
  all: '1 = 1',
};
// Newest activity first; id breaks ties so pages never overlap or skip.
export const VIEW_ORDER = 'ORDER BY updated_ms DESC, id DESC';

interface ViewStatements {
  page: Statement<{ me: string; limit: number; offset: number }, TicketRow>;
  count: Statement<{ me: string }, { n: number }>;
}

export interface TicketPage {
  total: number;
  items: Ticket[];
}

export interface TicketRepo {
  get(id: string): Ticket | undefined;
  /** The ticket's timeline, oldest first. */
  events(ticketId: string): TicketEvent[];
  list(view: ViewId, me: string | null, offset: number, limit: number): TicketPage;
  counts(me: string | null): { id: ViewId; count: number }[];
  put(ticket: Ticket): void;
  /** Deletes the ticket and its events. */
  delete(id: string): void;
  putEvent(event: TicketEvent, pending?: boolean): void;
  deleteEvent(id: string): void;
  /** Drops every optimistic-only event (the rebase re-creates those still pending). */
  deletePendingEvents(): void;
}

export function createTicketRepo(db: CacheDb): TicketRepo {
  const selectOne = db.prepare<[string], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ?`);
  const selectEvents = db.prepare<[string], EventRow>(
    'SELECT id, ticket_id, kind, body, data, author_id, created_at FROM ticket_events ' +
      'WHERE ticket_id = ? ORDER BY created_ms, rowid',
  );
  const views = {} as Record<ViewId, ViewStatements>;
  for (const view of VIEW_IDS) {
    const where = VIEW_FILTERS[view];
    views[view] = {
      page: db.prepare(
        `SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${where} ${VIEW_ORDER} LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE ${where}`),
    };
  }

  const upsert = db.prepare(
    `INSERT INTO tickets (${TICKET_COLUMNS}, is_open, updated_ms) VALUES (@id, @code, @type, @category, @channel,
       @priority, @status, @title, @description, @unitId, @unitCode, @residentId, @residentName, @phone, @teamId,
       @assigneeId, @createdBy, @createdAt, @updatedAt, @closedAt, @version, @tags, @isOpen, @updatedMs)
     ON CONFLICT (id) DO UPDATE SET code = excluded.code, type = excluded.type, category = excluded.category,
       channel = excluded.channel, priority = excluded.priority, status = excluded.status, title = excluded.title,
       description = excluded.description, unit_id = excluded.unit_id, unit_code = excluded.unit_code,
       resident_id = excluded.resident_id, resident_name = excluded.resident_name, phone = excluded.phone,
       team_id = excluded.team_id, assignee_id = excluded.assignee_id, created_by = excluded.created_by,
       created_at = excluded.created_at, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
       version = excluded.version, tags = excluded.tags, is_open = excluded.is_open, updated_ms = excluded.updated_ms`,
  );
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

  return {
    get(id) {
      const row = selectOne.get(id);
      return row ? toTicket(row) : undefined;
    },
    events(ticketId) {
      return selectEvents.all(ticketId).map(toEvent);
    },
    list(view, me, offset, limit) {
      const v = views[view];
      const total = v.count.get({ me: me ?? '' })?.n ?? 0;
      const items = v.page.all({ me: me ?? '', limit, offset }).map(toTicket);
      return { total, items };
    },
    counts(me) {
      return VIEW_IDS.map((id) => ({ id, count: views[id].count.get({ me: me ?? '' })?.n ?? 0 }));
    },
    put(t) {
      upsert.run({
        ...t,
        // Shadows written before sync schema 2 have no tags.
        tags: JSON.stringify(t.tags ?? []),
        isOpen: isOpen(t.status) ? 1 : 0,
        updatedMs: Date.parse(t.updatedAt),
      });
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
  };
}
