/**
 * The desk side (issue 11 §1): a real desk host signed in to the fuzz server, behind the browser host's WebSocket
 * bridge, with its local CTI hook on 127.0.0.1 wired to its call center (events go to the outbox, then the server).
 * Bridge: every desk method with arbitrary inputs, and frames that are no desk call at all: each frame gets exactly
 * one answer, and after each case the console still syncs a normal change (outbox empty, nothing wedged). Hook:
 * every path, method and parameter: never a 5xx, events only from a 200, and the console keeps syncing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { BRIDGE_PATH } from '../../common/bridge';
import { METHOD_NAMES, dispatchDeskCall, type MethodName } from '../../common/contract';
import type { SyncStatus } from '../../common/sync';
import { createLocalHook, type LocalHook } from '../../main/cti/local-hook';
import type { AdapterFactory } from '../../main/cti/phone';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { startBrowserHost, type BrowserHost } from '../../main/web/server';
import { PASSWORD } from '../integration/support/fixtures';
import { badString, badValue, encodeUtf16, inputFor, queryValue } from './arbitraries';
import { countCase, type FuzzServer } from './harness';
import { envelopeSample, methodSamples } from './samples';

/** Methods left out of the bridge target, each with its reason (printed). */
export const LEFT_OUT: Partial<Record<MethodName, string>> = {
  'session.logout': 'ends the session every later case needs (it takes no input to fuzz)',
};

export interface FuzzDesk {
  desk: DeskHost;
  host: BrowserHost;
  /** The desk's local hook as it runs now (the settings may restart it). */
  hook(): { port: number; secret: string } | null;
  close(): Promise<void>;
}

/** Only the local hook, on a free port (the settings' port is for a real PC). */
function hookOnly(current: { hook: LocalHook | null; port: number | null; secret: string }): AdapterFactory {
  return (settings, { report, hookSecret }) => {
    if (!settings.hook.enabled) return [];
    const hook = createLocalHook({ port: 0, secret: hookSecret, sink: report, log: () => {} });
    current.hook = hook;
    current.secret = hookSecret;
    void hook.start().then(({ port }) => (current.port = port));
    return [
      {
        name: 'hook',
        status: () => ({ name: 'hook', state: hook.state(), detail: null }),
        url: () => hook.url(),
        stop: async () => {
          current.hook = null;
          current.port = null;
          await hook.stop();
        },
      },
    ];
  };
}

export async function openFuzzDesk(server: FuzzServer): Promise<FuzzDesk> {
  const profile = mkdtempSync(join(tmpdir(), 'fuzz-desk-'));
  const renderer = mkdtempSync(join(tmpdir(), 'fuzz-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>console</title>');
  const hook = { hook: null as LocalHook | null, port: null as number | null, secret: '' };
  const desk = await createDesk({
    profileDir: profile,
    serverUrl: server.baseUrl,
    sync: { intervalMs: 600_000, pushDebounceMs: 5 },
    requestTimeoutMs: 10_000,
    live: false,
    phoneAdapters: hookOnly(hook),
  });
  const login = await desk.handlers['session.login']({ username: 'agent01', password: PASSWORD });
  if (!login.user) throw new Error('the fuzz desk could not sign in');
  const host = await startBrowserHost({ port: 0, rendererDir: renderer, desk });
  const deadline = Date.now() + 5_000;
  while (hook.port === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return {
    desk,
    host,
    hook: () => (hook.port === null ? null : { port: hook.port, secret: hook.secret }),
    async close() {
      await host.close();
      await desk.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(renderer, { recursive: true, force: true });
    },
  };
}

function get(port: number, path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, resolve).on('error', reject);
  });
}

/** The bridge socket, opened as the browser does: the printed URL's token traded for the cookie first. */
async function openBridge(host: BrowserHost): Promise<WebSocket> {
  const url = new URL(host.url);
  const res = await get(host.port, url.pathname + url.search);
  res.resume();
  const cookie = (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, {
    headers: { cookie },
    origin: `http://127.0.0.1:${host.port}`,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, r) => reject(new Error(`bridge refused: ${r.statusCode}`)));
  });
  return ws;
}

