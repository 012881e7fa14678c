/**
 * The AMI adapter against a small AMI server (node:net) that replays transcripts written from Asterisk's AMI
 * event documentation (tests/support/ami-transcripts). The envelopes are fed through the call machine keyed by
 * callId, as the desk and the server do: a queue call rung on three phones and answered on one is ONE answered
 * call; a transfer keeps one call; garbage, half blocks and dropped connections cost a log line, never a crash.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../common/calls/envelope';
import { applyCallEvent } from '../../common/calls/machine';
import type { Call } from '../../common/domain';
import { AmiParser, encodeAmiAction } from '../../main/cti/ami-parser';
import { createAmiAdapter, defaultAgentChannel, q850Cause, type AmiAdapter } from '../../main/cti/ami';
import type { AdapterState } from '../../main/cti/types';

const transcript = (name: string) =>
  readFileSync(new URL(`../support/ami-transcripts/${name}.txt`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .trim()
    .replace(/\n/g, '\r\n') + '\r\n\r\n';

/** An Asterisk stand-in: banner, Login (one user), then whatever the test streams; records actions. */
class FakeAmi {
  server = net.createServer((s) => this.accept(s));
  socket: net.Socket | null = null;
  actions: Record<string, string>[] = [];
  logins = 0;
  answer: (a: Record<string, string>) => string = (a) =>
    `Response: Success\r\nActionID: ${a.actionid}\r\nMessage: ok\r\n\r\n`;
  private waiters: (() => void)[] = [];

