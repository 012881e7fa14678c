/**
 * Group commit (server/sync/push-queue, pushGroup): pushes of several consoles in one transaction settle exactly
 * as they would one by one — duplicates acknowledged, a hole refused with 409 and a stranger's client with 403
 * without touching the others, rule rejections consuming their ids — and the queue never puts two pushes of one
 * console in one group, so concurrent retries of the same batch apply it once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_VERSION, type PushRequest, type PushResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import { issueToken } from '../../server/auth/tokens';
import type { Db } from '../../server/db/driver';
import { HttpError } from '../../server/http/errors';
import { pushGroup, pushMutations, type PushItem } from '../../server/sync/push';
import { createPushQueue } from '../../server/sync/push-queue';
import { BACKENDS } from './support/backends';
import { seedFixtures, type Fixtures } from './support/fixtures';

type Pushed = PushRequest['mutations'][number];
const NOW = new Date('2026-11-26T02:00:00Z');

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`grouped pushes on ${backend.name}`, () => {
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

    const create = (id: number, ticketId: string): Pushed => ({
      id,
      name: 'ticket.create',
      args: { id: ticketId, eventId: randomUUID(), type: 'repair', category: 'plumbing', channel: 'phone', title: 't' },
    });
    const comment = (id: number, ticketId: string, body: string): Pushed => ({
      id,
      name: 'ticket.comment',
      args: { id: ticketId, eventId: randomUUID(), body },
    });
    const item = (user: PushItem['user'], clientId: string, mutations: Pushed[]): PushItem => ({
      user,
      req: { clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations },
      now: NOW,
    });
    const comments = async (ticketId: string) =>
      (
        await db.query<{ body: string }>(
          `SELECT body FROM ticket_events WHERE ticket_id = $1 AND kind = 'comment' ORDER BY body`,
          [ticketId],
        )
      ).rows.map((r) => r.body);

    it('settles each push of a group as it would alone', async () => {
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const [ca, cb, cc, cd] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      // Client B already pushed 1–2; client D belongs to the lead.
      await pushMutations(db, users.agent, item(users.agent, cb, [create(1, b), comment(2, b, 'b-2')]).req, NOW);
      await pushMutations(db, users.lead, item(users.lead, cd, [create(1, c)]).req, NOW);

      const outcomes = await pushGroup(db, [
        item(users.agent, ca, [create(1, a), comment(2, a, 'a-2')]),
        item(users.agent, cb, [comment(2, b, 'b-2'), comment(3, b, 'b-3')]), // 2 is a replay
        item(users.agent, cc, [comment(3, a, 'hole')]), // a new client must start at 1
        item(users.agent, cd, [comment(2, c, 'not yours')]),
        item(users.agent2, randomUUID(), [create(1, a)]), // A's ticket exists by now: a rule rejection
      ]);

      expect(outcomes[0]).toEqual({
        lastMutationId: 2,
        results: [
          { id: 1, outcome: 'applied' },
          { id: 2, outcome: 'applied' },
        ],
      });
      expect(outcomes[1]).toEqual({
        lastMutationId: 3,
        results: [
          { id: 2, outcome: 'duplicate' },
          { id: 3, outcome: 'applied' },
        ],
      });
      expect(outcomes[2]).toBeInstanceOf(HttpError);
      expect((outcomes[2] as HttpError).status).toBe(409);
      expect(outcomes[3]).toBeInstanceOf(HttpError);
      expect((outcomes[3] as HttpError).status).toBe(403);
      const fifth = outcomes[4] as PushResponse;
      expect(fifth.lastMutationId).toBe(1);
      expect(fifth.results[0]?.outcome).toBe('rejected');

      expect(await comments(a)).toEqual(['a-2']);
      expect(await comments(b)).toEqual(['b-2', 'b-3']);
      expect(await comments(c)).toEqual([]);
      const { rows } = await db.query<{ n: number }>(
        'SELECT COUNT(*)::int AS n FROM sync_mutations WHERE client_id = ANY($1::uuid[])',
        [[ca, cb, cc, cd]],
      );
      // A: 1–2, B: 1–3, C: none, D: the lead's 1 only.
      expect(Number(rows[0]?.n)).toBe(6);
    });

    it('runs concurrent retries of one batch once, and many consoles at once exactly once', async () => {
      const queue = createPushQueue(db, 2);
      const ticket = randomUUID();
      await pushMutations(db, users.agent, item(users.agent, randomUUID(), [create(1, ticket)]).req, NOW);
      const clients = Array.from({ length: 12 }, () => randomUUID());
      const batches = clients.map((clientId, k) => [1, 2, 3].map((i) => comment(i, ticket, `${k}-${i}`)));
      // Every batch sent three times at once (a desk retrying after a timeout), all consoles together.
      const sends = clients.flatMap((clientId, k) =>
        [0, 1, 2].map(() => queue.push(item(users.agent, clientId, batches[k] as Pushed[]))),
      );
      const responses = await Promise.all(sends);
      for (const res of responses) expect(res.lastMutationId).toBe(3);
      const applied = responses.flatMap((r) => r.results).filter((r) => r.outcome === 'applied');
      expect(applied).toHaveLength(clients.length * 3);
      const expected = clients.flatMap((_, k) => [1, 2, 3].map((i) => `${k}-${i}`)).sort();
      expect(await comments(ticket)).toEqual(expected);
    });

    it('pushes that reach the route together commit together (PGlite runs a transaction without yielding to I/O)', async () => {
      const app = buildServer({ db });
      await app.ready();
      try {
        const ticket = randomUUID();
        await pushMutations(db, users.agent, item(users.agent, randomUUID(), [create(1, ticket)]).req, NOW);
        const { token } = await issueToken(db, users.agent.id, new Date());
        const clients = Array.from({ length: 12 }, () => randomUUID());
        const replies = await Promise.all(
          clients.map((clientId, k) =>
            app.inject({
              method: 'POST',
              url: '/api/v1/sync/push',
              headers: { authorization: `Bearer ${token}` },
              payload: { clientId, schemaVersion: SYNC_SCHEMA_VERSION, mutations: [comment(1, ticket, `http-${k}`)] },
            }),
          ),
        );
        expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
        const { rows } = await db.query<{ pushes: number; xids: number }>(
          `SELECT count(*)::int AS pushes, count(DISTINCT xid::text)::int AS xids FROM sync_mutations
            WHERE client_id = ANY($1::uuid[])`,
          [clients],
        );
        expect(rows[0]?.pushes).toBe(clients.length);
        expect(rows[0]?.xids).toBeLessThan(clients.length);
      } finally {
        await app.close();
      }
    });
  });
}