type Reply = { type: string; id?: number; ok?: boolean; value?: unknown; error?: { code: string; message: string } };

/** Sends frames and waits for the replies to the given ids (events in between are skipped). */
function bridgeClient(ws: WebSocket) {
  const waiting = new Map<number, (reply: Reply) => void>();
  const stray: Reply[] = [];
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Reply;
    if (reply.type !== 'result') return;
    const resolve = waiting.get(reply.id ?? -1);
    if (resolve) {
      waiting.delete(reply.id!);
      resolve(reply);
    } else stray.push(reply);
  });
  return {
    stray,
    send(frame: string | Buffer, id: number, binary = false): Promise<Reply> {
      const answered = new Promise<Reply>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to frame ${id} within 10 s`)), 10_000);
        waiting.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
      ws.send(frame, { binary });
      return answered;
    },
  };
}

/**
 * The console still works: a normal change made through the same door (a new ticket) and a sync; the sync must
 * settle everything the case queued too (nothing pending, no server error) and the change reach the server.
 */
async function syncsANormalChange(call: (method: MethodName, input: unknown) => Promise<Reply>, server: FuzzServer) {
  const title = `normal ${randomUUID()}`;
  const created = await call('tickets.create', { type: 'enquiry', category: 'other', channel: 'phone', title });
  expect(created.ok, JSON.stringify(created.error)).toBe(true);
  const status = (await call('sync.now', {})).value as SyncStatus;
  expect(status.state, JSON.stringify(status)).toBe('online');
  expect(status.pending).toBe(0);
  const { rows } = await server.db.query('SELECT 1 FROM tickets WHERE title = $1', [title]);
  expect(rows).toHaveLength(1);
}

export async function fuzzBridge(server: FuzzServer, fuzzDesk: FuzzDesk, runs: number, seed: number): Promise<void> {
  const ws = await openBridge(fuzzDesk.host);
  const client = bridgeClient(ws);
  let nextId = 1;
  const call = (method: MethodName | string, input: unknown) => {
    const id = nextId++;
    return client.send(JSON.stringify({ type: 'call', id, method, input }), id);
  };
  const samples = methodSamples(server.refs);
  const methods = METHOD_NAMES.filter((m) => !LEFT_OUT[m]);
  // The methods that queue a change for the server come up thrice as often: they are how a console gets wedged.
  const queueing = methods.filter((m) =>
    /^(tickets\.(create|setStatus|assign|comment|edit|tag|delete)|calls\.(log|claimCallback|callbackResult|wrapUp|link)|presence\.set)$/.test(
      m,
    ),
  );
  const frame = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .oneof(
          { weight: 6, arbitrary: fc.constantFrom<string>(...methods) },
          { weight: 6, arbitrary: fc.constantFrom<string>(...queueing) },
          { weight: 1, arbitrary: badString },
        )
        .chain((method) =>
          fc.record({
            kind: fc.constant('call' as const),
            method: fc.constant(method),
            input: inputFor(Object.hasOwn(samples, method) ? samples[method as MethodName] : undefined),
          }),
        ),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('shape' as const), value: badValue }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: badString }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
    },
  );

  try {
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        countCase('desk WebSocket bridge');
        if (f.kind === 'call') {
          const reply = await call(f.method, f.input);
          expect(reply.type).toBe('result');
          if (!reply.ok) expect(reply.error?.code).toMatch(/^[a-z_]+$/);
        } else {
          // Not a desk call: answered with an error (id -1 when the frame had no usable id), never dropped.
          const id = nextId++;
          const bytes =
            f.kind === 'binary'
              ? Buffer.from(f.bytes)
              : f.kind === 'text'
                ? f.text
                : JSON.stringify({ type: 'call', id, method: f.value, input: f.value, extra: f.value });
          const strayBefore = client.stray.length;
          const reply = await Promise.race([
            client.send(bytes, id, f.kind === 'binary'),
            new Promise<Reply>((resolve) => {
              const poll = setInterval(() => {
                if (client.stray.length > strayBefore) {
                  clearInterval(poll);
                  resolve(client.stray.at(-1)!);
                }
              }, 2);
            }),
          ]);
          expect(reply.ok).toBe(false);
        }
        await syncsANormalChange(call, server);
      }),
      { seed, numRuns: runs, endOnFailure: true },
    );
  } finally {
    ws.close();
  }
}

function hookRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function fuzzLocalHook(server: FuzzServer, fuzzDesk: FuzzDesk, runs: number, seed: number): Promise<void> {
  const initial = fuzzDesk.hook();
  if (!initial) throw new Error('the desk did not start its local hook');
  const { secret } = initial;
  const queryKeys = [
    'callId',
    'call_id',
    'from',
    'to',
    'user',
    'callerName',
    'queue',
    'direction',
    'cause',
    'eventId',
    'sipCallId',
    'answeringNumber',
    'token',
  ];
  const query = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), badString.map(encodeUtf16)), queryValue), { maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  const arb = fc.record({
    kind: fc.constantFrom('ring', 'answer', 'hangup', 'events', 'events', 'other'),
    validCall: fc.uuid(),
    query,
    auth: fc.constantFrom('header', 'query', 'none', 'wrong'),
    body: fc.oneof(
      {
        weight: 4,
        arbitrary: inputFor((s) => ({ ...envelopeSample(s), source: 'hook' })).map((v) => JSON.stringify(v) ?? 'null'),
      },
      { weight: 1, arbitrary: fc.array(inputFor(envelopeSample), { maxLength: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: badString },
    ),
    host: fc.oneof(
      { weight: 8, arbitrary: fc.constant('127.0.0.1') },
      { weight: 1, arbitrary: fc.constantFrom('localhost', 'evil.example', '127.0.0.1.nip.io') },
    ),
    origin: fc.option(fc.constantFrom('http://127.0.0.1', 'https://evil.example', 'null', 'not a url'), {
      nil: undefined,
    }),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
    ),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant<string | null>(null) },
      { weight: 1, arbitrary: fc.constantFrom<string | null>('PUT', 'DELETE', 'PATCH') },
    ),
  });
  let sinceProbe = 0;
  const call = async (method: MethodName, input: unknown) => {
    const res = await dispatchDeskCall(fuzzDesk.desk.handlers, method, input);
    return (
      res.ok ? { type: 'result', ok: true, value: res.value } : { type: 'result', ok: false, error: res.error }
    ) as Reply;
  };
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      countCase('desk local CTI hook (127.0.0.1)');
      const hook = fuzzDesk.hook();
      if (!hook) throw new Error('the local hook stopped');
      const get = c.kind !== 'events';
      const path =
        c.kind === 'other' ? `/cti/${encodeUtf16(c.query.slice(0, 20))}` : get ? `/cti/${c.kind}` : '/cti/events';
      const params = [
        c.kind === 'other' || !get ? '' : `callId=${c.validCall}`,
        c.query,
        c.auth === 'query' ? `token=${secret}` : c.auth === 'wrong' ? 'token=wrong' : '',
      ]
        .filter(Boolean)
        .join('&');
      const headers: Record<string, string> = { host: c.host, 'content-type': c.contentType };
      if (c.auth === 'header') headers.authorization = `Bearer ${secret}`;
      if (c.origin) headers.origin = c.origin;
      const res = await hookRequest(
        hook.port,
        c.method ?? (get ? 'GET' : 'POST'),
        params ? `${path}?${params}` : path,
        headers,
        get ? undefined : c.body,
      );
      expect(res.status, res.body).toBeLessThan(500);
      if (++sinceProbe >= 10) {
        sinceProbe = 0;
        await syncsANormalChange(call, server);
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  await syncsANormalChange(call, server);
}
