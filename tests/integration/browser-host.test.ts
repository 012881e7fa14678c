/**
 * The real browser host (http + ws wiring) on an ephemeral port, in front of a fake DeskHost that records calls.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BRIDGE_PATH } from '../../common/bridge';
import { METHOD_NAMES, type DeskHandlers, type EventName, type EventPayload } from '../../common/contract';
import type { DeskEventListener, DeskHost } from '../../main/host';
import { startBrowserHost, type BrowserHost } from '../../main/web/server';

const TOKEN = 'integration-token-abcdefghijklmnopqrstuvwxyz';
const SESSION = { user: null, serverUrl: 'http://127.0.0.1:4100' };

/** A DeskHost whose handlers record their (validated) input and answer with a fixed session. */
function fakeDesk() {
  const calls: Array<{ method: string; input: unknown }> = [];
  const listeners = new Set<DeskEventListener>();
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      async (input: unknown) => {
        calls.push({ method, input });
        if (method === 'sync.now') throw Object.assign(new Error('Server unreachable'), { code: 'offline' });
        return SESSION;
      },
    ]),
  ) as unknown as DeskHandlers;
  const desk: DeskHost = {
    handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {},
  };
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners) listener(event, payload);
  };
  return { desk, calls, emit, listenerCount: () => listeners.size };
}

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends bytes exactly as written (no client-side normalisation of Host or path) and returns the status line. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

type Reply = Record<string, unknown>;

