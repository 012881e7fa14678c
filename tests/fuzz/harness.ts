/**
 * The fuzz suite's one server (issue 11 §1): the real central server on PGlite in memory, in-process and listening
 * on 127.0.0.1, with staff of every role and their tokens, the routes it registered (read from Fastify as they are
 * added, so a new route is fuzzed without anyone listing it), which of them a request has reached, a fingerprint of
 * the data for "no write on error", and the count of cases per target.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { User } from '../../common/domain';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../common/sync';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { PASSWORD, seedFixtures, type Fixtures } from '../integration/support/fixtures';
import { createDbFingerprint, type DbFingerprint } from '../support/db-fingerprint';
import type { Refs } from './samples';

export const CTI_TOKEN = 'fuzz-zammad-token-0123456789';
/** Who requests: every role, an integration (the PBX), and nobody. */
export const USERNAMES = ['agent01', 'agent02', 'lead01', 'kiosk01', 'admin', 'pbx'] as const;
export type Username = (typeof USERNAMES)[number];

/** The address the suite's own sign-ins come from (not the fuzzed requests' 127.0.0.1). */
const STAFF_ADDRESS = '10.20.30.40';

export interface Route {
  method: string;
  url: string;
}
export const routeKey = (r: Route) => `${r.method} ${r.url}`;

export interface Staff extends Fixtures {
  admin: User;
  pbx: User;
}

export interface FuzzServer {
  db: Db;
  app: FastifyInstance;
  baseUrl: string;
  staff: Staff;
  token(username: Username): string;
  /** Logs in again (after a fuzzed logout revoked the token). */
  relogin(username: Username): Promise<void>;
  /** Every method + path Fastify registered. */
  routes: Route[];
  /** Requests that got as far as their route's handler (past auth and body parsing), by route key. */
  reached: Map<string, number>;
  fingerprint: DbFingerprint;
  /** A ticket and a call every sample may name. */
  ticketId: string;
  callId: string;
  refs: Refs;
  close(): Promise<void>;
}

export async function openFuzzServer(): Promise<FuzzServer> {
  const db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  const fixtures = await seedFixtures(db);
  const extra = (username: string, role: User['role']) =>
    createUser(db, { username, name: username, role, extension: null, teamId: null, password: PASSWORD });
  const staff: Staff = { ...fixtures, admin: await extra('admin', 'admin'), pbx: await extra('pbx', 'integration') };

  const app = buildServer({
    db,
    loginRateLimit: { max: 1_000_000, timeWindow: '1 minute' },
    cti: { token: CTI_TOKEN, sweepIntervalMs: 3_600_000, rateLimit: { max: 1_000_000, timeWindow: '1 minute' } },
  });
  const routes: Route[] = [];
  // Routes are declared inside plugins, which load at ready(): a hook added now sees every one of them.
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  const reached = new Map<string, number>();
  app.addHook('preHandler', async (request) => {
    const key = `${request.method} ${request.routeOptions.url ?? ''}`;
    reached.set(key, (reached.get(key) ?? 0) + 1);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const tokens = new Map<Username, string>();
  // The suite's staff sign in from their own PC. Fuzzed logins (wrong passwords, any username) come from
  // 127.0.0.1 (inject's default, and the desk's sockets): the failed-login limits (server/auth/login-limits.ts,
  // at their defaults here) soon hold that address, and must not stop the real owner signing in from elsewhere.
  const relogin = async (username: Username) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: STAFF_ADDRESS,
      payload: { username, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    tokens.set(username, res.json<{ token: string }>().token);
  };
  for (const username of USERNAMES) await relogin(username);

  // A ticket and a call for samples to point at, and a ticket deletions may take.
  const ticketId = randomUUID();
  const victimId = randomUUID();
  const callId = randomUUID();
  const create = (id: string, title: string) => ({
    name: 'ticket.create',
    args: { id, eventId: randomUUID(), type: 'repair', category: 'lift', channel: 'phone', title },
  });
  const push = await app.inject({
    method: 'POST',
    url: '/api/v1/sync/push',
    headers: { authorization: `Bearer ${tokens.get('agent01')}` },
    payload: {
      clientId: randomUUID(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: [
        { id: 1, ...create(ticketId, '电梯') },
        { id: 2, ...create(victimId, '重复报修') },
        {
          id: 3,
          name: 'call.log',
          args: { id: callId, direction: 'inbound', from: '13800138000', startedAt: new Date().toISOString() },
        },
      ],
    },
  });
  if (push.json<PushResponse>().results.some((r) => r.outcome !== 'applied')) throw new Error(push.body);

  return {
    db,
    app,
    baseUrl,
    staff,
    token: (username) => tokens.get(username) ?? '',
    relogin,
    routes,
    reached,
    fingerprint: await createDbFingerprint(db),
    ticketId,
    callId,
    refs: { ticketId, residentId: 'r2', victimId, callId, agentId: staff.agent.id, ctiToken: CTI_TOKEN },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** How many cases the suite runs: FUZZ_RUNS (default 10,500) split over the targets by weight. */
export const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 10_500);
export const SEED = Number(process.env.FUZZ_SEED ?? 20_261_111);

export function runsFor(weight: number, weights: number): number {
  return Math.max(1, Math.round((TOTAL_RUNS * weight) / weights));
}

/** Cases run per target, for the closing report. */
export const caseCounts = new Map<string, number>();
export function countCase(target: string): void {
  caseCounts.set(target, (caseCounts.get(target) ?? 0) + 1);
}

export function report(): string {
  const rows = [...caseCounts].map(([target, n]) => `  ${target.padEnd(44)} ${String(n).padStart(7)}`);
  const total = [...caseCounts.values()].reduce((a, b) => a + b, 0);
  return [
    '[fuzz] cases per target (seed ' + SEED + '):',
    ...rows,
    `  ${'total'.padEnd(44)} ${String(total).padStart(7)}`,
  ].join('\n');
}
