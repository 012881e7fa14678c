/** A central server with staff for the CTI tests: three agents with extensions, a lead, an admin, a kiosk, the PBX. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Call, User } from '../../../common/domain';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../../common/sync';
import { buildServer, type CtiOptions } from '../../../server/app';
import { createUser } from '../../../server/auth/users';
import type { Db } from '../../../server/db/driver';
import { CALL_COLUMNS, callFromRow, type Row } from '../../../server/db/rows';
import type { Backend } from './backends';
import { PASSWORD, seedFixtures, type Fixtures } from './fixtures';

export const CTI_TOKEN = 'zammad-token-0123456789abcdef';

export interface CtiStaff extends Fixtures {
  agent3: User;
  admin: User;
  pbx: User;
}

export interface CtiServer {
  db: Db;
  app: FastifyInstance;
  staff: CtiStaff;
  tokens: Record<string, string>;
  /** A request as `username` (bearer token), or without one (`null`). */
  request(
    username: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** POSTs a Zammad request as JSON (or a raw body with its content type). */
  zammad(body: unknown, contentType?: string, token?: string): Promise<LightMyRequestResponse>;
  /** Pushes mutations from a new desk client of `username`. */
  push(username: string, mutations: { name: string; args: unknown }[]): Promise<PushResponse>;
  calls(): Promise<Call[]>;
  /** The record a reporter's call id belongs to. */
  callOf(reporterId: string): Promise<Call | undefined>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function openCtiServer(backend: Backend, cti: CtiOptions = {}): Promise<CtiServer> {
  const { db, dispose } = await backend.open();
  const fixtures = await seedFixtures(db);
  const user = (username: string, role: User['role'], extension: string | null, name = username) =>
    createUser(db, { username, name, role, extension, teamId: null, password: PASSWORD });
  const staff: CtiStaff = {
    ...fixtures,
    agent3: await user('agent03', 'agent', '8003', '王芳'),
    admin: await user('admin', 'admin', null),
    pbx: await user('pbx', 'integration', null),
  };
  const app = buildServer({
    db,
    loginRateLimit: { max: 1000, timeWindow: '1 minute' },
    cti: { token: CTI_TOKEN, sweepIntervalMs: 3_600_000, ...cti },
  });
  await app.ready();
  const tokens: Record<string, string> = {};
  for (const username of ['agent01', 'agent02', 'agent03', 'lead01', 'kiosk01', 'admin', 'pbx']) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    tokens[username] = res.json<{ token: string }>().token;
  }
  const request: CtiServer['request'] = (username, method, url, payload, headers = {}) =>
    app.inject({
      method,
      url,
      headers: { ...(username ? { authorization: `Bearer ${tokens[username]}` } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as string }),
    });
  return {
    db,
    app,
    staff,
    tokens,
    request,
    zammad: (body, contentType, token = CTI_TOKEN) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cti/generic/${token}`,
        ...(contentType ? { headers: { 'content-type': contentType } } : {}),
        payload: body as string,
      }),
    async push(username, mutations) {
      const res = await request(username, 'POST', '/api/v1/sync/push', {
        clientId: randomUUID(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: mutations.map((m, i) => ({ id: i + 1, ...m })),
      });
      if (res.statusCode !== 200) throw new Error(`push ${res.statusCode}: ${res.body}`);
      return res.json<PushResponse>();
    },
    async calls() {
      const { rows } = await db.query<Row>(`SELECT ${CALL_COLUMNS} FROM calls ORDER BY started_at, id`);
      return rows.map(callFromRow);
    },
    async callOf(reporterId) {
      const { rows } = await db.query<Row>(
        `SELECT ${CALL_COLUMNS} FROM calls WHERE id IN (SELECT call_id FROM call_aliases WHERE kind = 'call' AND alias = $1)`,
        [reporterId],
      );
      return rows[0] ? callFromRow(rows[0]) : undefined;
    },
    async count(table) {
      const { rows } = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`);
      return Number(rows[0]?.n);
    },
    async close() {
      await app.close();
      await dispose();
    },
  };
}

/** Row counts of everything a CTI request may write: equal before and after a refused request. */
export async function ctiCounts(s: CtiServer): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['calls', 'call_aliases', 'cti_events', 'change_log', 'agent_presence', 'call_blocks']) {
    out[t] = await s.count(t);
  }
  return out;
}
