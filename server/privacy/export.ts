/**
 * A resident's data export (PIPL right of access and portability): everything the server holds about them — their
 * record, phones and units, their tickets with the work log, their calls — as one JSON document.
 */
import type { ResidentExport } from '../../common/privacy';
import type { Queryable } from '../db/driver';
import {
  CALL_COLUMNS,
  EVENT_COLUMNS,
  TICKET_COLUMNS,
  callFromRow,
  eventFromRow,
  ticketFromRow,
  toIsoOrNull,
  type Row,
} from '../db/rows';
import { RESIDENT_CALLS, RESIDENT_TICKETS, identityOf, loadPrivacyResident } from './resident';

/** The export, or undefined when no such resident exists. */
export async function exportResident(q: Queryable, id: string, now: Date): Promise<ResidentExport | undefined> {
  const resident = await loadPrivacyResident(q, id);
  if (!resident) return undefined;
  const { numbers } = await identityOf(q, resident);
  const { rows: units } = await q.query<Row>(
    `SELECT u.id, u.code, u.project_id, pr.name AS project_name, ru.relation
       FROM resident_units ru JOIN units u ON u.id = ru.unit_id JOIN projects pr ON pr.id = u.project_id
      WHERE ru.resident_id = $1 ORDER BY u.code, u.id`,
    [id],
  );
  const { rows: tickets } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS}, deleted_at FROM tickets t WHERE ${RESIDENT_TICKETS} ORDER BY created_at, id`,
    [id, numbers],
  );
  const ticketIds = tickets.map((t) => String(t.id));
  const { rows: events } = await q.query<Row>(
    `SELECT ${EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ANY($1::uuid[]) ORDER BY created_at, id`,
    [ticketIds],
  );
  const { rows: calls } = await q.query<Row>(
    `SELECT ${CALL_COLUMNS} FROM calls c WHERE ${RESIDENT_CALLS} ORDER BY started_at, id`,
    [id, numbers],
  );
  const eventsOf = new Map<string, ReturnType<typeof eventFromRow>[]>(ticketIds.map((t) => [t, []]));
  for (const e of events) eventsOf.get(String(e.ticket_id))?.push(eventFromRow(e));
  return {
    exportedAt: now.toISOString(),
    resident: {
      id: resident.id,
      name: resident.name,
      tags: resident.tags,
      createdAt: resident.createdAt,
      erasedAt: resident.erasedAt,
    },
    phones: resident.phones,
    units: units.map((u) => ({
      id: String(u.id),
      code: String(u.code),
      projectId: String(u.project_id),
      projectName: String(u.project_name),
      relation: String(u.relation),
    })),
    tickets: tickets.map((t) => ({
      ticket: ticketFromRow(t),
      deletedAt: toIsoOrNull(t.deleted_at),
      events: eventsOf.get(String(t.id)) ?? [],
    })),
    calls: calls.map(callFromRow),
  };
}
