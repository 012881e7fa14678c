/**
 * Every declared ticket field (common/ticket-fields) round-trips through the real path: written by the server
 * (server/db/rows ticketToParams), read back (ticketFromRow), sent as the database's wire row (ticket_wire_json),
 * spread over TICKET_ROW_FIELDS by the console, stored in the desk cache and read from it. A field declared but
 * missing on one side, or converted wrongly by one, fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ticket } from '../../common/domain';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { ticketFromWire } from '../../common/sync';
import type { Db } from '../../server/db/driver';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../../server/db/rows';
import { loadPhoneHasher } from '../../server/privacy/phone-hash';
import { saveTicket } from '../../server/tickets/store';
import { openTempCache } from '../support/cache';
import { SAMPLE_PHONE, everyFieldSet, sampleTicket } from '../support/ticket-sample';
import { BACKENDS } from './support/backends';
import { seedFixtures } from './support/fixtures';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`ticket fields round trip on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let hash: PhoneHasher;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      hash = await loadPhoneHasher(db);
      const { agent, lead } = await seedFixtures(db);
      sent = { ...sampleTicket(hash), assigneeId: agent.id, createdBy: lead.id };
      await saveTicket(db, { ...sent, phone: SAMPLE_PHONE, phoneHash: null }, true);
    }, 60_000);
    afterAll(async () => {
      await dispose?.();
    });
    /** The sample as a console gets it (masked phone, the server's hash). */
    let sent: Ticket;

    it('server row → ticketFromRow gives every stored field back', async () => {
      expect(everyFieldSet(sent)).toEqual([]);
      const { rows } = await db.query<Row>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = $1`, [sent.id]);
      expect(ticketFromRow(rows[0]!)).toEqual({ ...sent, phone: SAMPLE_PHONE, phoneHash: null });
    });

    it('server row → wire → desk cache → Ticket gives every field back', async () => {
      const { rows } = await db.query<{ wire: string }>('SELECT wire FROM tickets WHERE id = $1', [sent.id]);
      const pulled = Ticket.parse(ticketFromWire(JSON.parse(rows[0]!.wire)));
      expect(pulled).toEqual(sent);
      const cache = openTempCache('desk-ticket-round-trip-');
      try {
        cache.repos.tickets.put(pulled);
        expect(cache.repos.tickets.get(sent.id)).toEqual(sent);
      } finally {
        cache.dispose();
      }
    });
  });
}
