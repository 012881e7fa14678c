/**
 * Starts the real stack for an e2e spec: the central server (PGlite, a copy of the run's demo data) and the browser
 * host, each as a child process on a free port, in a fresh temporary data folder. The browser host runs as it ships, the built
 * out/web/cli.mjs, rebuilt first when a source under main/ or common/ changed (scripts/build-web-host.mjs).
 *
 * The printed URL's token is good for one use (issue 11): the stack uses it once, as the user's browser would, and
 * hands the session cookie it got to every browser context of the spec (`test.use({ storageState })`, set up by
 * useStack; a context a test makes itself takes `stack().storageState`). `consoleUrl` is the bare console URL.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CtiSettings } from '../../common/calls/pop';
import { SYNC_SCHEMA_VERSION } from '../../common/sync';
import { openCache } from '../../main/cache/db';
import { createMetaRepo } from '../../main/cache/meta';
import { DEMO_TEMPLATE_ENV, root, start, startServerProcess, stopChild } from './processes';

type CtiSettingsInput = Parameters<typeof CtiSettings.parse>[0];

const webHost = join(root, 'out', 'web', 'cli.mjs');

function ensureWebHostBuilt(): void {
  const build = join(root, 'scripts', 'build-web-host.mjs');
  const result = spawnSync(process.execPath, [build, '--if-stale'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the browser host failed:\n${result.stdout}${result.stderr}`);
}

/**
 * A server data folder with the demo data: a copy of the run's seeded template (./demo-template.ts), or, when a
 * spec runs without the global setup, seeded by the server itself (`--seed demo`).
 */
function demoDataArgs(dataDir: string): string[] {
  const template = process.env[DEMO_TEMPLATE_ENV];
  if (!template) return ['--seed', 'demo'];
  cpSync(template, dataDir, { recursive: true });
  return [];
}

/** A profile's phone settings, as the console's own settings would store them (the cache's meta table). */
function writeCtiSettings(profileDir: string, settings: CtiSettingsInput): void {
  mkdirSync(profileDir, { recursive: true });
  const db = openCache(profileDir);
  try {
    createMetaRepo(db).set('cti_settings', JSON.stringify(CtiSettings.parse(settings)));
  } finally {
    db.close();
  }
}

/** A ticket's code as the console shows it (BX-20261126-0001). */
export const TICKET_CODE = /[A-Z]{2}-\d{8}-\d{4}/;

/** A browser context's cookies as Playwright stores them: the browser host's session. */
export interface StorageState {
  cookies: {
    name: string;
    value: string;
    domain: string;
    path: string;
    expires: number;
    httpOnly: boolean;
    secure: boolean;
    sameSite: 'Strict';
  }[];
  origins: [];
}

export interface Stack {
  serverUrl: string;
  /** The console's bare URL (`http://127.0.0.1:PORT/`): it opens with the session in `storageState`. */
  consoleUrl: string;
  /** The browser host's session, for `browser.newContext({ storageState })`. */
  storageState: StorageState;
  /** The URL the browser host printed; its one-time token is spent already (by the stack). */
  printedUrl: string;
  dir: string;
  /** Stops the central server (SIGTERM), leaving its data folder; the console goes offline. */
  stopServer(): Promise<void>;
  /**
   * Starts the central server again on the same data folder: on its old port by default (the console
   * reconnects), or on another (`port: 0` = any free one) to change data behind the console's back. Returns its URL.
   */
  startServer(options?: { port?: number }): Promise<string>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** The server's Zammad-compatible CTI token (`--cti-token`): the endpoint is off without one. */
  ctiToken?: string;
  /** The console profile's phone settings, written before the browser host starts (as a setup would leave them). */
  ctiSettings?: CtiSettingsInput;
}

/**
 * Opens the printed URL once, as the user's browser does, and returns the session it was traded for (the
 * HttpOnly cookie), plus the URL without the token.
 */