  async listen(port = 0) {
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }
  private accept(s: net.Socket) {
    this.socket = s;
    s.on('error', () => {});
    s.write('Asterisk Call Manager/5.0.1\r\n');
    const parser = new AmiParser();
    s.on('data', (chunk) => {
      for (const a of parser.push(chunk).blocks) {
        this.actions.push(a);
        if (a.action === 'Login') {
          this.logins++;
          if (a.username === 'desk' && a.secret === 'pw') {
            s.write(`Response: Success\r\nActionID: ${a.actionid}\r\nMessage: Authentication accepted\r\n\r\n`);
            s.write('Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n');
            for (const w of this.waiters.splice(0)) w();
          } else {
            s.end(`Response: Error\r\nActionID: ${a.actionid}\r\nMessage: Authentication failed\r\n\r\n`);
          }
        } else {
          s.write(this.answer(a));
        }
      }
    });
  }
  loggedIn() {
    return new Promise<void>((r) => this.waiters.push(r));
  }
  /** Writes `text` cut into random small chunks (splits land inside lines and CRLFs). */
  async stream(text: string, seed = 7) {
    let x = seed;
    const buf = Buffer.from(text);
    for (let i = 0; i < buf.length;) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (x % 97);
      this.socket?.write(buf.subarray(i, i + n));
      i += n;
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  async close() {
    this.socket?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

let fake: FakeAmi;
let adapter: AmiAdapter;
let events: CallEvent[];
let logs: string[];
let states: [AdapterState, string | undefined][];

async function setup(opts: { username?: string; secret?: string; originate?: boolean } = {}) {
  fake = new FakeAmi();
  const port = await fake.listen();
  events = [];
  logs = [];
  states = [];
  adapter = createAmiAdapter({
    port,
    username: opts.username ?? 'desk',
    secret: opts.secret ?? 'pw',
    sink: (e) => events.push(e),
    log: (l) => logs.push(l),
    reconnect: { baseMs: 30, maxMs: 60 },
    actionTimeoutMs: 300,
    originate: opts.originate ? { channel: 'PJSIP/101', context: 'from-internal', callerId: '101' } : undefined,
  });
  adapter.onState((s, d) => states.push([s, d]));
  const loggedIn = fake.loggedIn();
  adapter.start();
  if (opts.username === undefined) {
    await loggedIn;
    await until(() => adapter.state() === 'connected');
  }
}

afterEach(async () => {
  await adapter?.stop();
  await fake?.close().catch(() => {});
});

/** The records the envelopes make, one per callId, as the machine builds them. */
function records(list: CallEvent[] = events): Call[] {
  const byId = new Map<string, Call>();
  const ctx = { newId: randomUUID, now: new Date('2025-12-05T10:10:00Z') };
  for (const e of list) byId.set(e.callId, applyCallEvent(byId.get(e.callId), e, ctx));
  return [...byId.values()];
}
const agentLegs = (c: Call) => c.legs.filter((l) => l.source === 'ami-agent');

describe('AMI adapter: calls from transcripts', () => {
  it('a queue call rung on 101, 102, 103 and answered by 101 is ONE answered call', async () => {
    await setup();
    await fake.stream(transcript('queue-answered'));
    await until(() => events.filter((e) => e.type === 'call.ended').length === 4); // caller, 101, 102, 103
    const calls = records();
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({
      callId: '1764928800.1',
      source: 'ami',
      direction: 'inbound',
      from: '13800138000',
      to: '4008001234',
      callerName: 'Li Wei',
      state: 'ended',
      missed: false,
      answeredBy: '101',
      answeredAt: '2025-12-05T10:00:05.000Z',
      endedAt: '2025-12-05T10:01:00.000Z',
      cause: 'normalClearing',
      q850: 16,
      waitingSeconds: 5,
      talkingSeconds: 55,
      holdSeconds: 10,
    });
    expect([...call.offeredTo].sort()).toEqual(['101', '102', '103']);
    expect(agentLegs(call).map((l) => [l.agent, l.answeredAt !== null, l.cause])).toEqual([
      ['101', true, 'normalClearing'],
      ['102', false, 'cancel'],
      ['103', false, 'cancel'],
    ]);
    // Replaying the same transcript (a reconnect that re-reads) gives the same eventIds: duplicates.
    const ids = events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the same queue call unanswered is ONE missed call, not three', async () => {
    await setup();
    await fake.stream(transcript('queue-missed'));
    await until(() => events.some((e) => e.type === 'call.ended' && e.source === 'ami'));
    const calls = records();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      missed: true,
      answeredAt: null,
      cause: 'cancel',
      q850: 16,
      waitingSeconds: 20.02,
    });
    expect(calls[0]!.callback.state).toBe('open');
    expect(agentLegs(calls[0]!).map((l) => l.cause)).toEqual(['cancel', 'cancel', 'cancel']);
  });

  it('an attended transfer keeps one call with two agent legs (101, then 102); the consultation is no call', async () => {
    await setup();
    await fake.stream(transcript('attended-transfer'));
    await until(() => events.some((e) => e.type === 'call.ended' && e.source === 'ami'));
    const calls = records();
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({
      callId: '1764928800.11',
      answeredBy: '101',
      missed: false,
      endedAt: '2025-12-05T10:01:30.000Z',
      cause: 'normalClearing',
      holdSeconds: 20.2,
    });
    expect(call.transfers).toEqual([{ kind: 'attended', target: '102', at: '2025-12-05T10:00:40.000Z' }]);
    expect(agentLegs(call).map((l) => [l.agent, l.answeredAt])).toEqual([
      ['101', '2025-12-05T10:00:04.000Z'],
      ['102', '2025-12-05T10:00:40.000Z'],
    ]);
    expect(events.some((e) => e.callId === '1764928800.13')).toBe(false);
  });

  it('a blind transfer keeps one call: answered by 101, transferred to 102, who answers', async () => {
    await setup();
    await fake.stream(transcript('blind-transfer'));
    await until(() => events.some((e) => e.type === 'call.ended' && e.source === 'ami'));
    const calls = records();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ answeredBy: '101', endedAt: '2025-12-05T10:00:50.000Z', missed: false });
    expect(calls[0]!.transfers).toEqual([{ kind: 'blind', target: '102', at: '2025-12-05T10:00:15.000Z' }]);
    expect(agentLegs(calls[0]!).map((l) => [l.agent, l.answeredAt !== null])).toEqual([
      ['101', true],
      ['102', true],
    ]);
  });

