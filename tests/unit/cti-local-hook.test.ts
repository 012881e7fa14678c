/**
 * The desk's local hook over real HTTP on 127.0.0.1: the native envelope and batches, the GET forms, the secret
 * (header or query), and every refusal with its status and reason. Garbage never takes the listener down.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../common/calls/envelope';
import { createLocalHook, type LocalHook } from '../../main/cti/local-hook';

const SECRET = 's3cret-profile-token';
let hook: LocalHook;
let port: number;
let events: CallEvent[];
let logs: string[];

beforeEach(async () => {
  events = [];
  logs = [];
  hook = createLocalHook({
    port: 0,
    secret: SECRET,
    sink: (e) => events.push(e),
    log: (l) => logs.push(l),
    maxBodyBytes: 4096,
    now: () => new Date('2026-12-05T10:00:00.000Z'),
  });
  ({ port } = await hook.start());
});
afterEach(async () => {
  await hook.stop();
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** A raw request (fetch would not let us set Host, nor send a wrong Content-Length). */
function request(
  method: string,
  path: string,
  opts: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const auth = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };
const envelope = (over: Record<string, unknown> = {}) => ({
  v: 1,
  eventId: 'softphone:c1:ringing',
  type: 'call.ringing',
  callId: 'c1',
  ts: '2026-12-05T09:59:59.000Z',
  source: 'softphone',
  direction: 'inbound',
  from: '13800138000',
  offeredTo: ['101'],
  ...over,
});