function exchangeToken(printedUrl: string): Promise<{ consoleUrl: string; storageState: StorageState }> {
  const url = new URL(printedUrl);
  return new Promise((resolvePromise, reject) => {
    get(printedUrl, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
      const eq = cookie.indexOf('=');
      if (res.statusCode !== 302 || eq <= 0) {
        reject(new Error(`the browser host did not take its printed URL (${res.statusCode}, cookie "${cookie}")`));
        return;
      }
      const session = {
        name: cookie.slice(0, eq),
        value: cookie.slice(eq + 1),
        domain: url.hostname,
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Strict' as const,
      };
      resolvePromise({ consoleUrl: `${url.origin}/`, storageState: { cookies: [session], origins: [] } });
    }).on('error', reject);
  });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  ensureWebHostBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'desk-e2e-'));
  const dataDir = join(dir, 'server');
  const server = await startServerProcess([
    ...['--port', '0', '--data', dataDir, ...demoDataArgs(dataDir)],
    ...(options.ctiToken ? ['--cti-token', options.ctiToken] : []),
  ]);
  if (options.ctiSettings) writeCtiSettings(join(dir, 'profile'), options.ctiSettings);
  const serverUrl = server.url;
  let serverChild: ChildProcess | null = server.child;
  const host = await start(
    [webHost, '--port', '0', '--server', serverUrl, '--profile', join(dir, 'profile')],
    /Desk console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
  );
  const printedUrl = host.match[1]!;
  const { consoleUrl, storageState } = await exchangeToken(printedUrl);
  return {
    serverUrl,
    consoleUrl,
    storageState,
    printedUrl,
    dir,
    async stopServer() {
      if (serverChild) await stopChild(serverChild);
      serverChild = null;
    },
    async startServer({ port = Number(new URL(serverUrl).port) } = {}) {
      if (serverChild) throw new Error('the server is already running');
      const again = await startServerProcess(['--port', String(port), '--data', dataDir]);
      serverChild = again.child;
      return again.url;
    },
    async stop() {
      await stopChild(host.child);
      if (serverChild) await stopChild(serverChild);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One stack for the spec file that calls this at its top level: started before its first test, stopped after its
 * last. Returns the running stack's accessor.
 */
export function useStack(options: StackOptions | (() => Promise<StackOptions>) = {}): () => Stack {
  let stack: Stack | null = null;
  // Every context of the file's tests gets the session: written once the stack runs, read when a test's context
  // is made (after beforeAll). Electron tests make no browser context and never read it.
  const stateFile = join(tmpdir(), `desk-e2e-session-${randomUUID()}.json`);
  test.use({ storageState: stateFile });
  test.beforeAll(async () => {
    stack = await startStack(typeof options === 'function' ? await options() : options);
    writeFileSync(stateFile, JSON.stringify(stack.storageState));
  });
  test.afterAll(async () => {
    await stack?.stop();
    stack = null;
    rmSync(stateFile, { force: true });
  });
  return () => {
    if (!stack) throw new Error('no stack is running: use it inside a test of the file that called useStack()');
    return stack;
  };
}

/** Logs in against the central API directly, for assertions about what the server holds. */
export async function apiToken(serverUrl: string, username = 'agent01', password = 'demo'): Promise<string> {
  const res = await fetch(`${serverUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * Files a P0 repair as the holder of `token`: breached from its start (its respond limit is 0 minutes). The demo's
 * overdue and at-risk tickets depend on the hour it was seeded for — at some hours there are none — so a spec that
 * needs one files its own.
 */
export async function fileBreachedRepair(
  serverUrl: string,
  token: string,
  { title, teamId = null }: { title: string; teamId?: string | null },
): Promise<void> {
  await pushMutations(serverUrl, token, [
    {
      name: 'ticket.create',
      args: {
        id: randomUUID(),
        eventId: randomUUID(),
        type: 'repair',
        category: 'plumbing',
        channel: 'phone',
        priority: 0,
        title,
        teamId,
      },
    },
  ]);
}

/** Pushes `mutations` as a fresh client would and expects each one applied. */
export async function pushMutations(
  serverUrl: string,
  token: string,
  mutations: { name: string; args: unknown }[],
): Promise<void> {
  const res = await fetch(`${serverUrl}/api/v1/sync/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: randomUUID(),
      schemaVersion: SYNC_SCHEMA_VERSION,
      mutations: mutations.map((m, i) => ({ id: i + 1, ...m })),
    }),
  });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: { outcome: string }[] };
  expect(results.map((r) => r.outcome)).toEqual(mutations.map(() => 'applied'));
}

