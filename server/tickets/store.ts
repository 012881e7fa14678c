/** Reading and writing ticket rows and their events. */
import type { Ticket, TicketEvent } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { EVENT_COLUMNS, TICKET_COLUMNS, eventFromRow, ticketFromRow, ticketToParams, type Row } from '../db/rows';

export async function loadTicket(
  q: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Ticket | undefined> {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? ticketFromRow(rows[0]) : undefined;
}

const TICKET_PLACEHOLDERS = Array.from({ length: 21 }, (_, i) => `$${i + 1}`).join(', ');
const TICKET_UPDATES = TICKET_COLUMNS.split(',')
  .map((c) => c.trim())
  .filter((c) => c !== 'id' && c !== 'created_at' && c !== 'created_by')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * A new ticket is a plain INSERT: if another transaction created the same id meanwhile, the unique violation
 * aborts this one (the client retries and gets `exists`) instead of silently overwriting that ticket.
 */
export async function saveTicket(q: Queryable, t: Ticket, isNew: boolean): Promise<void> {
  await q.query(
    isNew
      ? `INSERT INTO tickets (${TICKET_COLUMNS}) VALUES (${TICKET_PLACEHOLDERS})`
      : `INSERT INTO tickets (${TICKET_COLUMNS}) VALUES (${TICKET_PLACEHOLDERS})
         ON CONFLICT (id) DO UPDATE SET ${TICKET_UPDATES}`,
    ticketToParams(t),
  );
}

/** Insert-only by client uuid: a replayed event inserts nothing. Returns the ids actually inserted. */
export async function insertEvents(q: Queryable, events: readonly TicketEvent[]): Promise<string[]> {
  const inserted: string[] = [];
  for (const e of events) {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO ticket_events (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [e.id, e.ticketId, e.kind, e.body, JSON.stringify(e.data), e.authorId, e.createdAt],
    );
    if (rows[0]) inserted.push(String(rows[0].id));
  }
  return inserted;
}

export async function loadEvents(q: Queryable, ticketId: string): Promise<TicketEvent[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = $1 ORDER BY created_at, id`,
    [ticketId],
  );
  return rows.map(eventFromRow);
}
