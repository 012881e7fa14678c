/**
 * The pull sends ticket rows as JSON kept by the database (the `wire` column, migrations 0006, 0007 and 0010)
 * instead of mapping them in JavaScript: the values in TICKET_ROW_FIELDS order (sync schema 3). Spread over those
 * names they must equal ticketFromRow, the mapper every other read uses, as clients get it (issue 11 §4, schema 5):
 * the phone masked by maskPhone, its keyed hash beside it. A column added to one and not the other, a value in the
 * wrong place, a timestamp formatted differently, a whole number on the wire, or a write the trigger missed fails
 * here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { maskPhoneOrNull, phoneHashOf } from '../../common/residents/phone';
import { TICKET_ROW_FIELDS, ticketFromWire, type PullResponse } from '../../common/sync';
import type { Db } from '../../server/db/driver';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../../server/db/rows';
import { loadPhoneHasher } from '../../server/privacy/phone-hash';
import { seedDemo } from '../../server/seed/load';
import { RawJson, serializePullResponse } from '../../server/sync/pull';
import { BACKENDS } from './support/backends';

/** ticketFromRow as a client gets it: the whole number stays on the server. */
const asSent = (row: Row, hash: PhoneHasher) => {
  const ticket = ticketFromRow(row);
  return { ...ticket, phone: maskPhoneOrNull(ticket.phone), phoneHash: phoneHashOf(hash, ticket.phone) };
};

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`pull wire format on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let hash: PhoneHasher;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      hash = await loadPhoneHasher(db);
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

    it('every seeded ticket: the database row, spread over TICKET_ROW_FIELDS, equals ticketFromRow', async () => {
      const { rows } = await db.query<Row & { j: string }>(
        `SELECT ${TICKET_COLUMNS}, wire AS j FROM tickets t ORDER BY id`,
      );
      expect(rows.length).toBeGreaterThan(100);
      let withPhone = 0;
      for (const row of rows) {
        const wire = JSON.parse(row.j) as unknown;
        expect(wire).toHaveLength(TICKET_ROW_FIELDS.length);
        const ticket = ticketFromWire(wire);
        expect(ticket).toEqual(asSent(row, hash));
        expect(Ticket.parse(ticket)).toEqual(ticket);
        if (row.phone) {
          withPhone++;
          expect(row.j).not.toContain(String(row.phone).slice(-8));
          expect((ticket as Ticket).phoneHash).toMatch(/^[0-9a-f]{32}$/);
        }
      }
      expect(withPhone).toBeGreaterThan(100);
    });

    it('the wire column cannot be written past the trigger, and follows every update', async () => {
      const { rows: before } = await db.query<{ id: string }>('SELECT id::text AS id FROM tickets ORDER BY id LIMIT 1');
      const id = before[0]?.id;
      await db.query(`UPDATE tickets SET wire = '{"stale":true}', title = '电梯异响（已更新）' WHERE id = $1`, [id]);
      const { rows } = await db.query<Row & { j: string }>(
        `SELECT ${TICKET_COLUMNS}, wire AS j FROM tickets t WHERE id = $1`,
        [id],
      );
      const row = rows[0]!;
      expect(ticketFromWire(JSON.parse(row.j))).toEqual(asSent(row, hash));
      expect(ticketFromWire(JSON.parse(row.j))).toMatchObject({ title: '电梯异响（已更新）' });
    });

    it('a phone changed without its mask (a writer without maskPhone) goes out as no number, never whole', async () => {
      const { rows: before } = await db.query<{ id: string }>(
        `SELECT id::text AS id FROM tickets WHERE phone IS NOT NULL ORDER BY id LIMIT 1`,
      );
      const id = before[0]?.id;
      await db.query(`UPDATE tickets SET phone = '+8613311112222' WHERE id = $1`, [id]);
      const { rows } = await db.query<{ j: string; masked: string | null }>(
        `SELECT wire AS j, phone_masked AS masked FROM tickets WHERE id = $1`,
        [id],
      );
      expect(rows[0]?.masked).toBeNull();
      expect(ticketFromWire(JSON.parse(rows[0]!.j))).toMatchObject({ phone: null, phoneHash: hash('+8613311112222') });
      expect(rows[0]?.j).not.toContain('13311112222');
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
      const sent = serializePullResponse(response).toString('utf8');
      expect(JSON.parse(sent)).toEqual(JSON.parse(JSON.stringify(response)));
      expect(JSON.parse(sent).changes[0].data).toEqual(ticket);
    });
  });
}
