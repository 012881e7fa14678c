/**
 * A push batch's writes are held and written together (server/sync/write-batch): later mutations see earlier ones,
 * a delete or a call in the middle sees the batch's tickets in the database, new tickets are numbered together
 * without gaps, and a rejected mutation writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION, type PushRequest } from '../../common/sync';
import type { Db } from '../../server/db/driver';
import { pushMutations } from '../../server/sync/push';
import { BACKENDS } from './support/backends';
import { seedFixtures, type Fixtures } from './support/fixtures';

type Pushed = PushRequest['mutations'][number];

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`push batch on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let users: Fixtures;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = await seedFixtures(db);
    });
    afterAll(async () => {
      await dispose?.();
    });

    const create = (id: string, type: 'repair' | 'complaint', title: string) => ({
      name: 'ticket.create' as const,
      args: { id, eventId: randomUUID(), type, category: 'plumbing', channel: 'phone', title, teamId: 'plumbing' },
    });

    it('numbers, deletes, logs calls and rejects within one batch like one-by-one processing would', async () => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const callId = randomUUID();
      const steps: Omit<Pushed, 'id'>[] = [
        create(a, 'repair', '厨房漏水'),
        create(b, 'repair', '楼道灯不亮'),
        { name: 'ticket.comment', args: { id: a, eventId: randomUUID(), body: '已联系住户' } },
        create(c, 'complaint', '噪音扰民'),
        { name: 'ticket.delete', args: { id: b, eventId: randomUUID(), reason: '重复工单' } },
        { name: 'ticket.comment', args: { id: b, eventId: randomUUID(), body: '删除后的备注' } },
        create(a, 'repair', '同一个 id 再建一次'),
        {
          name: 'call.log',
          args: {
            id: callId,
            direction: 'inbound',
            from: '13800138000',
            startedAt: '2026-11-26T02:00:00Z',
            ticketId: a,
          },
        },
        { name: 'ticket.assign', args: { id: a, eventId: randomUUID(), assigneeId: users.agent.id } },
      ];
      const mutations = steps.map((m, i) => ({ ...m, id: i + 1 }) as Pushed);
      const clientId = randomUUID();
      const res = await pushMutations(
        db,
        users.lead,
        { clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations },
        new Date('2026-11-26T02:00:00Z'),
      );
      expect(res.results.map((r) => r.outcome)).toEqual([
        'applied',
        'applied',
        'applied',
        'applied',
        'applied',
        'rejected', // comment on the ticket the batch deleted
        'rejected', // create of an id the batch already created
        'applied',
        'applied',
      ]);
      expect(res.lastMutationId).toBe(mutations.length);

      const { rows } = await db.query<{ id: string; code: string; deleted: boolean; assignee: string | null }>(
        `SELECT id::text AS id, code, deleted_at IS NOT NULL AS deleted, assignee_id::text AS assignee FROM tickets
          WHERE id = ANY($1::uuid[])`,
        [[a, b, c]],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      // Repairs a and b were numbered together and consecutively; the complaint on its own counter.
      const seq = (code: string) => Number(code.split('-').at(-1));
      expect(byId.get(a)?.code).toMatch(/^BX-20261126-\d{4}$/);
      expect(seq(byId.get(b)!.code)).toBe(seq(byId.get(a)!.code) + 1);
      expect(byId.get(c)?.code).toMatch(/^TS-20261126-\d{4}$/);
      expect(byId.get(b)?.deleted).toBe(true);
      expect(byId.get(a)?.assignee).toBe(users.agent.id);

      const events = await db.query<{ ticket: string; kind: string }>(
        `SELECT ticket_id::text AS ticket, kind FROM ticket_events WHERE ticket_id = ANY($1::uuid[]) ORDER BY created_at`,
        [[a, b, c]],
      );
      expect(events.rows.filter((e) => e.ticket === a).map((e) => e.kind)).toEqual(['created', 'comment', 'assign']);
      const call = await db.query<{ ticket: string | null }>(
        'SELECT ticket_id::text AS ticket FROM calls WHERE id = $1',
        [callId],
      );
      expect(call.rows[0]?.ticket).toBe(a); // the call saw the ticket the same batch created

      // Every written entity is in the change log once per batch position; the rejected ones left nothing.
      const log = await db.query<{ entity: string; id: string }>(
        `SELECT entity, entity_id AS id FROM change_log WHERE entity_id = ANY($1::text[])`,
        [[a, b, c, callId]],
      );
      expect(new Set(log.rows.map((r) => `${r.entity}:${r.id}`))).toEqual(
        new Set([`ticket:${a}`, `ticket:${b}`, `ticket:${c}`, `call:${callId}`]),
      );
    });

    it('a logged call waits for the batch write only when it names a ticket the batch created', async () => {
      const [existing, fresh, gone] = [randomUUID(), randomUUID(), randomUUID()];
      const clientId = randomUUID();
      const at = new Date('2026-11-26T03:00:00Z');
      const first = [create(existing, 'repair', '已有工单'), create(gone, 'repair', '将被删除')];
      await pushMutations(
        db,
        users.lead,
        {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: first.map((m, i) => ({ ...m, id: i + 1 }) as Pushed),
        },
        at,
      );
      const call = (id: string, ticketId: string): Omit<Pushed, 'id'> => ({
        name: 'call.log',
        args: { id, direction: 'inbound', from: '13900139000', startedAt: '2026-11-26T03:00:00Z', ticketId },
      });
      const [c1, c2, c3] = [randomUUID(), randomUUID(), randomUUID()];
      const steps: Omit<Pushed, 'id'>[] = [
        { name: 'ticket.comment', args: { id: existing, eventId: randomUUID(), body: '先写备注' } },
        call(c1, existing), // an existing ticket: no early write needed
        create(fresh, 'repair', '同批新建'),
        call(c2, fresh), // the batch's own new ticket: written first
        { name: 'ticket.delete', args: { id: gone, eventId: randomUUID(), reason: '重复' } },
        call(c3, gone), // deleted by this batch: the call keeps no ticket
        { name: 'ticket.comment', args: { id: existing, eventId: randomUUID(), body: '再写备注' } },
      ];
      const res = await pushMutations(
        db,
        users.lead,
        {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: steps.map((m, i) => ({ ...m, id: i + 3 }) as Pushed),
        },
        at,
      );
      expect(res.results.map((r) => r.outcome)).toEqual(steps.map(() => 'applied'));
      const calls = await db.query<{ id: string; ticket: string | null }>(
        'SELECT id::text AS id, ticket_id::text AS ticket FROM calls WHERE id = ANY($1::uuid[])',
        [[c1, c2, c3]],
      );
      const ticketOf = new Map(calls.rows.map((r) => [r.id, r.ticket]));
      expect([ticketOf.get(c1), ticketOf.get(c2), ticketOf.get(c3)]).toEqual([existing, fresh, null]);
      const notes = await db.query<{ body: string }>(
        `SELECT body FROM ticket_events WHERE ticket_id = $1 AND kind = 'comment' ORDER BY body`,
        [existing],
      );
      expect(notes.rows.map((r) => r.body).sort()).toEqual(['先写备注', '再写备注'].sort());
    });
  });
}
