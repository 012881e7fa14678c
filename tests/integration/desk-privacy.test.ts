/**
 * The desk methods of residents' personal data (issue 11 §4) against the real central server: an admin exports and
 * erases a resident and the console shows the anonymised ticket after its pull; leads read the audit log a page at
 * a time; the server's refusals and an unreachable server come back as clear error codes.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { ERASED_RESIDENT_NAME } from '../../common/privacy';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { PASSWORD, seedFixtures } from './support/fixtures';

let db: Db;
let server: FastifyInstance;
let baseUrl = '';
const dirs: string[] = [];
const desks: DeskHost[] = [];

interface Console {
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
}

async function signedIn(username: string): Promise<Console> {
  const profileDir = mkdtempSync(join(tmpdir(), 'desk-privacy-'));
  dirs.push(profileDir);
  const desk = await createDesk({
    profileDir,
    serverUrl: baseUrl,
    sync: { intervalMs: 60_000 },
    live: false,
    residents: { minIntervalMs: 0 },
  });
  desks.push(desk);
  const console: Console = {
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
  await seedFixtures(db);
  await createUser(db, { username: 'admin01', name: '管理员', role: 'admin', password: PASSWORD });
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

afterAll(async () => {
  for (const desk of desks) await desk.close();
  await server?.close();
  await db?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('desk privacy methods', () => {
  let admin: Console;
  let lead: Console;
  let agent: Console;
  let ticketId = '';

  beforeAll(async () => {
    [admin, lead, agent] = await Promise.all([signedIn('admin01'), signedIn('lead01'), signedIn('agent01')]);
    const ticket = await agent.call('tickets.create', {
      type: 'repair',
      category: 'plumbing',
      channel: 'phone',
      title: '张伟家卫生间漏水',
      residentId: 'r1',
      unitId: 'p1-3-1-502',
      phone: '13800138000',
    });
    ticketId = ticket.id;
    await agent.call('sync.now');
  });

  /** The residents a console's directory finds for a name or number (downloaded in the background). */
  const lookup = async (c: Console, q: string) =>
    (await c.call('residents.lookup', { q })).items.map((m) => m.resident.id);

  it('exports a resident for an admin', async () => {
    const data = await admin.call('residents.export', { id: 'r1' });
    expect(data.resident.name).toBe('张伟');
    expect(data.tickets.map((t) => t.ticket.id)).toEqual([ticketId]);
  });

  it('refuses export and erasure to a lead with a clear code, and changes nothing', async () => {
    await expect(lead.call('residents.export', { id: 'r1' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(lead.call('residents.erase', { id: 'r1', reason: '本人申请' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(admin.call('residents.export', { id: 'nobody' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(admin.call('residents.erase', { id: 'r1', reason: ' ' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect((await admin.call('residents.export', { id: 'r1' })).resident.name).toBe('张伟');
  });

  it('erases a resident; a console shows the anonymised ticket after its next pull', async () => {
    await waitFor('the directory to hold r1', async () => (await lookup(agent, '张伟')).includes('r1'));
    expect(await lookup(agent, '13800138000')).toContain('r1');
    const result = await admin.call('residents.erase', { id: 'r1', reason: '本人书面申请' });
    expect(result).toMatchObject({ residentId: 'r1', tickets: 1 });
    await agent.call('sync.now');
    const local = await agent.call('tickets.get', { id: ticketId });
    expect(local?.ticket).toMatchObject({ residentName: ERASED_RESIDENT_NAME, phone: null });
    expect(local?.ticket.title).toBe(`${ERASED_RESIDENT_NAME}家卫生间漏水`);
    // The directory's tombstone reaches the console's cache: neither the name nor the number finds anyone.
    await waitFor('the tombstone to reach the directory', async () => {
      await agent.call('sync.now');
      return (await lookup(agent, '张伟')).length === 0;
    });
    expect(await lookup(agent, '13800138000')).not.toContain('r1');
  });

  it('reads the audit log for a lead, newest first, a page at a time', async () => {
    const first = await lead.call('audit.list', { action: 'resident.export', limit: 1 });
    expect(first.items).toHaveLength(1);
    expect(first.items[0]?.actor?.username).toBe('admin01');
    expect(first.nextCursor).not.toBeNull();
    const second = await lead.call('audit.list', { action: 'resident.export', limit: 1, cursor: first.nextCursor! });
    expect(Date.parse(second.items[0]!.at)).toBeLessThanOrEqual(Date.parse(first.items[0]!.at));
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    const erasures = await lead.call('audit.list', {
      subjectType: 'resident',
      subjectId: 'r1',
      action: 'resident.erase',
    });
    expect(erasures.items.map((i) => i.detail)).toEqual([{ reason: '本人书面申请', tickets: 1, calls: 0 }]);
  });

  it('refuses the audit log to an agent, and bad filters before they leave the desk', async () => {
    await expect(agent.call('audit.list', {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(lead.call('audit.list', { limit: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(lead.call('audit.list', { since: '2026-02-30T00:00:00Z', actor: randomUUID() })).rejects.toMatchObject(
      { code: 'invalid_input' },
    );
  });

  it('says plainly that the server cannot be reached', async () => {
    await server.close();
    await expect(lead.call('audit.list', {})).rejects.toMatchObject({
      code: 'offline',
      message: expect.stringMatching(/cannot be reached/),
    });
    await expect(admin.call('residents.export', { id: 'r1' })).rejects.toMatchObject({ code: 'offline' });
  });
});
