/**
 * Pull pages follow the change log's numeric (xid, seq) order. Regression: ordering by the text form of xid
 * sorted "10" before "9", so a page boundary could move the cursor past changes that were never sent.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAPSHOT_SCHEMA_VERSION, type PullResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures, type Fixtures } from './support/fixtures';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`pull order on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let users: Fixtures;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      users = await seedFixtures(db);
      app = buildServer({ db, logger: false });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    it('pages across xids with different digit counts without skipping or reordering', async () => {
      const { rows } = await db.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
      expect(Number(rows[0]!.xid)).toBeGreaterThan(50); // so the xids below are all committed history
      // Old, committed-looking positions whose text order differs from their numeric order.
      for (const xid of ['5', '9', '10', '50']) {
        await db.query(`INSERT INTO change_log (xid, entity, entity_id, op) VALUES ($1::xid8, 'team', $2, 'put')`, [
          xid,
          xid === '5' || xid === '10' ? 'cs' : 'plumbing',
        ]);
      }
      const expected = (await db.query<{ seq: string }>('SELECT seq::text AS seq FROM change_log ORDER BY xid, seq'))
        .rows.length;

      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: users.agent.username, password: PASSWORD },
      });
      const token = login.json<{ token: string }>().token;
      const clientId = randomUUID();
      let cursor: string | null = null;
      const teamsSeen: string[] = [];
      let total = 0;
      for (let page = 0; page < 500; page++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/sync/pull',
          headers: { authorization: `Bearer ${token}` },
          // The change log's own order: the last schema whose first pull replays it (6 starts with a snapshot).
          payload: { clientId, schemaVersion: SNAPSHOT_SCHEMA_VERSION - 1, cursor, limit: 1 },
        });
        expect(res.statusCode).toBe(200);
        const body: PullResponse = res.json();
        total += body.changes.length;
        teamsSeen.push(...body.changes.filter((c) => c.entity === 'team').map((c) => c.id));
        cursor = body.cursor;
        if (!body.more) break;
      }
      // Every log row arrives (one change per one-row page), the four old rows first and in numeric order.
      expect(total).toBe(expected);
      expect(teamsSeen.slice(0, 4)).toEqual(['cs', 'plumbing', 'cs', 'plumbing']);
    });
  });
}
