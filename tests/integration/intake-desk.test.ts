/**
 * Intake through the desk host against the central server (in-process, PGlite): after a sync cycle the residents
 * directory arrives in the cache (each page announced with `residents.changed`), `residents.lookup` answers from it
 * (also with the server gone), and `tickets.duplicates` offers the open ticket of the unit and category instead of a
 * new one.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { PASSWORD, seedFixtures } from './support/fixtures';

let db: Db;
let server: FastifyInstance;
let desk: DeskHost;
let dir: string;

async function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
  if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
  return res.value as MethodOutput<M>;
}

async function waitFor<T>(probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met within 10 s');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  await seedFixtures(db);
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'desk-intake-'));
  desk = await createDesk({
    profileDir: dir,
    serverUrl: `http://127.0.0.1:${port}`,
    sync: { intervalMs: 60_000 },
    live: false,
    requestTimeoutMs: 5_000,
    residents: { minIntervalMs: 0 },
  });
});
afterAll(async () => {
  await desk?.close();
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('intake through the desk host', () => {
  it('refuses lookups before login', async () => {
    await expect(call('residents.lookup', { q: '3-1-502' })).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(call('residents.lookup', { q: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('downloads the directory after a sync cycle and looks residents up offline', async () => {
    const announced: string[] = [];
    const unsubscribe = desk.subscribe((event) => {
      if (event === 'residents.changed') announced.push(event);
    });
    await call('session.login', { username: 'agent01', password: PASSWORD });
    await call('sync.now');
    const found = await waitFor(async () => {
      const res = await call('residents.lookup', { q: '3栋1单元502' });
      return res.items.length > 0 && res;
    });
    expect(found.directoryEmpty).toBe(false);
    // Each page written is announced, so an intake lookup typed meanwhile asks again (issue 9).
    expect(announced.length).toBeGreaterThan(0);
    unsubscribe();
    expect(found.items.map((m) => [m.resident.id, m.matchedBy, m.exact, m.unitIds])).toEqual([
      ['r1', 'unit', true, ['p1-3-1-502']],
    ]);
    expect(found.items[0]?.resident.units[0]).toMatchObject({ code: '3-1-502', projectName: '翠湖苑' });

    await server.close(); // offline from here on: the cache answers alone
    expect((await call('residents.lookup', { q: '(021) 6234-5678' })).items.map((m) => m.resident.id)).toEqual(['r2']);
    expect((await call('residents.lookup', { q: '8000' })).items.map((m) => m.resident.id)).toEqual(['r1']);
    expect((await call('residents.lookup', { q: '李' })).items.map((m) => m.resident.name)).toEqual(['李娜']);
  });

  it('offers the open ticket of the unit and category; a note links the call to it', async () => {
    const probe = { unitId: 'p1-3-1-502', category: 'plumbing' } as const;
    expect(await call('tickets.duplicates', probe)).toEqual([]);
    const ticket = await call('tickets.create', {
      type: 'repair',
      category: 'plumbing',
      channel: 'phone',
      priority: 2,
      title: '厨房漏水',
      unitId: 'p1-3-1-502',
      unitCode: '3-1-502',
      residentId: 'r1',
      residentName: '张伟',
    });
    expect((await call('tickets.duplicates', probe)).map((t) => t.id)).toEqual([ticket.id]);
    // Linking is a note on the open ticket, not a second ticket.
    await call('tickets.comment', { id: ticket.id, body: '住户再次来电反映此问题（渠道：电话）' });
    expect((await call('tickets.duplicates', probe)).map((t) => t.id)).toEqual([ticket.id]);
    expect((await call('tickets.get', { id: ticket.id }))?.events.map((e) => e.kind)).toContain('comment');
    expect(await call('tickets.duplicates', { ...probe, category: 'electrical' })).toEqual([]);
    expect(await call('tickets.duplicates', { ...probe, unitId: 'p1-3-1-503' })).toEqual([]);
    await expect(call('tickets.duplicates', { unitId: '', category: 'plumbing' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