/** Opens the bridge socket; resolves once open, or rejects with the refusal's HTTP status. */
function openSocket(port: number, headers: Record<string, string>, origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${BRIDGE_PATH}`, { headers, ...(origin ? { origin } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Reply> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Reply)));
}

describe('browser host', () => {
  let dir: string;
  let host: BrowserHost;
  let fake: ReturnType<typeof fakeDesk>;
  let cookie: string;
  let origin: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'desk-renderer-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title><main>CONSOLE</main>');
    await writeFile(join(dir, 'kiosk.html'), '<!doctype html><title>kiosk</title><main>KIOSK</main>');
    await writeFile(join(dir, 'assets', 'app-abc.js'), 'console.log("app");');
    await writeFile(join(dir, 'assets', 'app-abc.css'), 'body{}');
    await writeFile(join(dir, 'secret.txt'), 'SECRET');
    fake = fakeDesk();
    host = await startBrowserHost({ port: 0, host: '127.0.0.1', rendererDir: dir, desk: fake.desk, token: TOKEN });
    origin = `http://127.0.0.1:${host.port}`;
  });

  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a loopback URL carrying the token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${TOKEN}`);
  });

  it('refuses requests without the cookie with a page pointing to the printed URL', async () => {
    const res = await get(host.port, '/');
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/printed/);
    expect((await get(host.port, '/assets/app-abc.js')).status).toBe(403);
    expect((await get(host.port, '/?token=wrong')).status).toBe(403);
  });

  it('does not let a HEAD of the printed URL (a link preview) spend its one use', async () => {
    const path = new URL(host.url).pathname + new URL(host.url).search;
    const head = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path, method: 'HEAD' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toBe(405);
  });

  it('trades the token URL for a separate session secret in an HttpOnly SameSite=Strict cookie, 302 to the bare path', async () => {
    const res = await get(host.port, new URL(host.url).pathname + new URL(host.url).search);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    cookie = setCookie.split(';')[0]!;
    const secret = cookie.split('=')[1]!;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(secret).not.toBe(TOKEN);
  });

  it('refuses the token URL a second time with a clear page; the browser holding the session is just sent on', async () => {
    const path = new URL(host.url).pathname + new URL(host.url).search;
    const again = await get(host.port, path);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.body).toMatch(/already been used/);
    expect(again.body).toMatch(/只能使用一次/);
    // The launch token is no cookie either.
    expect((await get(host.port, '/', { cookie: `${cookie.split('=')[0]}=${TOKEN}` })).status).toBe(403);
    const mine = await get(host.port, path, { cookie });
    expect(mine.status).toBe(302);
    expect(mine.headers.location).toBe('/');
    expect(mine.headers['set-cookie']).toBeUndefined();
  });

  it('serves the console, the kiosk and assets with the cookie, with CSP and content types', async () => {
    const index = await get(host.port, '/', { cookie });
    expect(index.status).toBe(200);
    expect(index.body).toContain('CONSOLE');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(index.headers['content-security-policy']).toContain(`ws://127.0.0.1:${host.port}`);
    const kiosk = await get(host.port, '/kiosk', { cookie });
    expect(kiosk.status).toBe(200);
    expect(kiosk.body).toContain('KIOSK');
    const js = await get(host.port, '/assets/app-abc.js', { cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(host.port, '/assets/app-abc.css', { cookie })).headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers 404 for anything else, including traversal attempts', async () => {
    expect((await get(host.port, '/secret.txt', { cookie })).status).toBe(404);
    expect((await get(host.port, '/assets/missing.js', { cookie })).status).toBe(404);
    const host_ = `127.0.0.1:${host.port}`;
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt']) {
      const status = await rawRequest(
        host.port,
        `GET ${path} HTTP/1.1\r\nHost: ${host_}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
      );
      expect(status, path).toMatch(/^HTTP\/1\.1 404/);
    }
  });

  it('refuses a foreign Host header even with the cookie (DNS rebinding)', async () => {
    const status = await rawRequest(
      host.port,
      `GET / HTTP/1.1\r\nHost: evil.example:${host.port}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
    );
    expect(status).toMatch(/^HTTP\/1\.1 403/);
  });

  it('refuses the WebSocket without the cookie, with a foreign Origin, or on another path', async () => {
    await expect(openSocket(host.port, {}, origin)).rejects.toThrow(/refused 403/);
    await expect(openSocket(host.port, { cookie }, 'http://evil.example')).rejects.toThrow(/refused 403/);
    await expect(openSocket(host.port, { cookie })).rejects.toThrow(/refused 403/);
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/other`, { headers: { cookie }, origin });
        ws.once('open', resolve);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
        ws.once('error', reject);
      }),
    ).rejects.toThrow(/refused 404/);
  });

  describe('bridge', () => {
    let ws: WebSocket;

    beforeAll(async () => {
      ws = await openSocket(host.port, { cookie }, origin);
    });
    afterAll(() => ws?.close());

    it('dispatches a valid call to its handler and returns the value', async () => {
      const before = fake.calls.length;
      const reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 1, method: 'session.me', input: {} }));
      expect(await reply).toEqual({ type: 'result', id: 1, ok: true, value: SESSION });
      expect(fake.calls.slice(before)).toEqual([{ method: 'session.me', input: {} }]);
    });

    it('passes the contract-parsed input (defaults applied) to the handler', async () => {
      const reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 2, method: 'tickets.list', input: { view: 'inbox' } }));
      expect(await reply).toMatchObject({ id: 2, ok: true });
      expect(fake.calls.at(-1)).toEqual({ method: 'tickets.list', input: { view: 'inbox', offset: 0, limit: 100 } });
    });

    it('refuses invalid input without calling the handler', async () => {
      const before = fake.calls.length;
      const reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 3, method: 'tickets.get', input: { id: 'not-a-uuid' } }));
      expect(await reply).toMatchObject({ type: 'result', id: 3, ok: false, error: { code: 'invalid_input' } });
      expect(fake.calls.length).toBe(before);
    });

    it('refuses unknown methods and reports handler errors with their code', async () => {
      let reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 4, method: 'constructor', input: {} }));
      expect(await reply).toMatchObject({ id: 4, ok: false, error: { code: 'unknown_method' } });
      reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 5, method: 'sync.now', input: {} }));
      expect(await reply).toMatchObject({
        id: 5,
        ok: false,
        error: { code: 'offline', message: 'Server unreachable' },
      });
    });

    it('forwards desk events to the socket', async () => {
      const message = nextMessage(ws);
      fake.emit('tickets.changed', { ids: ['t1', 't2'] });
      expect(await message).toEqual({ type: 'event', event: 'tickets.changed', payload: { ids: ['t1', 't2'] } });
    });

    it('answers garbage frames with an error and keeps the socket usable', async () => {
      let reply = nextMessage(ws);
      ws.send('this is not json');
      expect(await reply).toMatchObject({ type: 'result', id: -1, ok: false, error: { code: 'bad_frame' } });
      reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 6 })); // no method
      expect(await reply).toMatchObject({ type: 'result', id: 6, ok: false, error: { code: 'bad_frame' } });
      reply = nextMessage(ws);
      ws.send(Buffer.from([0xff, 0x00, 0x13]), { binary: true });
      expect(await reply).toMatchObject({ ok: false, error: { code: 'bad_frame' } });
      reply = nextMessage(ws);
      ws.send('null');
      expect(await reply).toMatchObject({ id: -1, ok: false, error: { code: 'bad_frame' } });

      expect(ws.readyState).toBe(WebSocket.OPEN);
      reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 7, method: 'session.me', input: {} }));
      expect(await reply).toEqual({ type: 'result', id: 7, ok: true, value: SESSION });
    });
  });

  describe('a session opened at /kiosk (issue 11: the kiosk reaches only its own methods)', () => {
    let kioskHost: BrowserHost;
    let kioskDesk: ReturnType<typeof fakeDesk>;
    let kioskCookie: string;
    let ws: WebSocket;

    beforeAll(async () => {
      kioskDesk = fakeDesk();
      kioskHost = await startBrowserHost({ port: 0, rendererDir: dir, desk: kioskDesk.desk });
      // What `npm start -- --kiosk` opens: the printed URL with the kiosk's path.
      const url = new URL(kioskHost.url);
      const res = await get(kioskHost.port, `/kiosk${url.search}`);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/kiosk');
      kioskCookie = (res.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      ws = await openSocket(kioskHost.port, { cookie: kioskCookie }, `http://127.0.0.1:${kioskHost.port}`);
    });
    afterAll(async () => {
      ws?.close();
      await kioskHost?.close();
    });

    it('keeps the kiosk session on the kiosk page', async () => {
      const consolePage = await get(kioskHost.port, '/', { cookie: kioskCookie });
      expect(consolePage.status).toBe(302);
      expect(consolePage.headers.location).toBe('/kiosk');
      expect((await get(kioskHost.port, '/kiosk', { cookie: kioskCookie })).body).toContain('KIOSK');
    });

    it("refuses the console's methods on its bridge connection, before any handler runs", async () => {
      let id = 100;
      for (const method of ['tickets.list', 'tickets.get', 'calls.pop', 'residents.lookup', 'session.logout']) {
        const reply = nextMessage(ws);
        ws.send(JSON.stringify({ type: 'call', id: ++id, method, input: { view: 'all' } }));
        expect(await reply, method).toEqual({
          type: 'result',
          id,
          ok: false,
          error: { code: 'forbidden', message: 'Not available on this screen' },
        });
      }
      expect(kioskDesk.calls).toEqual([]);
      const reply = nextMessage(ws);
      ws.send(JSON.stringify({ type: 'call', id: 200, method: 'session.me', input: {} }));
      expect(await reply).toEqual({ type: 'result', id: 200, ok: true, value: SESSION });
      expect(kioskDesk.calls).toEqual([{ method: 'session.me', input: {} }]);
    });

    it('hears only the kiosk’s events', async () => {
      const message = nextMessage(ws);
      kioskDesk.emit('tickets.changed', { ids: ['t1'] });
      kioskDesk.emit('session.changed', SESSION);
      expect(await message).toEqual({ type: 'event', event: 'session.changed', payload: SESSION });
    });
  });

  it('close() stops listening and unsubscribes from the desk', async () => {
    const other = fakeDesk();
    const second = await startBrowserHost({ port: 0, rendererDir: dir, desk: other.desk });
    expect(other.listenerCount()).toBe(1);
    expect(second.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    await second.close();
    expect(other.listenerCount()).toBe(0);
    await expect(get(second.port, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
