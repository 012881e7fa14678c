/**
 * Login limits on the real server (issue 11 §2): per account and source address, per source address, and which
 * address counts (trustProxy). One typo-prone agent behind a call centre's NAT locks out neither the centre nor
 * their own account from elsewhere.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildServer, type BuildServerOptions } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures } from './support/fixtures';

const NAT = '203.0.113.7';
const HOME = '198.51.100.20';
const PROXY = '10.0.0.5';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`login limits on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedFixtures(db);
    });
    afterAll(async () => dispose?.());

    /** A server of its own for the test (fresh counters), closed after it: each holds a LISTEN connection. */
    function server(options: Partial<BuildServerOptions> = {}): FastifyInstance {
      const app = buildServer({ db, ...options });
      // What the server takes as the client's address, for the trustProxy cases.
      app.get('/test/ip', { config: { public: true } }, async (request) => ({ ip: request.ip }));
      onTestFinished(() => app.close());
      return app;
    }

    const login = (
      app: FastifyInstance,
      username: string,
      password: string,
      from: string,
      headers: Record<string, string> = {},
    ) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: from,
        headers,
        payload: { username, password },
      });

    it('holds an account from the address of its failures only; its colleagues there still sign in', async () => {
      const app = server();
      for (let i = 0; i < 5; i++) expect((await login(app, 'agent02', 'typo', NAT)).statusCode).toBe(401);

      // Even the right password waits out the window from that address, and says for how long.
      const held = await login(app, 'agent02', PASSWORD, NAT);
      expect(held.statusCode).toBe(429);
      expect(held.json()).toMatchObject({ error: 'rate_limited', details: { scope: 'account' } });
      expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);

      // The rest of the call centre behind the same NAT is not locked out…
      expect((await login(app, 'agent01', PASSWORD, NAT)).statusCode).toBe(200);
      expect((await login(app, 'lead01', PASSWORD, NAT)).statusCode).toBe(200);
      // …and someone else's failures never stop the owner signing in from their own address.
      expect((await login(app, 'agent02', PASSWORD, HOME)).statusCode).toBe(200);
    });

    it('a correct password clears its own failures', async () => {
      const app = server();
      for (let i = 0; i < 4; i++) expect((await login(app, 'agent01', 'typo', NAT)).statusCode).toBe(401);
      expect((await login(app, 'agent01', PASSWORD, NAT)).statusCode).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login(app, 'agent01', 'typo', NAT)).statusCode).toBe(401);
      expect((await login(app, 'agent01', PASSWORD, NAT)).statusCode).toBe(200);
    });

    it('holds a whole address only at its generous cap of failures over many accounts', async () => {
      const app = server({ loginLimits: { perAccountAndSource: 5, perSource: 12, windowMs: 60_000 } });
      for (let i = 0; i < 12; i++) {
        expect((await login(app, `guess${String(i).padStart(2, '0')}`, 'x', NAT)).statusCode).toBe(401);
      }
      const held = await login(app, 'agent01', PASSWORD, NAT);
      expect(held.statusCode).toBe(429);
      expect(held.json()).toMatchObject({ details: { scope: 'source' } });
      expect((await login(app, 'agent01', PASSWORD, HOME)).statusCode).toBe(200);
    });

    it('by default counts the peer address and ignores X-Forwarded-For', async () => {
      const app = server();
      const ip = await app.inject({ url: '/test/ip', remoteAddress: PROXY, headers: { 'x-forwarded-for': NAT } });
      expect(ip.json()).toEqual({ ip: PROXY });
      // Made-up forwarded addresses do not buy new attempts.
      for (let i = 0; i < 5; i++) {
        const res = await login(app, 'agent02', 'typo', PROXY, { 'x-forwarded-for': `192.0.2.${i + 1}` });
        expect(res.statusCode).toBe(401);
      }
      const res = await login(app, 'agent02', PASSWORD, PROXY, { 'x-forwarded-for': '192.0.2.99' });
      expect(res.statusCode).toBe(429);
    });

    it('with trustProxy naming the proxy, counts the client address it forwards', async () => {
      const app = server({ trustProxy: [PROXY] });
      const ip = await app.inject({ url: '/test/ip', remoteAddress: PROXY, headers: { 'x-forwarded-for': NAT } });
      expect(ip.json()).toEqual({ ip: NAT });
      // An address that is not the proxy cannot forward anything.
      const direct = await app.inject({ url: '/test/ip', remoteAddress: HOME, headers: { 'x-forwarded-for': NAT } });
      expect(direct.json()).toEqual({ ip: HOME });

      for (let i = 0; i < 5; i++) {
        expect((await login(app, 'lead01', 'typo', PROXY, { 'x-forwarded-for': NAT })).statusCode).toBe(401);
      }
      expect((await login(app, 'lead01', PASSWORD, PROXY, { 'x-forwarded-for': NAT })).statusCode).toBe(429);
      // The same account through the same proxy from another client address is someone else.
      expect((await login(app, 'lead01', PASSWORD, PROXY, { 'x-forwarded-for': HOME })).statusCode).toBe(200);
    });

    it('with a hop count, trusts that many proxies', async () => {
      const app = server({ trustProxy: 1 });
      const ip = await app.inject({
        url: '/test/ip',
        remoteAddress: PROXY,
        headers: { 'x-forwarded-for': `${HOME}, ${NAT}` },
      });
      expect(ip.json()).toEqual({ ip: NAT });
    });
  });
}
