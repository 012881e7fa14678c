/**
 * The baresip adapter against a fake ctrl_tcp (node:net): events → envelopes, commands with tokens and their
 * responses, timeouts, reconnect after "baresip" restarts, garbage on the stream. The frames are the ones baresip
 * 1.0 sent in the recipe of /work/shared/peers/baresip (see tests/integration/baresip-adapter.test.ts for the real one).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallEvent } from '../../common/calls/envelope';
import { closeCause, createBaresipAdapter, dialTarget, sipUser, type BaresipAdapter } from '../../main/cti/baresip';
import { NetstringDecoder, encodeNetstring } from '../../main/cti/netstring';
import type { AdapterState } from '../../main/cti/types';

/** A ctrl_tcp stand-in: records commands, lets the test send frames and answer commands. */
class FakeCtrlTcp {
  server = net.createServer((s) => this.accept(s));
  socket: net.Socket | null = null;
  commands: Record<string, string>[] = [];
  /** Answers each command; null = stay silent (the timeout test). */
  reply: (cmd: Record<string, string>) => { ok: boolean; data: string } | null = () => ({ ok: true, data: '' });
  connections = 0;
  private waiters: (() => void)[] = [];

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }
  private accept(s: net.Socket) {
    this.connections++;
    this.socket = s;
    const d = new NetstringDecoder();
    s.on('data', (chunk) => {
      for (const f of d.push(chunk).frames) {
        const cmd = JSON.parse(f.toString()) as Record<string, string>;
        this.commands.push(cmd);
        const r = this.reply(cmd);
        if (r) this.send({ response: true, ok: r.ok, data: r.data, token: cmd.token });
      }
    });
    s.on('error', () => {});
    for (const w of this.waiters.splice(0)) w();
  }
  connected(): Promise<void> {
    return this.socket && !this.socket.destroyed ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
  send(obj: unknown) {
    this.raw(encodeNetstring(JSON.stringify(obj)));
  }
  raw(data: string | Buffer) {
    this.socket?.write(data);
  }
  async close() {
    this.socket?.destroy();
    this.socket = null;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const AOR = 'sip:agent101@127.0.0.1';
const call = (type: string, id: string, extra: Record<string, unknown> = {}) => ({
  event: true,
  type,
  class: 'call',
  accountaor: AOR,
  direction: 'incoming',
  peeruri: 'sip:13800138000@127.0.0.1:5099',
  peerdisplayname: 'Li Wei',
  id,
  param: 'sip:13800138000@127.0.0.1:5099',
  ...extra,
});

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let fake: FakeCtrlTcp;
let adapter: BaresipAdapter;
let events: CallEvent[];
let logs: string[];
let states: AdapterState[];

async function setup(opts: { commandTimeoutMs?: number } = {}) {
  fake = new FakeCtrlTcp();
  const port = await fake.listen();
  events = [];
  logs = [];
  states = [];
  adapter = createBaresipAdapter({
    port,
    extension: '101',
    sink: (e) => events.push(e),
    log: (l) => logs.push(l),
    reconnect: { baseMs: 40, maxMs: 100 },
    now: () => new Date('2026-12-05T10:00:00.000Z'),
    ...opts,
  });
  adapter.onState((s) => states.push(s));
  adapter.start();
  await fake.connected();
  await until(() => adapter.state() === 'connected');
}

afterEach(async () => {
  await adapter?.stop();
  await fake?.close().catch(() => {});
});

describe('baresip adapter: events', () => {
  it('an answered incoming call: ringing with the caller number and name, answered by the extension, ended normally', async () => {
    await setup();
    const id = '1-10106@127.0.0.1';
    fake.send(call('CALL_INCOMING', id));
    fake.send({ ...call('CALL_REMOTE_SDP', id), class: 'other', param: 'offer' });
    fake.send(call('CALL_ESTABLISHED', id));
    fake.send(call('CALL_CLOSED', id, { param: 'Connection reset by peer' }));
    await until(() => events.length === 3);
    for (const e of events) expect(CallEvent.safeParse(e).success).toBe(true);
    expect(events[0]).toMatchObject({
      v: 1,
      type: 'call.ringing',
      eventId: `baresip:${id}:call.ringing`,
      callId: id,
      sipCallId: id,
      source: 'baresip',
      direction: 'inbound',
      from: '13800138000',
      to: '101',
      callerName: 'Li Wei',
      offeredTo: ['101'],
      agent: '101',
      ts: '2026-12-05T10:00:00.000Z',
    });
    expect(events[1]).toMatchObject({ type: 'call.answered', answeredBy: '101', callId: id });
    expect(events[2]).toMatchObject({ type: 'call.ended', cause: 'normalClearing', callId: id });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it('a call the caller gives up on ends as cancel, never answered; a busy outbound call as busy', async () => {
    await setup();
    fake.send(call('CALL_INCOMING', 'a'));
    fake.send(call('CALL_CLOSED', 'a', { param: 'Connection reset by peer' }));
    const out = { direction: 'outgoing', peeruri: 'sip:13900139000@127.0.0.1', peerdisplayname: undefined };
    fake.send(call('CALL_RINGING', 'b', out));
    fake.send(call('CALL_PROGRESS', 'b', out));
    fake.send(call('CALL_CLOSED', 'b', { ...out, param: '486 Busy Here' }));
    await until(() => events.length === 4);
    expect(events.map((e) => [e.type, e.callId, e.type === 'call.ended' ? e.cause : null])).toEqual([
      ['call.ringing', 'a', null],
      ['call.ended', 'a', 'cancel'],
      ['call.ringing', 'b', null],
      ['call.ended', 'b', 'busy'],
    ]);
    expect(events[2]).toMatchObject({ direction: 'outbound', from: '101', to: '13900139000' });
    expect(events[3]).toMatchObject({ q850: 17 });
  });

  it('peer hold/resume and a transfer request become held, resumed, transferred (one per transition)', async () => {
    await setup();
    fake.send(call('CALL_INCOMING', 'h'));
    fake.send(call('CALL_ESTABLISHED', 'h'));
    fake.send(call('CALL_HOLD', 'h'));
    fake.send(call('CALL_HOLD', 'h'));
    fake.send(call('CALL_RESUME', 'h'));
    fake.send(call('TRANSFER', 'h', { param: 'sip:102@127.0.0.1' }));
    await until(() => events.length === 5);
    expect(events.slice(2).map((e) => [e.type, e.eventId])).toEqual([
      ['call.held', 'baresip:h:call.held:1'],
      ['call.resumed', 'baresip:h:call.resumed:2'],
      ['call.transferred', 'baresip:h:call.transferred'],
    ]);
    expect(events[4]).toMatchObject({ kind: 'blind', target: '102' });
  });

  it('garbage on the stream is logged and skipped; the next good frame still counts', async () => {
    await setup();
    fake.raw('GET / HTTP/1.1\r\n\r\n');
    fake.raw(encodeNetstring('not json'));
    fake.raw(encodeNetstring('[1,2]'));
    fake.raw(encodeNetstring('{"something":"else"}'));
    fake.send({ event: true, type: 'CALL_INCOMING', id: 'x', direction: 'incoming', peeruri: 42 });
    fake.send(call('CALL_INCOMING', 'x\u0000bad')); // refused by the envelope schema: dropped, logged
    fake.send({ event: true, type: 'REGISTER_OK', class: 'register', accountaor: AOR });
    fake.send(call('CALL_INCOMING', 'good'));
    await until(() => events.some((e) => e.callId === 'good'));
    expect(adapter.state()).toBe('connected');
    expect(logs.join('\n')).toMatch(/start no netstring/);
    expect(logs.join('\n')).toMatch(/not JSON/);
    expect(logs.join('\n')).toMatch(/envelope schema refuses/);
    // The event with a non-string peeruri still rings, with an empty caller number rather than a crash.
    expect(events.map((e) => e.callId)).toEqual(['x', 'good']);
  });

  it('an oversized netstring drops the connection, which then comes back', async () => {
    await setup();
    fake.raw('99999999:');
    await until(() => fake.connections === 2 && adapter.state() === 'connected');
    expect(logs.join('\n')).toMatch(/oversized/);
    expect(states).toContain('disconnected');
  });

  it('a sink that throws costs nothing but a log line', async () => {
    await setup();
    let calls = 0;
    await adapter.stop();
    adapter = createBaresipAdapter({
      port: (fake.server.address() as net.AddressInfo).port,
      extension: '101',
      sink: () => {
        calls++;
        throw new Error('boom');
      },
      log: (l) => logs.push(l),
    });
    adapter.start();
    await until(() => adapter.state() === 'connected' && fake.connections === 2);
    fake.send(call('CALL_INCOMING', 'x'));
    fake.send(call('CALL_ESTABLISHED', 'x'));
    await until(() => calls === 2);
    expect(logs.join('\n')).toMatch(/sink threw: boom/);
  });
});

describe('baresip adapter: commands', () => {
  it('answer, hangup, hold, resume, dial go out with tokens and resolve on the response', async () => {
    await setup();
    fake.send(call('CALL_INCOMING', 'c1'));
    fake.send(call('CALL_ESTABLISHED', 'c1'));
    await until(() => events.length === 2);
    await adapter.answer();
    await adapter.hold();
    await adapter.resume();
    await adapter.dial('138 0013 8000');
    await adapter.dial('sip:102@pbx.example.com');
    await adapter.hangup('c1');
    expect(fake.commands.map((c) => [c.command, c.params])).toEqual([
      ['accept', undefined],
      ['hold', undefined],
      ['resume', undefined],
      ['dial', 'sip:13800138000@127.0.0.1'],
      ['dial', 'sip:102@pbx.example.com'],
      ['callfind', 'c1'],
      ['hangup', undefined],
    ]);
    expect(new Set(fake.commands.map((c) => c.token)).size).toBe(fake.commands.length);
    // baresip 1.0 has no event for its own hold: the adapter reports the successful command.
    expect(events.slice(2).map((e) => e.type)).toEqual(['call.held', 'call.resumed']);
  });

  it('a refused command, an unknown call and a silent baresip reject with a clear message', async () => {
    await setup({ commandTimeoutMs: 150 });
    fake.reply = (c) =>
      c.command === 'accept'
        ? { ok: false, data: 'no incoming call\n' }
        : c.command === 'callfind'
          ? { ok: true, data: `call not found (id=${c.params})\n` }
          : c.command === 'hold'
            ? null
            : { ok: true, data: '' };
    await expect(adapter.answer()).rejects.toThrow('baresip refused "accept": no incoming call');
    await expect(adapter.hangup('gone')).rejects.toThrow('baresip has no call gone');
    await expect(adapter.hold()).rejects.toThrow('baresip did not answer "hold" within 150 ms');
    await expect(adapter.dial('rm -rf /')).rejects.toThrow('not a number to dial');
    await expect(adapter.answer('bad id')).rejects.toThrow('not a call id');
  });

  it('commands fail at once while disconnected; pending ones fail when the connection closes', async () => {
    await setup({ commandTimeoutMs: 5000 });
    fake.reply = () => null;
    const waiting = adapter.answer();
    await until(() => fake.commands.length === 1);
    fake.socket?.destroy();
    await expect(waiting).rejects.toThrow(/connection closed/);
    await adapter.stop();
    await expect(adapter.answer()).rejects.toThrow(/not connected \(disabled\)/);
  });
});

describe('baresip adapter: reconnect', () => {
  it('reconnects when baresip restarts and reports each state', async () => {
    await setup();
    const port = (fake.server.address() as net.AddressInfo).port;
    const details: string[] = [];
    adapter.onState((_s, d) => details.push(d ?? ''));
    await fake.close();
    await until(() => adapter.state() === 'disconnected');
    await new Promise((r) => setTimeout(r, 150)); // a few refused attempts while it is down
    fake = new FakeCtrlTcp();
    await fake.listen(port);
    await fake.connected();
    await until(() => adapter.state() === 'connected');
    expect(states[0]).toBe('connecting');
    expect(states).toEqual(expect.arrayContaining(['connecting', 'connected', 'disconnected']));
    expect(details.some((d) => /retrying in/.test(d))).toBe(true);
    fake.send(call('CALL_INCOMING', 'after'));
    await until(() => events.some((e) => e.callId === 'after'));
  });
});

describe('baresip helpers', () => {
  it('sipUser, dialTarget, closeCause', () => {
    expect(sipUser('sip:13800138000@127.0.0.1:5099')).toBe('13800138000');
    expect(sipUser('<sip:%2B8613800138000@pbx;user=phone>')).toBe('+8613800138000');
    expect(sipUser('tel:+862155551234')).toBe('+862155551234');
    expect(sipUser('garbage')).toBeNull();
    expect(dialTarget('+86 (21) 5555-1234', 'pbx')).toBe('sip:+862155551234@pbx');
    expect(dialTarget('101', null)).toBe('101');
    expect(() => dialTarget('sip:a b', null)).toThrow();
    expect(closeCause('Connection reset by peer', true, false)).toBe('normalClearing');
    expect(closeCause('Connection reset by peer', false, false)).toBe('cancel');
    expect(closeCause('Connection reset by user', false, false)).toBe('noAnswer');
    expect(closeCause('Connection reset by user', false, true)).toBe('cancel');
    expect(closeCause('408 Request Timeout', false, true)).toBe('noAnswer');
    expect(closeCause('404 Not Found', false, true)).toBe('notFound');
    expect(closeCause('503 Service Unavailable', false, true)).toBe('congestion');
  });
});
