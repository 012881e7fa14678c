/** Sync schema 3's ticket rows: a row spreads back into the ticket it came from, anything else is left to fail. */
import { describe, expect, it } from 'vitest';
import { NO_SLA, Ticket } from '../../common/domain';
import { TICKET_ROW_FIELDS, ticketFromWire } from '../../common/sync';

const ticket: Ticket = Ticket.parse({
  id: '0b6c8f4e-2f57-4b43-9d55-5d1e8d0f6a11',
  code: 'BX-20261127-0001',
  type: 'repair',
  category: 'plumbing',
  channel: 'phone',
  priority: 2,
  status: 'new',
  title: '厨房漏水严重',
  description: '',
  unitId: null,
  unitCode: '3-1-502',
  residentId: null,
  residentName: '王芳',
  phone: '13800138000',
  teamId: 'plumbing',
  assigneeId: null,
  createdBy: null,
  createdAt: '2026-11-27T01:00:00.000Z',
  updatedAt: '2026-11-27T01:00:00.000Z',
  closedAt: null,
  version: 1,
  tags: ['漏水'],
  ...NO_SLA,
});

describe('ticketFromWire', () => {
  it('spreads a row over TICKET_ROW_FIELDS back into the ticket', () => {
    const row = TICKET_ROW_FIELDS.map((f) => ticket[f]);
    expect(Ticket.parse(ticketFromWire(row))).toEqual(ticket);
  });

  it('leaves an object (an older server) as it is', () => {
    expect(ticketFromWire(ticket)).toBe(ticket);
  });

  it('leaves a row of the wrong length as it is, so validation refuses it', () => {
    const short = TICKET_ROW_FIELDS.slice(1).map((f) => ticket[f]);
    expect(ticketFromWire(short)).toBe(short);
    expect(Ticket.safeParse(ticketFromWire(short)).success).toBe(false);
  });

  it('a row with values out of place fails validation instead of landing in the wrong fields', () => {
    const row: unknown[] = TICKET_ROW_FIELDS.map((f) => ticket[f]);
    [row[2], row[3]] = [row[3], row[2]]; // type and category swapped
    expect(Ticket.safeParse(ticketFromWire(row)).success).toBe(false);
  });
});
