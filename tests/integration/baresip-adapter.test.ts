/**
 * The baresip adapter against a real baresip (ctrl_tcp) with sipp as the caller: a ringing with the caller's
 * number and name; the console's answer() → baresip accepts → call.answered; the caller hangs up → call.ended.
 * A second call the caller gives up on → ended without an answer, i.e. missed once fed to the call machine.
 * Skips (saying why) when baresip or sipp is not installed; CI installs baresip-core and sip-tester.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEvent } from '../../common/calls/envelope';
import { applyCallEvent } from '../../common/calls/machine';
import type { Call } from '../../common/domain';
import { createBaresipAdapter, type BaresipAdapter } from '../../main/cti/baresip';
import { answerOneCall, placeCall, softphoneMissing, startBaresip, type Baresip } from '../support/baresip';

const missing = softphoneMissing();
if (missing) console.warn(`baresip integration test skipped: ${missing}`);

const until = async (what: string, cond: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(missing !== null)('baresip adapter with a real baresip and sipp', () => {
  let baresip: Baresip;
  let adapter: BaresipAdapter;
  const events: CallEvent[] = [];
  const logs: string[] = [];

  const callOf = (callId: string) => {
    let call: Call | undefined;
    const ctx = { newId: randomUUID, now: new Date() };
    for (const e of events.filter((x) => x.callId === callId)) call = applyCallEvent(call, e, ctx);
    return call;
  };
  const ofType = (type: CallEvent['type'], callId?: string) =>
    events.find((e) => e.type === type && (callId === undefined || e.callId === callId));

  beforeAll(async () => {
    baresip = await startBaresip();
    adapter = createBaresipAdapter({
      port: baresip.ctrlPort,
      extension: '101',
      sink: (e) => events.push(e),
      log: (l) => logs.push(l),
      reconnect: { baseMs: 100, maxMs: 500 },
    });
    adapter.start();
    await until('the adapter to connect', () => adapter.state() === 'connected');
  }, 20_000);

  afterAll(async () => {
    await adapter?.stop();
    await baresip?.stop();
  });

  it('an answered call: ringing with the number → answer() → answered → the caller hangs up → ended', async () => {
    const sipp = await placeCall({
      sipPort: baresip.sipPort,
      caller: '13800138000',
      callerName: 'Li Wei',
      kind: 'answered',
      holdMs: 1200,
    });
    try {
      await until('call.ringing', () => ofType('call.ringing') !== undefined);
      const ringing = ofType('call.ringing');
      expect(ringing).toMatchObject({
        source: 'baresip',
        direction: 'inbound',
        from: '13800138000',
        to: '101',
        callerName: 'Li Wei',
        offeredTo: ['101'],
      });
      const callId = ringing!.callId;
      expect(ringing!.sipCallId).toBe(callId);

      await adapter.answer(callId);
      await until('call.answered', () => ofType('call.answered', callId) !== undefined);
      expect(ofType('call.answered', callId)).toMatchObject({ answeredBy: '101' });

      await until('call.ended', () => ofType('call.ended', callId) !== undefined);
      expect(ofType('call.ended', callId)).toMatchObject({ cause: 'normalClearing' });
      const { code, output } = await sipp.done;
      expect(code, output).toBe(0);

      const call = callOf(callId);
      expect(call).toMatchObject({ state: 'ended', missed: false, from: '13800138000' });
    } finally {
      sipp.kill();
    }
  }, 20_000);

  it('a call the caller gives up on: ringing, then ended without an answer (missed)', async () => {
    const before = events.length;
    const sipp = await placeCall({
      sipPort: baresip.sipPort,
      caller: '13900139000',
      callerName: 'Wang Fang',
      kind: 'giveUp',
      holdMs: 700,
    });
    try {
      await until('the second ringing', () => events.slice(before).some((e) => e.type === 'call.ringing'));
      const callId = events.slice(before).find((e) => e.type === 'call.ringing')!.callId;
      await until('the second call.ended', () => ofType('call.ended', callId) !== undefined);
      expect(ofType('call.answered', callId)).toBeUndefined();
      expect(ofType('call.ended', callId)).toMatchObject({ cause: 'cancel', from: '13900139000' });
      const { code, output } = await sipp.done;
      expect(code, output).toBe(0);
      expect(callOf(callId)).toMatchObject({ state: 'ended', missed: true, answeredAt: null });
    } finally {
      sipp.kill();
    }
  }, 20_000);

  it('click-to-dial: dial() → outbound ringing → the far end answers → hangup() → ended', async () => {
    const far = await answerOneCall();
    try {
      const before = events.length;
      await adapter.dial(`sip:13700137000@127.0.0.1:${far.port}`);
      await until('call.answered', () => events.slice(before).some((e) => e.type === 'call.answered'));
      const mine = () => events.slice(before);
      const callId = mine()[0]!.callId;
      expect(mine()[0]).toMatchObject({ type: 'call.ringing', direction: 'outbound', from: '101', to: '13700137000' });
      await adapter.hangup(callId);
      await until('call.ended', () => ofType('call.ended', callId) !== undefined);
      expect(mine().map((e) => e.type)).toEqual(['call.ringing', 'call.answered', 'call.ended']);
      expect(callOf(callId)).toMatchObject({ direction: 'outbound', state: 'ended', missed: false });
      const { code, output } = await far.done;
      expect(code, output).toBe(0);
    } finally {
      far.kill();
    }
  }, 20_000);

  it('click-to-dial and hangup while nothing rings get baresip’s answers, not timeouts', async () => {
    await expect(adapter.hangup()).resolves.toBeUndefined();
    await expect(adapter.answer('no-such-call')).rejects.toThrow('baresip has no call no-such-call');
    expect(logs.filter((l) => /oversized|not JSON/.test(l))).toEqual([]);
  });
});
