/**
 * The live socket's parts in isolation: the server hub (coalesced pokes, sendToUser, heartbeat, session re-check,
 * shutdown) on fake sockets and fake timers, and the desk's client (backoff, 401, reconnect) against a bare `ws`
 * server.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { LIVE_CLOSE_GOING_AWAY, LIVE_CLOSE_UNAUTHORIZED, LIVE_PATH } from '../../common/live';
import { backoffDelay, createLiveClient, liveUrl, type LiveState } from '../../main/sync/live';
import { createCoalescer } from '../../server/live/coalesce';
import { createLiveHub, type LiveSocket } from '../../server/live/hub';
import { queryClientId, sourceClientId } from '../../server/live/source';
import { canonicalClientId } from '../../server/sync/clients';

class FakeSocket implements LiveSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: unknown[] = [];
  pings = 0;
  closedWith: number | null = null;
  terminated = false;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  ping() {
    this.pings++;
  }
  close(code?: number) {
    this.closedWith = code ?? 1005;
    this.readyState = 2;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
  }
  pokes() {
    return this.sent.filter((m) => (m as { type: string }).type === 'poke').length;
  }
}

const peer = (userId: string, clientId: string | null = null, token = `token-${userId}`) => ({
  userId,
  token,
  clientId,
});

describe('coalescer', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('fires at once, folds a burst into one trailing call per window, then goes quiet', () => {
    const fire = vi.fn();
    const c = createCoalescer(fire, 20);
    for (let i = 0; i < 100; i++) c.trigger();
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(20);
    expect(fire).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(100);
    expect(fire).toHaveBeenCalledTimes(2);
    c.trigger();
    expect(fire).toHaveBeenCalledTimes(3);
  });

  it('never fires more than once per window under a steady stream', () => {
    const fire = vi.fn();
    const c = createCoalescer(fire, 20);
    for (let ms = 0; ms < 1_000; ms++) {
      c.trigger();
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(40);
    expect(fire.mock.calls.length).toBeLessThanOrEqual(1_000 / 20 + 1);
    expect(fire.mock.calls.length).toBeGreaterThanOrEqual(1_000 / 20 - 1);
    c.trigger();
    c.trigger();
    c.cancel();
    vi.advanceTimersByTime(40);
    expect(fire.mock.calls.length).toBeLessThanOrEqual(1_000 / 20 + 2);
  });
});

describe('live hub', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('coalesces pokes per socket and spares the pushing console', () => {
    const hub = createLiveHub({ pokeWindowMs: 20 });
    const a = new FakeSocket();
    const b = new FakeSocket();
    hub.add(a, peer('u1', 'client-a'));
    hub.add(b, peer('u2', 'client-b'));
    for (let i = 0; i < 50; i++) hub.poke('client-a');
    vi.advanceTimersByTime(100);
    expect(a.pokes()).toBe(0);
    expect(b.pokes()).toBe(2); // the first at once, one trailing for the rest of the burst
    expect(hub.poke(null)).toBe(2);
    expect(a.pokes()).toBe(1);
    hub.close();
  });

  it('sendToUser reaches every open socket of that user and no one else', () => {
    const hub = createLiveHub();
    const first = new FakeSocket();
    const second = new FakeSocket();
    const other = new FakeSocket();
    const closing = new FakeSocket();
    hub.add(first, peer('agent01'));
    hub.add(second, peer('agent01'));
    hub.add(other, peer('agent02'));
    hub.add(closing, peer('agent01'));
    closing.readyState = 2;
    const call = { type: 'call.ringing', callId: 'c1', from: '+8613800138000' };
    expect(hub.sendToUser('agent01', call)).toBe(2);
    expect(first.sent).toEqual([call]);
    expect(second.sent).toEqual([call]);
    expect(other.sent).toEqual([]);
    expect(closing.sent).toEqual([]);
    expect(hub.sendToUser('nobody', call)).toBe(0);
    hub.close();
  });

  it('drops a socket that lets unsent data pile up instead of buffering without bound', () => {
    const hub = createLiveHub({ maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    hub.add(slow, peer('agent01'));
    slow.bufferedAmount = 5000;
    expect(hub.sendToUser('agent01', { type: 'call.ringing' })).toBe(0);
    expect(slow.terminated).toBe(true);
    expect(hub.size()).toBe(0);
    hub.close();
  });

  it('pings on the heartbeat and drops a socket that did not answer the previous ping', async () => {
    const hub = createLiveHub({ heartbeatMs: 25_000 });
    const live = new FakeSocket();
    const dead = new FakeSocket();
    const liveConn = hub.add(live, peer('u1'));
    hub.add(dead, peer('u2'));
    await vi.advanceTimersByTimeAsync(25_000);
    expect([live.pings, dead.pings]).toEqual([1, 1]);
    liveConn.pong();
    await vi.advanceTimersByTimeAsync(25_000);
    expect(dead.terminated).toBe(true);
    expect(live.terminated).toBe(false);
    expect(live.pings).toBe(2);
    expect(hub.size()).toBe(1);
    hub.close();
  });

  it('closes the sockets of a session that is no longer valid, keeps them when the check itself fails', async () => {
    let valid = new Set(['t1', 't2']);
    let failing = false;
    const hub = createLiveHub({
      verify: async (token) => {
        if (failing) throw new Error('database unreachable');
        return valid.has(token);
      },
    });
    const s1 = new FakeSocket();
    const s2 = new FakeSocket();
    const c1 = hub.add(s1, peer('u1', null, 't1'));
    const c2 = hub.add(s2, peer('u2', null, 't2'));
    failing = true;
    await hub.heartbeat();
    expect(hub.size()).toBe(2);
    c1.pong();
    c2.pong();
    failing = false;
    valid = new Set(['t2']);
    await hub.heartbeat();
    expect(s1.closedWith).toBe(LIVE_CLOSE_UNAUTHORIZED);
    expect(s2.closedWith).toBeNull();
    expect(hub.closeToken('t2')).toBe(1);
    expect(s2.closedWith).toBe(LIVE_CLOSE_UNAUTHORIZED);
    expect(hub.size()).toBe(0);
    hub.close();
  });

  it('says goodbye on close, cuts sockets that do not answer, refuses new ones', async () => {
    const hub = createLiveHub({ closeGraceMs: 1_000 });
    const s = new FakeSocket();
    hub.add(s, peer('u1'));
    hub.poke();
    hub.poke(); // a trailing poke is pending…
    hub.close();
    expect(s.closedWith).toBe(LIVE_CLOSE_GOING_AWAY);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(s.terminated).toBe(true);
    expect(s.pokes()).toBe(1); // …and is dropped with the socket
    const late = new FakeSocket();
    hub.add(late, peer('u2'));
    expect(late.closedWith).toBe(LIVE_CLOSE_GOING_AWAY);
    expect(hub.size()).toBe(0);
  });

  it('reads the pushing console from NOTIFY payloads and the live URL, ignoring anything malformed', () => {
    expect(sourceClientId(JSON.stringify({ clientId: '3f1c2a9e-0000-4000-8000-000000000001' }))).toBe(
      '3f1c2a9e-0000-4000-8000-000000000001',
    );
    expect(sourceClientId(JSON.stringify({ intake: 't1' }))).toBeNull();
    expect(sourceClientId('')).toBeNull();
    expect(sourceClientId('null')).toBeNull();
    expect(sourceClientId(JSON.stringify({ clientId: 'x'.repeat(100) }))).toBeNull();
    expect(queryClientId({ clientId: 'abc-1' })).toBe('abc-1');
    expect(queryClientId({ clientId: ['a', 'b'] })).toBeNull();
    expect(queryClientId(undefined)).toBeNull();
  });

  it('reads a client id as the uuid PostgreSQL would, or as none (an id that is no uuid is nobody’s)', () => {
    const id = '3f1c2a9e-0000-4000-8000-00000000000a';
    expect(canonicalClientId(id)).toBe(id);
    expect(canonicalClientId(id.toUpperCase())).toBe(id);
    expect(canonicalClientId(id.replaceAll('-', ''))).toBe(id);
    expect(canonicalClientId('abc-1')).toBeNull();
    expect(canonicalClientId('yesterday')).toBeNull();
    expect(canonicalClientId('Infinity')).toBeNull();
    expect(canonicalClientId(`${id}0`)).toBeNull();
  });
});

describe('desk live client', () => {
  it('backs off exponentially with full jitter up to the cap', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(0);
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(10, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelay(1_000, 500, 30_000, () => 0.5)).toBe(15_000);
    const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(4, 500, 30_000)));
    expect(spread.size).toBeGreaterThan(10);
    for (const d of spread) expect(d).toBeLessThan(8_000);
  });

  it('derives the socket URL from the server URL', () => {
    expect(liveUrl('http://127.0.0.1:4100', 'c1')).toBe(`ws://127.0.0.1:4100${LIVE_PATH}?clientId=c1`);
    expect(liveUrl('https://desk.example.com/central/', null)).toBe(`wss://desk.example.com/central${LIVE_PATH}`);
  });

  let wss: WebSocketServer | null = null;
  afterEach(async () => {
    await new Promise((r) => wss?.close(r) ?? r(undefined));
    wss = null;
  });

  async function serve(onConnection: (socket: ServerSocket, auth: string | undefined) => void): Promise<string> {
    const server = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      verifyClient: (info, done) =>
        info.req.headers.authorization === 'Bearer good' ? done(true) : done(false, 401, 'Unauthorized'),
    });
    wss = server;
    server.on('connection', (socket, req) => onConnection(socket, req.headers.authorization));
    await new Promise((r) => server.once('listening', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function client(serverUrl: string, token: string, events: string[]) {
    const states: LiveState[] = [];
    const live = createLiveClient(
      {
        serverUrl,
        token: () => token,
        clientId: () => 'client-1',
        onPoke: () => events.push('poke'),
        onOpen: () => events.push('open'),
        onUnauthorized: () => events.push('unauthorized'),
        onUnreachable: () => events.push('unreachable'),
        onMessage: (m) => events.push(m.type),
        log: () => {},
      },
      { baseDelayMs: 20, maxDelayMs: 100, onState: (s) => states.push(s) },
    );
    return { live, states };
  }

  async function until(probe: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error('condition not met within 5 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('stops for good on 401 and reports it once', async () => {
    let connections = 0;
    const url = await serve(() => connections++);
    const events: string[] = [];
    const { live, states } = client(url, 'bad', events);
    live.start();
    await until(() => events.includes('unauthorized'));
    expect(live.state()).toBe('stopped');
    expect(states).toEqual(['connecting', 'stopped']);
    expect(events).toEqual(['unauthorized']);
    expect(connections).toBe(0);
  });

  it('passes pokes and other messages on, reconnects after a drop and pulls once per connect', async () => {
    const sockets: ServerSocket[] = [];
    const url = await serve((socket) => sockets.push(socket));
    const events: string[] = [];
    const { live } = client(url, 'good', events);
    live.start();
    await until(() => sockets.length === 1 && events.includes('open'));
    sockets[0]?.send(JSON.stringify({ type: 'poke' }));
    sockets[0]?.send(JSON.stringify({ type: 'call.ringing', callId: 'c1' }));
    sockets[0]?.send('not json');
    await until(() => events.length === 3);
    expect(events).toEqual(['open', 'poke', 'call.ringing']);

    sockets[0]?.terminate();
    await until(() => sockets.length === 2 && events.filter((e) => e === 'open').length === 2);
    sockets[1]?.close(LIVE_CLOSE_UNAUTHORIZED, 'logged out');
    await until(() => events.includes('unauthorized'));
    expect(live.state()).toBe('stopped');
    live.stop();
  });

  it('says the server is unreachable on each attempt that fails before opening, and pulls once it is back', async () => {
    const sockets: ServerSocket[] = [];
    const url = await serve((socket) => sockets.push(socket));
    const port = Number(new URL(url).port);
    await new Promise((r) => wss?.close(r));
    const events: string[] = [];
    const { live } = client(url, 'good', events);
    live.start();
    await until(() => events.filter((e) => e === 'unreachable').length >= 2);
    expect(events.every((e) => e === 'unreachable')).toBe(true);

    // The server comes back on its port: the next attempt opens (and the engine pulls), no more "unreachable".
    wss = new WebSocketServer({ port, host: '127.0.0.1' });
    wss.on('connection', (socket) => sockets.push(socket));
    await until(() => events.includes('open'));
    const seen = events.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(events.slice(seen)).toEqual([]);
    expect(sockets).toHaveLength(1);
    live.stop();
  });

  it('stop closes the socket and cancels a pending reconnect', async () => {
    const sockets: ServerSocket[] = [];
    const url = await serve((socket) => sockets.push(socket));
    const events: string[] = [];
    const { live } = client(url, 'good', events);
    live.start();
    await until(() => events.includes('open'));
    const closed = new Promise((r) => sockets[0]?.once('close', r));
    live.stop();
    await closed;
    expect(live.state()).toBe('stopped');
    expect(sockets).toHaveLength(1);
  });
});