describe('local hook: POST /cti/events', () => {
  it('takes one envelope and a batch', async () => {
    const one = await request('POST', '/cti/events', { headers: auth, body: JSON.stringify(envelope()) });
    expect(one).toMatchObject({ status: 200, body: { ok: true, events: 1 } });
    const batch = [
      envelope({ eventId: 'e2', type: 'call.answered', answeredBy: '101', offeredTo: undefined }),
      envelope({ eventId: 'e3', type: 'call.ended', cause: 'normalClearing', offeredTo: undefined }),
    ];
    const many = await request('POST', '/cti/events', { headers: auth, body: JSON.stringify(batch) });
    expect(many).toMatchObject({ status: 200, body: { ok: true, events: 2 } });
    expect(events.map((e) => [e.type, e.source, e.callId])).toEqual([
      ['call.ringing', 'softphone', 'c1'],
      ['call.answered', 'softphone', 'c1'],
      ['call.ended', 'softphone', 'c1'],
    ]);
    expect(hook.url()).toBe(`http://127.0.0.1:${port}/cti`);
  });

  it('accepts the secret as ?token= too, and localhost as Host', async () => {
    const r = await request('POST', `/cti/events?token=${SECRET}`, {
      headers: { 'content-type': 'application/json', host: `localhost:${port}` },
      body: JSON.stringify(envelope()),
    });
    expect(r.status).toBe(200);
  });

  it.each([
    ['no token', {}, 401, 'unauthorized'],
    ['a wrong token', { authorization: 'Bearer nope' }, 401, 'unauthorized'],
    ['a token one character short', { authorization: `Bearer ${SECRET.slice(0, -1)}` }, 401, 'unauthorized'],
    ['a foreign Host (DNS rebinding)', { ...auth, host: 'evil.example:17788' }, 403, 'forbidden'],
    ['a web page of another site', { ...auth, origin: 'https://evil.example' }, 403, 'forbidden'],
    ['a body that is not JSON', { ...auth, 'content-type': 'application/xml' }, 415, 'unsupported_media_type'],
  ])('refuses %s', async (_what, headers, status, error) => {
    const r = await request('POST', '/cti/events', { headers, body: JSON.stringify(envelope()) });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ error, reason: expect.any(String) });
    expect(events).toEqual([]);
  });

  it.each([
    ['not JSON', '{"v":1,', 400],
    ['JSON but no envelope', '{"hello":"world"}', 400],
    ['a wrong version', JSON.stringify(envelope({ v: 2 })), 400],
    ['an unknown type', JSON.stringify(envelope({ type: 'call.exploded' })), 400],
    ['a NUL in a number', JSON.stringify(envelope({ from: '138\u0000' })), 400],
    ['an empty batch', '[]', 400],
    ['a batch with one bad event', JSON.stringify([envelope(), envelope({ ts: 'yesterday' })]), 400],
    // 101 envelopes are also over this test's 4 KiB limit: refused before they are parsed.
    ['a batch of 101', JSON.stringify(Array.from({ length: 101 }, (_, i) => envelope({ eventId: `e${i}` }))), 413],
  ])('refuses %s, and takes nothing of it', async (_what, body, status) => {
    const r = await request('POST', '/cti/events', { headers: auth, body });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ error: expect.any(String), reason: expect.any(String) });
    expect(events).toEqual([]);
  });

  it('400 for a batch of 101 under a larger limit', async () => {
    await hook.stop();
    hook = createLocalHook({ port: 0, secret: SECRET, sink: (e) => events.push(e) });
    ({ port } = await hook.start());
    const body = JSON.stringify(Array.from({ length: 101 }, (_, i) => envelope({ eventId: `e${i}` })));
    const r = await request('POST', '/cti/events', { headers: auth, body });
    expect(r).toMatchObject({ status: 400, body: { error: 'malformed' } });
    expect(events).toEqual([]);
  });

  it('413 for a body over the limit, declared or streamed', async () => {
    const big = JSON.stringify([envelope({ callerName: 'x'.repeat(5000) })]);
    const declared = await request('POST', '/cti/events', { headers: auth, body: big });
    expect(declared).toMatchObject({ status: 413, body: { error: 'too_large' } });
    const streamed = await request('POST', '/cti/events', {
      headers: { ...auth, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(streamed.status).toBe(413);
    // The listener is still there.
    expect((await request('POST', '/cti/events', { headers: auth, body: JSON.stringify(envelope()) })).status).toBe(
      200,
    );
  });

  it('404 for an unknown path, 405 for a wrong method (with Allow)', async () => {
    expect(await request('GET', '/nope', { headers: auth })).toMatchObject({
      status: 404,
      body: { error: 'not_found' },
    });
    const wrong = await request('GET', `/cti/events?token=${SECRET}`);
    expect(wrong).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(wrong.headers.allow).toBe('POST');
    expect((await request('DELETE', `/cti/ring?token=${SECRET}`)).status).toBe(405);
  });
});

describe('local hook: GET forms', () => {
  it('ring, answer, hangup map to envelopes with source hook and deterministic ids', async () => {
    const q = `token=${SECRET}&callId=sp-9`;
    const ring = await request(
      'GET',
      `/cti/ring?${q}&from=13800138000&to=101&user=101&callerName=${encodeURIComponent('李伟')}`,
    );
    expect(ring).toMatchObject({ status: 200, body: { ok: true, events: 1 } });
    expect((await request('GET', `/cti/answer?${q}&user=101`)).status).toBe(200);
    expect((await request('GET', `/cti/hangup?${q}&cause=normalClearing`)).status).toBe(200);
    expect(events).toEqual([
      {
        v: 1,
        eventId: 'hook:sp-9:call.ringing',
        type: 'call.ringing',
        callId: 'sp-9',
        ts: '2026-12-05T10:00:00.000Z',
        source: 'hook',
        direction: 'inbound',
        from: '13800138000',
        to: '101',
        callerName: '李伟',
        offeredTo: ['101'],
      },
      expect.objectContaining({ type: 'call.answered', eventId: 'hook:sp-9:call.answered', answeredBy: '101' }),
      expect.objectContaining({ type: 'call.ended', eventId: 'hook:sp-9:call.ended', cause: 'normalClearing' }),
    ]);
  });

  it('an outbound ring and a hangup that defaults to normalClearing', async () => {
    await request('GET', `/cti/ring?token=${SECRET}&callId=o1&from=101&to=13900139000&direction=out`);
    await request('GET', `/cti/hangup?token=${SECRET}&callId=o1`);
    expect(events.map((e) => [e.type, e.direction, e.type === 'call.ended' ? e.cause : null])).toEqual([
      ['call.ringing', 'outbound', null],
      ['call.ended', undefined, 'normalClearing'],
    ]);
  });

  it.each([
    ['no callId', `/cti/ring?token=${SECRET}&from=1`, 'callId is required'],
    ['a bad direction', `/cti/ring?token=${SECRET}&callId=a&from=1&direction=sideways`, 'direction'],
    ['a bad cause', `/cti/hangup?token=${SECRET}&callId=a&cause=exploded`, 'cause must be one of'],
    ['an overlong callId', `/cti/ring?token=${SECRET}&callId=${'a'.repeat(200)}`, 'callId'],
  ])('400 for %s', async (_what, path, reason) => {
    const r = await request('GET', path);
    expect(r.status).toBe(400);
    expect(String(r.body.reason)).toContain(reason);
    expect(events).toEqual([]);
  });

  it('401 without the token, even for a good query', async () => {
    expect((await request('GET', '/cti/ring?callId=a&from=1')).status).toBe(401);
  });
});

describe('local hook: robustness', () => {
  it('raw garbage on the socket gets a 400 or a close, never a crash', async () => {
    for (const junk of ['\x00\x01\x02garbage\r\n\r\n', 'GET /cti/ring HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n', 'POST']) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => s.end(junk));
        s.on('data', () => {});
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
    }
    expect((await request('POST', '/cti/events', { headers: auth, body: JSON.stringify(envelope()) })).status).toBe(
      200,
    );
  });

  it('a second hook on the same port fails to start with the reason; stop and start again work', async () => {
    const states: string[] = [];
    const other = createLocalHook({ port, secret: SECRET, sink: () => {} });
    other.onState((s, d) => states.push(`${s}: ${d}`));
    await expect(other.start()).rejects.toThrow(`port ${port} is in use`);
    expect(other.state()).toBe('disconnected');
    expect(states[0]).toMatch(/in use/);
    await hook.stop();
    expect(hook.url()).toBeNull();
    expect(hook.state()).toBe('disabled');
    ({ port } = await hook.start());
    expect(hook.state()).toBe('connected');
  });

  it('an empty secret lets nobody in', async () => {
    await hook.stop();
    hook = createLocalHook({ port: 0, secret: '', sink: (e) => events.push(e) });
    ({ port } = await hook.start());
    const r = await request('POST', '/cti/events?token=', {
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
      body: JSON.stringify(envelope()),
    });
    expect(r.status).toBe(401);
  });
});
