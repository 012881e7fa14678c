/**
 * Every role with a session, for tests of who may do what: the fixtures' agents, lead and kiosk plus an admin, a
 * technician and the PBX's integration account. Tokens are issued directly (no login round trip or rate limit).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role, User } from '../../../common/domain';
import { SYNC_SCHEMA_VERSION, ticketFromWire, type Change, type PullResponse } from '../../../common/sync';
import { issueToken } from '../../../server/auth/tokens';
import { createUser } from '../../../server/auth/users';
import type { Db } from '../../../server/db/driver';
import { PASSWORD, seedFixtures, type Fixtures } from './fixtures';

export interface Staff extends Fixtures {
  admin: User;
  technician: User;
  integration: User;
}

export type StaffName = keyof Staff;

export async function seedStaff(db: Db): Promise<{ staff: Staff; tokens: Record<StaffName, string> }> {
  const fixtures = await seedFixtures(db);
  const extra = (username: string, role: Role) =>
    createUser(db, { username, name: username, role, teamId: 'cs', password: PASSWORD });
  const staff: Staff = {
    ...fixtures,
    admin: await extra('admin01', 'admin'),
    technician: await extra('tech01', 'technician'),
    integration: await extra('pbx01', 'integration'),
  };
  const tokens = {} as Record<StaffName, string>;
  for (const [name, user] of Object.entries(staff) as [StaffName, User][]) {
    tokens[name] = (await issueToken(db, user.id, new Date(), 365 * 86_400_000 * 10)).token;
  }
  return { staff, tokens };
}

/** Requests as one member of staff, plus push and pull with a console of their own. */
export function actingAs(app: FastifyInstance, token: string | undefined) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const clientId = randomUUID();
  let nextMutation = 1;
  const api = {
    clientId,
    get: (url: string) => app.inject({ method: 'GET', url, headers }),
    post: (url: string, payload?: unknown) =>
      app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) }),
    /** Pushes mutations as this console's next ids; returns the results. */
    async push(...mutations: { name: string; args: unknown }[]) {
      const res = await api.post('/api/v1/sync/push', {
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: mutations.map((m) => ({ id: nextMutation++, ...m })),
      });
      if (res.statusCode !== 200) throw new Error(`push: ${res.statusCode} ${res.body}`);
      return res.json<{ results: { outcome: string; error?: { code: string } }[] }>().results;
    },
    /**
     * Every change after `cursor`, tickets spread over their field names, and the cursor to go on from. Schema 5
     * replays the whole log from the start; the current schema begins a first pull with a snapshot (partial history).
     */
    async pullAll(
      cursor: string | null = null,
      schemaVersion = SYNC_SCHEMA_VERSION,
    ): Promise<{ changes: Change[]; cursor: string }> {
      const changes: Change[] = [];
      for (;;) {
        const res: LightMyRequestResponse = await api.post('/api/v1/sync/pull', {
          clientId,
          schemaVersion,
          cursor,
        });
        if (res.statusCode !== 200) throw new Error(`pull: ${res.statusCode} ${res.body}`);
        const page = res.json<PullResponse>();
        changes.push(
          ...page.changes.map((c) =>
            c.entity === 'ticket' && c.op === 'put' ? { ...c, data: ticketFromWire(c.data) } : c,
          ),
        );
        cursor = page.cursor;
        if (!page.more) return { changes, cursor };
      }
    },
  };
  return api;
}