  it("an agent's call out through the trunk is an outbound call from the agent's extension", async () => {
    await setup();
    await fake.stream(transcript('outbound'));
    await until(() => events.some((e) => e.type === 'call.ended'));
    expect(records()).toEqual([
      expect.objectContaining({
        direction: 'outbound',
        from: '101',
        to: '013900139000',
        answeredBy: '101',
        talkingSeconds: 22,
        missed: false,
      }),
    ]);
  });

  it('every envelope names the PBX (ami) or an agent leg (ami-agent) and validates', async () => {
    await setup();
    await fake.stream(transcript('queue-answered') + transcript('attended-transfer'));
    await until(() => events.filter((e) => e.type === 'call.ended' && e.source === 'ami').length === 2);
    for (const e of events) {
      expect(['ami', 'ami-agent']).toContain(e.source);
      if (e.source === 'ami-agent') expect(e.agent).toMatch(/^10\d$/);
      expect(e.legId).toBeTruthy();
    }
  });
});

describe('AMI adapter: bad input and connections', () => {
  it('garbage lines, a half block and a dropped connection: logged, the adapter reconnects and goes on', async () => {
    await setup();
    await fake.stream('\u0000\u0001garbage without a colon\r\nEvent: Newchannel\r\nUniqueid: 1.1\r\n'); // half a block…
    fake.socket?.destroy(); // …and the connection drops
    await until(() => adapter.state() !== 'connected');
    await fake.loggedIn();
    await until(() => adapter.state() === 'connected');
    expect(fake.logins).toBe(2);
    await fake.stream(`${'x'.repeat(100)}\r\n: no key\r\nEvent: Hangup\r\n\r\n` + transcript('queue-missed'));
    await until(() => events.some((e) => e.type === 'call.ended' && e.source === 'ami'));
    expect(records()).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/not "Key: Value"/);
    expect(states.map(([s]) => s)).toContain('disconnected');
  });

  it('a line that never ends drops the connection, which comes back', async () => {
    await setup();
    fake.socket?.write('Event: ' + 'A'.repeat(20_000));
    await fake.loggedIn();
    await until(() => fake.logins === 2 && adapter.state() === 'connected');
    expect(logs.join('\n')).toMatch(/line without end/);
  });

  it('a refused login: state disconnected with the reason, and no retry with the same secret', async () => {
    await setup({ username: 'desk', secret: 'wrong' });
    await until(() => adapter.state() === 'disconnected');
    expect(states.at(-1)).toEqual(['disconnected', 'AMI login refused: Authentication failed (response Error)']);
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.logins).toBe(1);
  });

  it('events of unknown calls, odd values and unknown events are skipped', async () => {
    await setup();
    const block = (lines: string[]) => lines.join('\r\n') + '\r\n\r\n';
    await fake.stream(
      block(['Event: Hangup', 'Uniqueid: 9.9', 'Linkedid: 9.9', 'Cause: banana']) +
        block(['Event: DialBegin', 'Uniqueid: 9.8']) +
        block(['Event: AttendedTransfer', 'Result: Success']) +
        block([
          'Event: Newchannel',
          'Channel: PJSIP/trunk-1',
          'Uniqueid: 9.7',
          'Linkedid: 9.7',
          'CallerIDNum: 138\u0000',
        ]) +
        block(['Event: SomethingNew', 'Foo: bar']),
    );
    // The NUL caller number is refused by the envelope schema (the last block: everything before it was read).
    await until(() => logs.some((l) => /envelope schema refuses/.test(l)));
    expect(adapter.state()).toBe('connected');
    expect(events).toEqual([]);
  });
});

