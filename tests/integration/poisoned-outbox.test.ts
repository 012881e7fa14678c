/**
 * A console with a poisoned outbox (issue 11 §1): the server answers 500 for one mutation, as it did for a comment
 * containing U+0000 (PostgreSQL refused the text). Before, the desk called a 5xx "offline" and retried the same
 * batch forever, also after a restart. Now it halves the batch down to the failing mutation, withdraws it after
 * repeated failures while the server answers the pull, shows it in the rejected changes with the server's failure,
 * and syncs everything else; its status never says "offline" while the server answers. A server that fails every
 * request, on the other hand, never makes the desk give up a change.
 *
 * The 500 is injected by a hook in front of a real server (the server itself no longer fails such a mutation).
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import type { SyncStatus } from '../../common/sync';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures } from './support/fixtures';

const POISON = 'POISON: the old server failed this text';
const MAX_STRIKES = 3;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`a poisoned outbox (${backend.name})`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let server: FastifyInstance;
    let baseUrl = '';
    /** What the hook fails: pushes carrying the poison, every sync request (an outage), or big pushes (413). */
    const fail = { poison: true, everything: false, bodyOver: Infinity };
    let poisonedPushes = 0;
    const dirs: string[] = [];
    const desks: DeskHost[] = [];

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedFixtures(db);
      server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
      server.addHook('preHandler', async (request, reply) => {
        const sync = request.url.startsWith('/api/v1/sync/');
        if (sync && fail.everything) return reply.code(503).send({ error: 'unavailable' });
        if (request.url === '/api/v1/sync/push' && JSON.stringify(request.body).length > fail.bodyOver) {
          return reply.code(413).send({ error: 'payload_too_large' });
        }
        if (request.url === '/api/v1/sync/push' && fail.poison && JSON.stringify(request.body).includes(POISON)) {
          poisonedPushes++;
          return reply.code(500).send({ error: 'internal' });
        }
      });
      await server.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const desk of desks) await desk.close();
      await server?.close();
      await dispose?.();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    async function openDesk() {
      const dir = mkdtempSync(join(tmpdir(), 'desk-poison-'));
      dirs.push(dir);
      const desk = await createDesk({
        profileDir: dir,
        serverUrl: baseUrl,
        // A batch of 4 makes the halving visible with a handful of changes.
        sync: { intervalMs: 600_000, pushBatch: 4, isolation: { maxStrikes: MAX_STRIKES, retryMs: 20 } },
        requestTimeoutMs: 5_000,
        live: false,
      });
      desks.push(desk);
      const states: SyncStatus['state'][] = [];
      desk.subscribe((event, payload) => {
        if (event === 'sync.status') states.push((payload as SyncStatus).state);
      });
      async function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>> {
        const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
        if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
        return res.value as MethodOutput<M>;
      }
      await call('session.login', { username: 'agent01', password: PASSWORD });
      await call('sync.now');
      states.length = 0;
      return { desk, call, states };
    }

    async function waitFor<T>(probe: () => Promise<T | false>, ms = 20_000): Promise<T> {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await probe();
        if (value !== false) return value;
        if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    const serverComments = async (ticketId: string) =>
      (
        await db.query<{ body: string }>(
          `SELECT body FROM ticket_events WHERE ticket_id = $1 AND kind = 'comment' ORDER BY created_at, body`,
          [ticketId],
        )
      ).rows.map((r) => r.body);

    it('isolates the failing mutation, marks it rejected with the server failure, syncs the rest, never "offline"', async () => {
      const { call, states } = await openDesk();
      const ticket = await call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: '电梯',
      });
      await call('sync.now');
      poisonedPushes = 0;
      for (const body of ['one', 'two', POISON, 'four', 'five', 'six']) {
        await call('tickets.comment', { id: ticket.id, body });
      }

      // First cycle: the batch of 4 halves to [one, two] (through), then [POISON, four] and [POISON] fail.
      const first = await call('sync.now');
      expect(first.state).toBe('server_error');
      expect(first.serverError).toMatchObject({ status: 500, code: 'internal' });
      expect(first.pending).toBe(4);
      expect(first.rejected).toEqual([]);
      expect(await serverComments(ticket.id)).toEqual(['one', 'two']);

      // The retries come by themselves; after MAX_STRIKES failures the change is set aside and the rest syncs.
      const done = await waitFor(async () => {
        const s = await call('sync.status');
        return s.pending === 0 && s.state === 'online' ? s : false;
      });
      expect(done.rejected).toHaveLength(1);
      expect(done.rejected[0]).toMatchObject({
        name: 'ticket.comment',
        code: 'server_error',
        ticketId: ticket.id,
        message: expect.stringContaining(`HTTP 500 (internal) ${MAX_STRIKES} times`),
      });
      expect((await serverComments(ticket.id)).sort()).toEqual(['five', 'four', 'one', 'six', 'two']);
      // The first cycle halved down to it (3 pushes); each retry pushed it alone (1 each); never anything more.
      expect(poisonedPushes).toBe(3 + (MAX_STRIKES - 1));
      // The server consumed the withdrawn id like a rule rejection.
      const { rows } = await db.query<{ outcome: string; error_code: string }>(
        `SELECT outcome, error_code FROM sync_mutations WHERE mutation_id = $1 AND error_code = 'withdrawn'`,
        [done.rejected[0]!.mutationId],
      );
      expect(rows).toEqual([{ outcome: 'rejected', error_code: 'withdrawn' }]);

      // The optimistic comment is rolled back; a normal change afterwards syncs as ever.
      const local = await call('tickets.get', { id: ticket.id });
      expect(local?.events.map((e) => e.body)).not.toContain(POISON);
      await call('tickets.comment', { id: ticket.id, body: 'afterwards' });
      expect(await call('sync.now')).toMatchObject({ state: 'online', pending: 0 });
      expect(await serverComments(ticket.id)).toContain('afterwards');
      expect(states).not.toContain('offline');
      expect(states).toContain('server_error');
    });

    it('a server that fails every sync request never makes the desk give up a change', async () => {
      const { call, states } = await openDesk();
      const ticket = await call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: '门禁',
      });
      await call('sync.now');
      fail.everything = true;
      try {
        await call('tickets.comment', { id: ticket.id, body: 'kept' });
        for (let i = 0; i < MAX_STRIKES + 2; i++) {
          const s = await call('sync.now');
          expect(s).toMatchObject({ state: 'server_error', pending: 1, rejected: [] });
          expect(s.serverError?.status).toBe(503);
        }
      } finally {
        fail.everything = false;
      }
      expect(await call('sync.now')).toMatchObject({ state: 'online', pending: 0, rejected: [] });
      expect(await serverComments(ticket.id)).toEqual(['kept']);
      expect(states).not.toContain('offline');
    });

    it('a batch over the server body limit is split until it fits', async () => {
      const { call } = await openDesk();
      const ticket = await call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: '长文',
      });
      await call('sync.now');
      const long = '漏水'.repeat(1500);
      for (let i = 0; i < 4; i++) await call('tickets.comment', { id: ticket.id, body: `${i} ${long}` });
      fail.bodyOver = 8_000; // one comment fits, two do not
      try {
        expect(await call('sync.now')).toMatchObject({ state: 'online', pending: 0, rejected: [] });
      } finally {
        fail.bodyOver = Infinity;
      }
      expect(await serverComments(ticket.id)).toHaveLength(4);
    });

    it('a restart in the middle does not wedge it either', async () => {
      const first = await openDesk();
      const ticket = await first.call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: '重启',
      });
      await first.call('tickets.comment', { id: ticket.id, body: POISON });
      await first.call('tickets.comment', { id: ticket.id, body: 'behind it' });
      expect((await first.call('sync.now')).state).toBe('server_error');
      const dir = dirs.at(-1)!;
      await first.desk.close();
      desks.splice(desks.indexOf(first.desk), 1);

      const desk = await createDesk({
        profileDir: dir,
        serverUrl: baseUrl,
        sync: { intervalMs: 600_000, isolation: { maxStrikes: MAX_STRIKES, retryMs: 20 } },
        requestTimeoutMs: 5_000,
        live: false,
      });
      desks.push(desk);
      const status = await waitFor(async () => {
        const res = await dispatchDeskCall(desk.handlers, 'sync.now', {});
        const s = res.ok ? (res.value as SyncStatus) : null;
        return s && s.pending === 0 && s.state === 'online' ? s : false;
      });
      expect(status.rejected.map((r) => r.code)).toEqual(['server_error']);
      expect(await serverComments(ticket.id)).toEqual(['behind it']);
    });
  });
}
