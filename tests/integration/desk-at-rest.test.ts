/**
 * The desk at rest against the real central server (in-process, PGlite in memory), issue 11 §3: nothing but
 * signing in answers without a signed-in session (before login and after logout, every method of the contract
 * tried), the session token and residents' data are nowhere in the profile in plain text, and a profile from before
 * (plain cache, plain token, a queued change) is encrypted, resumes its session and syncs.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  METHOD_NAMES,
  dispatchDeskCall,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../common/contract';
import type { User } from '../../common/domain';
import { maskPhone } from '../../common/residents/phone';
import { isPlainSqliteFile } from '../../main/cache/cipher';
import { CACHE_FILE } from '../../main/cache/db';
import { migrate as migrateCache } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { PRE_LOGIN_METHODS } from '../../main/session-guard';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';
import { openProfileCache } from '../support/cache-file';

const PASSWORD = 'correct horse battery';
const PHONE = '13912345678';

let db: Db;
let server: FastifyInstance;
let baseUrl = '';
let agent: User;
const dirs: string[] = [];
const desks = new Set<DeskHost>();

function profile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-rest-'));
  dirs.push(dir);
  return dir;
}

interface Console {
  desk: DeskHost;
  /** Every bearer token the desk sent to the server. */
  tokens: Set<string>;
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
  close(): Promise<void>;
}

async function openConsole(profileDir: string): Promise<Console> {
  const tokens = new Set<string>();
  const desk = await createDesk({
    profileDir,
    serverUrl: baseUrl,
    sync: { intervalMs: 600_000 },
    live: false,
    requestTimeoutMs: 5_000,
    fetch: (input, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (auth?.startsWith('Bearer ')) tokens.add(auth.slice('Bearer '.length));
      return fetch(input, init);
    },
  });
  desks.add(desk);
  return {
    desk,
    tokens,
    async call(method, input) {
      const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
      if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
      return res.value as MethodOutput<typeof method>;
    },
    async close() {
      desks.delete(desk);
      await desk.close();
    },
  };
}

/** Calls every method of the contract but the sign-in ones; returns those that did not refuse as unauthenticated. */
async function methodsAnsweringSignedOut(c: Console): Promise<string[]> {
  const answered: string[] = [];
  for (const method of METHOD_NAMES) {
    if (PRE_LOGIN_METHODS.has(method)) continue;
    // Straight to the handler: the guard must hold whatever input got past the transport.
    const handler = c.desk.handlers[method] as (input: unknown) => Promise<unknown>;
    const outcome = await handler({}).then(
      () => 'answered',
      (err: { code?: string; message?: string }) =>
        err.code === 'unauthenticated' && /请先登录/.test(err.message ?? '') && /Sign in/.test(err.message ?? '')
          ? null
          : `failed with ${err.code}: ${err.message}`,
    );
    if (outcome) answered.push(`${method} ${outcome}`);
  }
  return answered;
}

/** Paths of the files under `dir` whose bytes contain `text`. */
function filesHolding(dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => readFileSync(path).includes(text));
}

