/**
 * The shared ticket rules on the server (issue 11 §2): pushed mutations are judged with the pusher's role and team
 * — an agent may not reassign a ticket someone else holds, a lead may with a reason; raising to P0/P1 and
 * cancelling need a reason — and the server, not the client, names the resident and the unit.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket, TicketEvent } from '../../common/domain';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures, type Fixtures } from './support/fixtures';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`ticket rules on the server (${backend.name})`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let users: Fixtures;
    const tokens: Record<string, string> = {};
    const clients: Record<string, { id: string; next: number }> = {};

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = await seedFixtures(db);
      app = buildServer({ db });
      for (const username of ['agent01', 'agent02', 'lead01', 'kiosk01']) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username, password: PASSWORD },
        });
        tokens[username] = res.json<{ token: string }>().token;
        clients[username] = { id: randomUUID(), next: 1 };
      }
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    const headers = (username: string) => ({ authorization: `Bearer ${tokens[username]}` });

    /** Pushes one mutation as `username`; returns its result. */
    async function push(username: string, name: string, args: Record<string, unknown>) {
      const client = clients[username]!;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/sync/push',
        headers: headers(username),
        payload: {
          clientId: client.id,
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [{ id: client.next++, name, args: { eventId: randomUUID(), ...args } }],
        },
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<PushResponse>();
      // Applied or refused, the mutation id is used up: one refusal never blocks the outbox behind it.
      expect(body.lastMutationId).toBe(client.next - 1);
      return body.results[0]!;
    }

    async function read(id: string): Promise<{ ticket: Ticket; events: TicketEvent[] }> {
      const res = await app.inject({ url: `/api/v1/tickets/${id}`, headers: headers('lead01') });
      expect(res.statusCode).toBe(200);
      return res.json();
    }

    /** A repair of the plumbing team, created and taken by `holder`. */
    async function heldBy(holder: 'agent01' | 'agent02', extra: Record<string, unknown> = {}): Promise<string> {
      const id = randomUUID();
      const base = { type: 'repair', category: 'plumbing', channel: 'phone', title: '厨房漏水', teamId: 'plumbing' };
      expect(await push(holder, 'ticket.create', { id, ...base, ...extra })).toMatchObject({ outcome: 'applied' });
      const self = holder === 'agent01' ? users.agent.id : users.agent2.id;
      expect(await push(holder, 'ticket.assign', { id, assigneeId: self })).toMatchObject({ outcome: 'applied' });
      return id;
    }

    it("refuses an agent's reassignment of a ticket another agent holds, and changes nothing", async () => {
      const id = await heldBy('agent01');
      const before = await read(id);
      for (const assigneeId of [users.agent2.id, null]) {
        expect(await push('agent02', 'ticket.assign', { id, assigneeId, reason: '我来处理' })).toMatchObject({
          outcome: 'rejected',
          error: { code: 'forbidden', message: expect.stringMatching(/leads and admins/) as string },
        });
      }
      expect(await read(id)).toEqual(before);
      // What the holder does with it stays theirs.
      expect(await push('agent01', 'ticket.assign', { id, assigneeId: users.agent2.id })).toMatchObject({
        outcome: 'applied',
      });
    });

    it('lets a lead reassign it, with a reason, which the assign event keeps', async () => {
      const id = await heldBy('agent01');
      expect(await push('lead01', 'ticket.assign', { id, assigneeId: users.agent2.id })).toMatchObject({
        outcome: 'rejected',
        error: { code: 'reason_required' },
      });
      expect((await read(id)).ticket.assigneeId).toBe(users.agent.id);
      const result = await push('lead01', 'ticket.assign', { id, assigneeId: users.agent2.id, reason: '坐席一下班' });
      expect(result).toMatchObject({ outcome: 'applied' });
      const after = await read(id);
      expect(after.ticket.assigneeId).toBe(users.agent2.id);
      expect(after.events.find((e) => e.kind === 'assign' && e.authorId === users.lead.id)).toMatchObject({
        body: '坐席一下班',
        data: { from: users.agent.id, to: users.agent2.id, reason: '坐席一下班' },
      });
    });

    it('raises a priority to P0/P1 only with a reason', async () => {
      const id = await heldBy('agent01', { priority: 3 });
      expect(await push('agent01', 'ticket.edit', { id, priority: 1 })).toMatchObject({
        outcome: 'rejected',
        error: { code: 'reason_required' },
      });
      expect(await push('agent01', 'ticket.edit', { id, priority: 0, reason: ' ' })).toMatchObject({
        outcome: 'rejected',
      });
      expect((await read(id)).ticket.priority).toBe(3);
      expect(await push('agent01', 'ticket.edit', { id, priority: 1, reason: '水已漫到楼下' })).toMatchObject({
        outcome: 'applied',
      });
      expect((await read(id)).ticket.priority).toBe(1);
      expect(await push('agent01', 'ticket.edit', { id, priority: 2 })).toMatchObject({ outcome: 'applied' });
    });

    it('cancels only with a reason', async () => {
      const id = await heldBy('agent01');
      expect(await push('agent01', 'ticket.setStatus', { id, status: 'cancelled', note: '重复' })).toMatchObject({
        outcome: 'rejected',
        error: { code: 'reason_required' },
      });
      expect((await read(id)).ticket.status).toBe('new');
      expect(await push('agent01', 'ticket.setStatus', { id, status: 'cancelled', reason: '重复报修' })).toMatchObject({
        outcome: 'applied',
      });
      const after = await read(id);
      expect(after.ticket.status).toBe('cancelled');
      expect(after.events.at(-1)).toMatchObject({ kind: 'status', data: { to: 'cancelled', reason: '重复报修' } });
    });

    it('takes resident names and unit codes from its own records, never from the client', async () => {
      const named = randomUUID();
      expect(
        await push('agent01', 'ticket.create', {
          id: named,
          type: 'repair',
          category: 'plumbing',
          channel: 'phone',
          title: '厨房漏水',
          residentId: 'r1',
          residentName: '冒名顶替',
          unitId: 'p1-3-1-502',
          unitCode: '9-9-999',
        }),
      ).toMatchObject({ outcome: 'applied' });
      expect((await read(named)).ticket).toMatchObject({ residentName: '张伟', unitCode: '3-1-502' });

      // A name or unit without the id behind it is not the server's to believe: dropped.
      const loose = randomUUID();
      await push('agent01', 'ticket.create', {
        id: loose,
        type: 'enquiry',
        category: 'other',
        channel: 'phone',
        title: '咨询',
        residentName: '冒名顶替',
        unitCode: '9-9-999',
      });
      expect((await read(loose)).ticket).toMatchObject({ residentId: null, residentName: null, unitCode: null });

      // REST intake: the same (its schema has no name at all; the phone finds 张伟).
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/tickets',
        headers: headers('agent01'),
        payload: {
          type: 'repair',
          category: 'plumbing',
          channel: 'wechat',
          title: '漏水',
          phone: '13800138000',
          residentName: '冒名顶替',
          unitCode: '9-9-999',
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json<Ticket>()).toMatchObject({ residentName: '张伟', unitCode: '3-1-502' });
    });
  });
}
