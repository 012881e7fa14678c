/**
 * Residents' personal data at the desk host against the central server (issue 11 §4, in-process, PGlite): after
 * login and a sync the cache holds numbers masked with their hashes — the cache file itself holds no whole number —
 * yet a whole typed number finds its resident offline; `phones.reveal` asks the server (audited) and fails offline
 * with `offline`; an erased resident leaves the desk's cache with the next directory download.
 */
import type { FastifyInstance } from 'fastify';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { openProfileCache } from '../support/cache-file';
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

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const lookup = async (q: string) => (await call('residents.lookup', { q })).items.map((m) => m.resident.id);

/**
 * Everything the cache holds, decrypted with the profile's key (the files themselves are encrypted at rest, so their
 * bytes would show nothing either way), plus every file's raw bytes.
 */
const profileBytes = () => {
  const cache = openProfileCache(dir, { readonly: true });
  try {
    const tables = cache.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    const rows = tables.map((table) => JSON.stringify(cache.prepare(`SELECT * FROM "${table}"`).all()));
    const files = readdirSync(dir).map((file) => readFileSync(join(dir, file)).toString('latin1'));
    return [...rows, ...files].join('\n');
  } finally {
    cache.close();
  }
};

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  await seedFixtures(db);
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  dir = mkdtempSync(join(tmpdir(), 'desk-privacy-'));
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

describe("residents' numbers at the desk", () => {
  it('keeps them masked, finds a whole typed number by its hash, and keeps no whole number on disk', async () => {
    await call('session.login', { username: 'agent01', password: PASSWORD });
    await call('sync.now');
    await waitFor('the directory', async () => (await lookup('李娜')).length > 0);
    const r2 = (await call('residents.lookup', { q: '李娜' })).items[0]?.resident;
    expect(r2?.phones).toEqual([{ shown: '021 **** 5678', hash: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown }]);
    expect(await lookup('021-62345678')).toEqual(['r2']);
    expect(await lookup('+86 138 0013 8000')).toEqual(['r1']);
    const bytes = profileBytes();
    expect(bytes).toContain('021 **** 5678');
    for (const whole of ['13800138000', '62345678', '0013 8000', '6234 5678']) expect(bytes).not.toContain(whole);
  });

  it('reveals a number through the server, audited, and not at all offline', async () => {
    const revealed = await call('phones.reveal', { subject: 'resident', id: 'r2', shown: '021 **** 5678' });
    expect(revealed).toEqual({ number: '021 6234 5678' });
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT action, subject_id, client_id, data FROM audit_log WHERE action = 'resident.reveal'`,
    );
    expect(rows).toMatchObject([{ subject_id: 'r2', data: { field: 'phone', purpose: 'view' } }]);
    expect(rows[0]?.client_id).toMatch(/^[0-9a-f-]{36}$/);
    // Nothing of it was kept.
    expect(profileBytes()).not.toContain('62345678');
    await expect(call('calls.dial', { subject: 'resident', id: 'r2', shown: '021 **** 5678' })).rejects.toMatchObject({
      code: 'no_softphone',
    });
  });

  it('deletes an erased resident from the cache with the next directory download', async () => {
    expect(await lookup('张伟')).toEqual(['r1']);
    // The erasure anonymises the row and sets erased_at; the update moves the resident in the feed's order.
    await db.query(`UPDATE residents SET erased_at = now(), name = '已删除住户' WHERE id = 'r1'`);
    await call('sync.now');
    await waitFor('the tombstone', async () => (await lookup('3-1-502')).length === 0);
    expect(await lookup('张伟')).toEqual([]);
    expect(await lookup('已删除')).toEqual([]);
    expect(await lookup('+86 138 0013 8000')).toEqual([]);
    expect(await lookup('李娜')).toEqual(['r2']);
  });

  it('says why a reveal cannot happen offline', async () => {
    await server.close();
    await expect(
      call('phones.reveal', { subject: 'resident', id: 'r2', shown: '021 **** 5678' }),
    ).rejects.toMatchObject({ code: 'offline' });
    // The cache still answers a whole typed number.
    expect(await lookup('(021) 6234-5678')).toEqual(['r2']);
  });
});
