/** Reading and writing ticket rows and their events. */
import type { Ticket, TicketEvent } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { EVENT_COLUMNS, TICKET_COLUMNS, eventFromRow, ticketFromRow, ticketToParams, type Row } from '../db/rows';

/** A live ticket; a deleted one (tombstone) reads as absent. */
export async function loadTicket(
  q: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<Ticket | undefined> {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = $1 AND deleted_at IS NULL${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? ticketFromRow(rows[0]) : undefined;
}

/** A ticket as a write sees it: live (`current`), tombstoned, or neither (new). */
export interface TicketForWrite {
  current: Ticket | undefined;
  tombstone: { reason: string } | undefined;
}

/** For a write: the locked row, live or tombstoned (a tombstone beats every later mutation of the ticket). */
export async function loadTicketForWrite(q: Queryable, id: string): Promise<TicketForWrite> {
  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS}, deleted_at, delete_reason FROM tickets WHERE id = $1 FOR UPDATE`,
    [id],
  );
  const row = rows[0];
  if (!row) return { current: undefined, tombstone: undefined };
  if (row.deleted_at != null) return { current: undefined, tombstone: { reason: String(row.delete_reason ?? '') } };
  return { current: ticketFromRow(row), tombstone: undefined };
}

/** Writes the tombstone: the row stays hidden until compaction purges it after the retention window. */
export async function markTicketDeleted(q: Queryable, id: string, by: string, reason: string, at: Date): Promise<void> {
  await q.query('UPDATE tickets SET deleted_at = $2, deleted_by = $3, delete_reason = $4 WHERE id = $1', [
    id,
    at.toISOString(),
    by,
    reason,
  ]);
}

const TICKET_PLACEHOLDERS = TICKET_COLUMNS.split(',')
  .map((_, i) => `$${i + 1}`)
  .join(', ');
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

/**
 * Insert-only by client uuid: a replayed event inserts nothing. Returns the ids actually inserted, in the order
 * of `events`. One statement for all of them.
 */
export async function insertEvents(q: Queryable, events: readonly TicketEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const { rows } = await q.query<{ id: unknown }>(
    `INSERT INTO ticket_events (${EVENT_COLUMNS})
     SELECT id, ticket_id, kind, body, data::jsonb, author_id, created_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[])
         WITH ORDINALITY AS t(id, ticket_id, kind, body, data, author_id, created_at, n)
      ORDER BY n
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.ticketId),
      events.map((e) => e.kind),
      events.map((e) => e.body),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => e.authorId),
      events.map((e) => e.createdAt),
    ],
  );
  const inserted = new Set(rows.map((r) => String(r.id)));
  return events.filter((e) => inserted.delete(e.id)).map((e) => e.id);
}

export async function loadEvents(q: Queryable, ticketId: string): Promise<TicketEvent[]> {
  const { rows } = await q.query<Row>(
    `SELECT ${EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = $1 ORDER BY created_at, id`,
    [ticketId],
  );
  return rows.map(eventFromRow);
}