/**
 * Opens the console signed in as `username` (zh-CN screens) and waits for its first rows and for the initial sync
 * (search and the view counts read the local cache). The desk host keeps its session across pages and tests: it
 * is kept, unless `signOutFirst` asks for a new sign-in (another user, say).
 */
export async function signIn(
  page: Page,
  consoleUrl: string,
  { username = 'agent01', signOutFirst = false }: { username?: string; signOutFirst?: boolean } = {},
): Promise<void> {
  await page.goto(consoleUrl);
  const form = page.getByLabel('用户名');
  const signOut = page.getByRole('button', { name: '退出' });
  await expect(form.or(signOut)).toBeVisible({ timeout: 60_000 });
  if (signOutFirst) {
    // The header can be drawn again while the session settles (its button then detaches): retry until signed out.
    await expect(async () => {
      if (await form.isVisible()) return;
      await signOut.click({ timeout: 2_000 });
      await expect(form).toBeVisible({ timeout: 5_000 });
    }).toPass({ timeout: 60_000 });
  }
  if (await form.isVisible()) {
    await form.fill(username);
    await page.getByLabel('密码').fill('demo');
    await page.getByRole('button', { name: '登录' }).click();
  }
  await expect(page.getByRole('listbox', { name: '工单' }).getByRole('option').first()).toContainText(TICKET_CODE, {
    timeout: 60_000,
  });
  await expect(page.getByRole('status', { name: '同步状态' })).toContainText('在线', { timeout: 90_000 });
}

/** A lobby machine's browser host (kiosk or display): its own profile, its session opened at its own page. */
export interface LobbyHost {
  /** The lobby page's bare URL (`http://127.0.0.1:PORT/kiosk`): it opens with the session in `storageState`. */
  url: string;
  storageState: StorageState;
  stop(): Promise<void>;
}

/**
 * Starts another browser host against the stack's server, as the lobby's kiosk or display machine runs one, and
 * spends its printed link at `/kiosk` or `/display` (the page the link is opened at fixes the session's page).
 */
export async function startLobbyHost(stack: Stack, page: 'kiosk' | 'display'): Promise<LobbyHost> {
  const host = await start(
    [webHost, '--port', '0', '--server', stack.serverUrl, '--profile', join(stack.dir, `${page}-profile`)],
    /Desk console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
  );
  const { consoleUrl, storageState } = await exchangeToken(host.match[1]!.replace('/?', `/${page}?`));
  return {
    url: `${consoleUrl}${page}`,
    storageState,
    stop: () => stopChild(host.child),
  };
}

/** Another console (a browser host with a profile of its own) against a running stack's server. */
export interface ExtraConsole {
  consoleUrl: string;
  storageState: StorageState;
  stop(): Promise<void>;
}

/**
 * Starts a second console on the same central server, as a colleague's desk would be (issue 12: the lead's move
 * seen live on the agent's console). Stop it before the stack.
 */
export async function startExtraConsole(serverUrl: string): Promise<ExtraConsole> {
  ensureWebHostBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'desk-e2e-extra-'));
  const host = await start(
    [webHost, '--port', '0', '--server', serverUrl, '--profile', join(dir, 'profile')],
    /Desk console: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/,
  );
  const { consoleUrl, storageState } = await exchangeToken(host.match[1]!);
  return {
    consoleUrl,
    storageState,
    async stop() {
      await stopChild(host.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