describe('AMI adapter: actions', () => {
  it('hangup() sends Hangup for the caller channel; dial() sends Originate; errors reject with the message', async () => {
    await setup({ originate: true });
    await fake.stream(
      transcript('queue-answered').split('Event: Hangup\r\nPrivilege: call,all\r\nTimestamp: 1764928860')[0]!,
    );
    await until(() => events.some((e) => e.type === 'call.answered'));
    await adapter.hangup();
    await adapter.dial('139 0013 9000');
    const [hangup, originate] = fake.actions.filter((a) => a.action !== 'Login');
    expect(hangup).toMatchObject({ action: 'Hangup', channel: 'PJSIP/trunk-00000001', cause: '16' });
    expect(originate).toMatchObject({
      action: 'Originate',
      channel: 'PJSIP/101',
      context: 'from-internal',
      exten: '13900139000',
      async: 'true',
    });
    fake.answer = (a) => `Response: Error\r\nActionID: ${a.actionid}\r\nMessage: No such channel\r\n\r\n`;
    await expect(adapter.hangup('1764928800.1')).rejects.toThrow('AMI Hangup: No such channel');
    await expect(adapter.hangup('nope')).rejects.toThrow('AMI: no call nope');
    await expect(adapter.dial('; rm -rf')).rejects.toThrow('not a number to dial');
    fake.answer = () => '';
    await expect(adapter.dial('101')).rejects.toThrow('no response within 300 ms');
  });

  it('dial() without the originate setting says what is missing', async () => {
    await setup();
    await expect(adapter.dial('101')).rejects.toThrow('needs the originate setting');
  });
});

describe('AMI pieces', () => {
  it('the parser takes CRLF or LF, splits anywhere, lower-cases keys and keeps the first duplicate', () => {
    const p = new AmiParser();
    const text = 'Asterisk Call Manager/5.0.1\r\nEvent: Hangup\r\nUniqueID: 1.2\nCause: 16\r\nCause: 17\r\n\r\n';
    const blocks = [...text].flatMap((ch) => p.push(Buffer.from(ch)).blocks);
    expect(blocks).toEqual([{ event: 'Hangup', uniqueid: '1.2', cause: '16' }]);
  });

  it('property: any split of a transcript, with garbage between blocks, parses to the same blocks; never throws', () => {
    const text = transcript('attended-transfer');
    const parse = (cuts: number[], junk: string) => {
      const p = new AmiParser();
      const stream = Buffer.from(junk + text);
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      let from = 0;
      const blocks = [];
      for (const to of [...points, stream.length]) {
        blocks.push(...p.push(stream.subarray(from, to)).blocks);
        from = to;
      }
      return blocks;
    };
    const whole = parse([], '');
    expect(whole.filter((b) => b.event)).toHaveLength(17);
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.string({ maxLength: 60 }).map((j) => j.replace(/:/g, '') + '\r\n\r\n'),
        (cuts, junk) => {
          expect(parse(cuts, junk)).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an action with a line break in a value is refused (no header injection)', () => {
    expect(() => encodeAmiAction({ Action: 'Originate', Exten: '1\r\nAction: Command' })).toThrow(/line break/);
    expect(encodeAmiAction({ Action: 'Ping' })).toBe('Action: Ping\r\n\r\n');
  });

  it('channels and causes', () => {
    expect(defaultAgentChannel('PJSIP/101-0000002a')).toBe('101');
    expect(defaultAgentChannel('SIP/8001-00000001')).toBe('8001');
    expect(defaultAgentChannel('PJSIP/trunk-00000001')).toBeNull();
    expect(defaultAgentChannel('Local/101@from-queue-00000001;1')).toBeNull();
    expect(q850Cause(16, true, true)).toBe('normalClearing');
    expect(q850Cause(16, false, true)).toBe('cancel');
    expect(q850Cause(17, false, true)).toBe('busy');
    expect(q850Cause(19, false, true)).toBe('noAnswer');
    expect(q850Cause(21, false, true)).toBe('rejected');
    expect(q850Cause(21, false, false)).toBe('busy');
    expect(q850Cause(34, false, true)).toBe('congestion');
    expect(q850Cause(1, false, true)).toBe('notFound');
    expect(q850Cause(111, false, true)).toBe('failed');
  });
});