beforeAll(async () => {
  db = await openDb({ dataDir: 'memory' });
  await migrate(db);
  agent = await createUser(db, { username: 'agent01', name: '坐席一', role: 'agent', password: PASSWORD });
  server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
  await server.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const desk of desks) await desk.close();
  desks.clear();
});
afterAll(async () => {
  await server.close();
  await db.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a signed-in session guards every desk method', () => {
  it('lets only signing in answer without one: the allow-list is exactly the two sign-ins (console and lobby), me and logout', async () => {
    expect([...PRE_LOGIN_METHODS].sort()).toEqual(['kiosk.signIn', 'session.login', 'session.logout', 'session.me']);
    const c = await openConsole(profile());
    expect(await methodsAnsweringSignedOut(c)).toEqual([]);
    // Through the transport too, with valid input.
    await expect(c.call('tickets.list', { view: 'all' })).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(c.call('residents.lookup', { q: '13' })).rejects.toMatchObject({ code: 'unauthenticated' });
    expect((await c.call('session.me')).user).toBeNull();
    expect((await c.call('session.logout')).user).toBeNull();
  });

  it('signed in, the desk answers; after logout every data method refuses again, the cache kept for the next login', async () => {
    const c = await openConsole(profile());
    await c.call('session.login', { username: 'agent01', password: PASSWORD });
    const created = await c.call('tickets.create', {
      type: 'repair',
      category: 'plumbing',
      channel: 'phone',
      title: 'Leak under the sink',
      phone: PHONE,
    });
    expect((await c.call('sync.now')).pending).toBe(0);
    expect((await c.call('tickets.list', { view: 'all' })).total).toBe(1);
    expect((await c.call('tickets.search', { q: 'Leak under' })).items).toHaveLength(1);

    await c.call('session.logout');
    expect(await methodsAnsweringSignedOut(c)).toEqual([]);

    await c.call('session.login', { username: 'agent01', password: PASSWORD });
    // The number as the cache keeps it: masked (issue 11 §4).
    expect((await c.call('tickets.get', { id: created.id }))?.ticket.phone).toBe(maskPhone(PHONE));
  });

  it('a session the server revoked leaves the desk signed out: data methods refuse', async () => {
    const c = await openConsole(profile());
    await c.call('session.login', { username: 'agent01', password: PASSWORD });
    await c.call('sync.now');
    const [token] = [...c.tokens];
    const revoked = await fetch(`${baseUrl}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(revoked.status).toBeLessThan(300);
    await c.call('sync.now').catch(() => undefined); // the 401 ends the session
    expect((await c.call('session.me')).user).toBeNull();
    expect(await methodsAnsweringSignedOut(c)).toEqual([]);
  });
});

describe('the profile at rest', () => {
  it('holds neither the session token nor residents’ numbers in plain text, and resumes the session after a restart', async () => {
    const dir = profile();
    let c = await openConsole(dir);
    await c.call('session.login', { username: 'agent01', password: PASSWORD });
    await c.call('tickets.create', { type: 'repair', category: 'lift', channel: 'phone', title: 'Lift', phone: PHONE });
    expect((await c.call('sync.now')).pending).toBe(0);
    const [token] = [...c.tokens];
    expect(token?.length).toBeGreaterThan(16);
    // While the desk runs (the log holds the latest changes) and after it closed.
    expect(filesHolding(dir, token!)).toEqual([]);
    expect(filesHolding(dir, PHONE)).toEqual([]);
    await c.close();
    expect(filesHolding(dir, token!)).toEqual([]);
    expect(filesHolding(dir, PHONE)).toEqual([]);
    const cache = openProfileCache(dir);
    const metaKeys = cache.prepare(`SELECT key FROM meta WHERE key LIKE 'session%' ORDER BY key`).pluck().all();
    cache.close();
    expect(metaKeys).toEqual(['session_token_sealed', 'session_user']);

    c = await openConsole(dir);
    expect((await c.call('session.me')).user?.id).toBe(agent.id);
    expect((await c.call('sync.now')).state).toBe('online');
    expect(c.tokens).toContain(token);
  });

  it('a profile from before (plain cache and token, a queued change) is encrypted, resumes its session and syncs', async () => {
    const dir = profile();
    const login = (await (
      await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'agent01', password: PASSWORD }),
      })
    ).json()) as { token: string; user: User };
    // As the previous version wrote it: no key, so a plain SQLite file, the token in plain text.
    const old = new Database(join(dir, CACHE_FILE));
    old.pragma('journal_mode = WAL');
    migrateCache(old, MIGRATIONS);
    const meta = old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    meta.run('client_id', randomUUID());
    meta.run('server_url', baseUrl);
    meta.run('session_token', login.token);
    meta.run('session_user', JSON.stringify(login.user));
    const id = randomUUID();
    const args = { id, eventId: randomUUID(), type: 'repair', category: 'plumbing', channel: 'phone', title: 'Queued' };
    old
      .prepare('INSERT INTO outbox (name, args, created_at) VALUES (?, ?, ?)')
      .run('ticket.create', JSON.stringify({ ...args, phone: PHONE }), new Date().toISOString());
    old.close();
    expect(isPlainSqliteFile(join(dir, CACHE_FILE))).toBe(true);
    expect(filesHolding(dir, login.token)).toHaveLength(1);

    const c = await openConsole(dir);
    expect((await c.call('session.me')).user?.id).toBe(agent.id); // resumed, no login
    expect(await c.call('sync.now')).toMatchObject({ state: 'online', pending: 0, rejected: [] });
    expect([...c.tokens]).toEqual([login.token]);
    expect((await c.call('tickets.get', { id }))?.ticket.title).toBe('Queued');
    expect(isPlainSqliteFile(join(dir, CACHE_FILE))).toBe(false);
    expect(filesHolding(dir, login.token)).toEqual([]);
    expect(filesHolding(dir, PHONE)).toEqual([]);
  });
});
