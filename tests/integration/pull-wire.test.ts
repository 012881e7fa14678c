/**
 * The pull sends ticket rows as JSON built by the database (TICKET_WIRE_JSON_SQL) instead of mapping them in
 * JavaScript. They must stay equal in meaning to ticketFromRow, the mapper every other read uses: a column added to
 * one and not the other, or a timestamp formatted differently, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../common/domain';
import { type PullResponse } from '../../common/sync';
import type { Db } from '../../server/db/driver';
import { TICKET_COLUMNS, TICKET_WIRE_JSON_SQL, ticketFromRow, type Row } from '../../server/db/rows';
import { seedDemo } from '../../server/seed/load';
import { RawJson, serializePullResponse } from '../../server/sync/pull';
import { BACKENDS } from './support/backends';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`pull wire format on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedDemo(db, { size: 'small', now: new Date('2026-11-26T02:00:00Z') });
      // Values the demo may not produce: microsecond timestamps (now() in SQL), a pause.
      await db.query(
        `UPDATE tickets SET updated_at = updated_at + interval '123456 microseconds',
           sla_pauses = '[{"start":"2026-11-20T01:02:03.004Z","end":null}]'::jsonb
         WHERE id = (SELECT id FROM tickets ORDER BY id LIMIT 1)`,
      );
    }, 180_000);
    afterAll(async () => {
      await dispose?.();
    });

    it('every seeded ticket: the database JSON equals ticketFromRow and parses as a Ticket', async () => {
      const { rows } = await db.query<Row & { j: string }>(
        `SELECT ${TICKET_COLUMNS}, ${TICKET_WIRE_JSON_SQL} AS j FROM tickets t ORDER BY id`,
      );
      expect(rows.length).toBeGreaterThan(100);
      for (const row of rows) {
        const wire = JSON.parse(row.j) as unknown;
        expect(wire).toEqual(ticketFromRow(row));
        expect(Ticket.parse(wire)).toEqual(wire);
      }
    });

    it('serializePullResponse writes what JSON.stringify would, with raw data spliced in', () => {
      const ticket = { id: 'a', title: '厨房漏水 "严重"\n' };
      const response: PullResponse = {
        cursor: 'c',
        lastMutationId: 3,
        changes: [
          { entity: 'ticket', op: 'put', id: 'a', data: new RawJson(JSON.stringify(ticket)) },
          { entity: 'ticket', op: 'del', id: 'b' },
          { entity: 'team', op: 'put', id: 'cs', data: { id: 'cs', nameZh: '客服', nameEn: 'CS' } },
        ],
        more: false,
        estimate: 3,
      };
      expect(JSON.parse(serializePullResponse(response))).toEqual(JSON.parse(JSON.stringify(response)));
      expect(JSON.parse(serializePullResponse(response)).changes[0].data).toEqual(ticket);
    });
  });
}
