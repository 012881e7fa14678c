/**
 * The desk methods of auto-assignment and escalation (issue 12 item 2) against the real central server: a lead
 * reads the queues, sets a rule and a capacity, lists and acknowledges escalations, and a new escalation reaches
 * the lead's console live as `assignment.escalated`; an agent is refused with `forbidden`, bad input with
 * `invalid_input`, and an unreachable server with `offline`.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import { sweepAssignments } from '../../server/assignment/escalation';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { PASSWORD, seedFixtures, type Fixtures } from './support/fixtures';

let db: Db;
let server: FastifyInstance;
let baseUrl = '';
let staff: Fixtures;
const dirs: string[] = [];
const desks: DeskHost[] = [];

interface Console {
  desk: DeskHost;
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
}

async function signedIn(username: string, serverUrl = baseUrl, live = false): Promise<Console> {
  const profileDir = mkdtempSync(join(tmpdir(), 'desk-assign-'));
  dirs.push(profileDir);
  const desk = await createDesk({
    profileDir,
    serverUrl,
    sync: { intervalMs: 60_000 },
    ...(live ? {} : { live: false as const }),
    residents: { minIntervalMs: 0 },
  });
  desks.push(desk);
  const console: Console = {
    desk,
    async call(method, input) {
      const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
      if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
      return res.value as MethodOutput<typeof method>;
    },
  };
  await console.call('session.login', { username, password: PASSWORD });
  return console;
}

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  staff = await seedFixtures(db);
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const desk of desks) await desk.close();
  await server?.close();
  await db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('assignment desk methods', () => {
  it('lets a lead read and set a queue rule and a capacity', async () => {
    const lead = await signedIn('lead01');
    const overview = await lead.call('assignment.overview');
    expect(overview.queues.map((q) => q.settings.teamId)).toEqual(['cs', 'plumbing']);
    const settings = await lead.call('assignment.setQueue', {
      teamId: 'cs',
      mode: 'least_loaded',
      skillsFilter: false,
      escalateAfterMinutes: 15,
      escalateToId: staff.lead.id,
    });
    expect(settings).toEqual({
      teamId: 'cs',
      mode: 'least_loaded',
      skillsFilter: false,
      escalateAfterMinutes: 15,
      escalateToId: staff.lead.id,
    });
    expect(await lead.call('assignment.setCapacity', { userId: staff.agent.id, capacity: 4 })).toEqual({ capacity: 4 });
    const after = await lead.call('assignment.overview');
    const cs = after.queues.find((q) => q.settings.teamId === 'cs');
    expect(cs?.settings.mode).toBe('least_loaded');
    expect(cs?.agents.find((a) => a.id === staff.agent.id)?.capacity).toBe(4);
  });

  it('refuses an agent (forbidden) and bad input (invalid_input), changing nothing', async () => {
    const agent = await signedIn('agent01');
    await expect(agent.call('assignment.overview')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      agent.call('assignment.setQueue', {
        teamId: 'cs',
        mode: 'manual',
        skillsFilter: true,
        escalateAfterMinutes: null,
        escalateToId: null,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const lead = await signedIn('lead01');
    await expect(
      lead.call('assignment.setCapacity', { userId: staff.agent.id, capacity: -1 } as never),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const cs = (await lead.call('assignment.overview')).queues.find((q) => q.settings.teamId === 'cs');
    expect(cs?.settings.mode).toBe('least_loaded');
  });

  it('says offline when the server cannot be reached', async () => {
    const lead = await signedIn('lead01');
    await server.close();
    try {
      await expect(lead.call('assignment.escalations', { open: true })).rejects.toMatchObject({ code: 'offline' });
    } finally {
      server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
      await server.listen({ host: '127.0.0.1', port: Number(new URL(baseUrl).port) });
    }
  });

  it('announces a new escalation live; the lead lists and acknowledges it', async () => {
    const lead = await signedIn('lead01', baseUrl, true);
    const announced: string[] = [];
    lead.desk.subscribe((event, payload) => {
      if (event === 'assignment.escalated') announced.push((payload as { id: string }).id);
    });
    const id = randomUUID();
    await db.query(
      `INSERT INTO tickets (id, type, category, channel, priority, status, title, team_id, created_at, updated_at,
                            sla_started_at, sla_due_at)
       VALUES ($1, 'repair', 'plumbing', 'phone', 2, 'new', '漏水', 'cs', now(), now(), now() - interval '2 hours',
               now() - interval '1 hour')`,
      [id],
    );
    // The console's live socket is up (it is the only console here with one).
    await expect.poll(() => server.live.size(), { timeout: 10_000 }).toBeGreaterThan(0);
    const [escalationId] = await sweepAssignments(db, new Date());
    expect(escalationId).toBeDefined();
    await expect.poll(() => announced, { timeout: 10_000 }).toContain(escalationId);
    const open = await lead.call('assignment.escalations', { open: true });
    expect(open.map((e) => e.ticketId)).toContain(id);
    const acknowledged = await lead.call('assignment.acknowledge', { id: escalationId! });
    expect(acknowledged.acknowledgedBy).toBe(staff.lead.id);
    expect((await lead.call('assignment.escalations', { open: true })).map((e) => e.id)).not.toContain(escalationId);
  });
});
