/**
 * The call state machine and reporter correlation under random delivery (issue 10 "Tests"): a PBX and the
 * agent's softphone report the same call with different ids; their events arrive in any order, some twice, some
 * never. Whatever happens: one record, never reopened once ended, the PBX's id primary whenever the PBX was
 * heard, missed exactly when inbound, never answered, not forwarded and not refused — and applying everything
 * again changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlate } from '../../common/calls/correlate';
import { CallEvent, type CallEventInput } from '../../common/calls/envelope';
import { applyCallEvent, sweepCall } from '../../common/calls/machine';
import type { Call } from '../../common/domain';
import { toE164 } from '../../common/residents/phone';

const T0 = Date.parse('2026-12-05T02:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

interface Scenario {
  direction: 'inbound' | 'outbound';
  answered: boolean;
  answerAfterMs: number;
  durationMs: number;
  unansweredCause: 'cancel' | 'noAnswer' | 'busy' | 'forwarded' | 'rejected';
  softphone: boolean;
  softphoneLagMs: number;
  withSipCallId: boolean;
}

const scenario = fc.record<Scenario>({
  direction: fc.constantFrom('inbound', 'inbound', 'outbound'),
  answered: fc.boolean(),
  answerAfterMs: fc.integer({ min: 500, max: 60_000 }),
  durationMs: fc.integer({ min: 1_000, max: 600_000 }),
  unansweredCause: fc.constantFrom('cancel', 'noAnswer', 'busy', 'forwarded', 'rejected'),
  softphone: fc.boolean(),
  softphoneLagMs: fc.integer({ min: 0, max: 9_000 }),
  withSipCallId: fc.boolean(),
});

/** Every event the two reporters would send for the call, in the order they happened. */
function eventsOf(s: Scenario): CallEvent[] {
  const from = '+86 138 0013 8000';
  const answerAt = s.answerAfterMs;
  const endAt = s.answered ? answerAt + s.durationMs : Math.min(s.answerAfterMs, 60_000);
  const pbx = { v: 1, source: 'pbx', callId: 'pbx-1', direction: s.direction, from } as const;
  const list: CallEventInput[] = [
    { ...pbx, type: 'call.ringing', eventId: 'p1', ts: at(0), offeredTo: ['8001', '8002', '8003'] },
    ...(s.answered
      ? [{ ...pbx, type: 'call.answered' as const, eventId: 'p2', ts: at(answerAt), answeredBy: '8001' }]
      : []),
    {
      ...pbx,
      type: 'call.ended',
      eventId: 'p3',
      ts: at(endAt),
      cause: s.answered ? 'normalClearing' : s.unansweredCause,
    },
  ];
  if (s.softphone) {
    const sp = {
      v: 1,
      source: 'baresip',
      callId: 'sp-1',
      direction: s.direction,
      from: '13800138000',
      agent: '8001',
      ...(s.withSipCallId ? { sipCallId: 'sip-abc' } : {}),
    } as const;
    list.push(
      { ...sp, type: 'call.ringing', eventId: 's1', ts: at(s.softphoneLagMs) },
      ...(s.answered ? [{ ...sp, type: 'call.answered' as const, eventId: 's2', ts: at(answerAt + 20) }] : []),
      { ...sp, type: 'call.ended', eventId: 's3', ts: at(endAt + 30), cause: s.answered ? 'normalClearing' : 'cancel' },
    );
  }
  return list.map((e) => CallEvent.parse(e));
}

/** How the network treats each event: delivered once, twice, or lost; and the order of arrival. */
const delivery = (n: number) =>
  fc.record({
    fate: fc.array(fc.constantFrom('once', 'once', 'once', 'twice', 'lost'), { minLength: n, maxLength: n }),
    order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2 * n, maxLength: 2 * n }),
  });

let ids = 0;
const ctx = () => ({
  newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  now: new Date(T0),
  toE164,
});

/** Applies events like the server does: find the record (correlation), apply, keep every state seen. */
function run(events: readonly CallEvent[], records: Call[] = []): { records: Call[]; reopened: boolean } {
  let reopened = false;
  for (const e of events) {
    const known = correlate(e, records, toE164);
    const next = applyCallEvent(known, e, ctx());
    if (known?.state === 'ended' && next.state !== 'ended') reopened = true;
    const i = records.findIndex((r) => r.id === next.id);
    if (i >= 0) records[i] = next;
    else records.push(next);
  }
  return { records, reopened };
}

describe('call machine × correlation, random delivery (fast-check)', () => {
  it('one record, never reopened, PBX id primary, missed exactly when it should be, idempotent', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) => {
          const events = eventsOf(s);
          return fc.tuple(fc.constant(s), fc.constant(events), delivery(events.length));
        }),
        ([s, events, { fate, order }]) => {
          const sent = events.flatMap((e, i) => (fate[i] === 'lost' ? [] : fate[i] === 'twice' ? [e, e] : [e]));
          fc.pre(sent.length > 0);
          const arrival = sent
            .map((e, i) => ({ e, k: order[i] ?? 0 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);

          const { records, reopened } = run(arrival);
          expect(records).toHaveLength(1);
          expect(reopened).toBe(false);
          const [call] = records as [Call];
          const heard = new Set(arrival.map((e) => e.eventId));
          if ([...heard].some((id) => id.startsWith('p'))) expect(call.callId).toBe('pbx-1');

          // Applying every event again (a full replay) changes nothing.
          expect(run(arrival, structuredClone(records)).records).toEqual(records);

          // Long after: the sweep ends whatever never heard its hangup; missed follows from what was heard.
          const final = sweepCall(call, new Date(T0 + 86_400_000));
          expect(final.state).toBe('ended');
          const answered = heard.has('p2') || heard.has('s2');
          const pbxEnded = arrival.find((e) => e.eventId === 'p3');
          const pbxEnd = pbxEnded?.type === 'call.ended' ? pbxEnded.cause : null;
          const expectMissed =
            s.direction === 'inbound' && !answered && pbxEnd !== 'forwarded' && pbxEnd !== 'rejected';
          expect(final.missed).toBe(expectMissed);
          expect(final.callback.state).toBe(expectMissed ? 'open' : 'none');
          if (answered && heard.has('p3')) expect(final.talkingSeconds).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000, seed: 20261205 },
    );
  });

  it('an event after the end never reopens the call; a late recording URL still fills the gap', () => {
    const base = { v: 1, source: 'pbx', callId: 'x', direction: 'inbound', from: '13800138000' } as const;
    const ended = run(
      [
        { ...base, type: 'call.ringing', eventId: 'a', ts: at(0) },
        { ...base, type: 'call.ended', eventId: 'b', ts: at(5000), cause: 'cancel' },
      ].map((e) => CallEvent.parse(e)),
    ).records[0] as Call;
    const later = [
      { ...base, type: 'call.answered', eventId: 'c', ts: at(9000) },
      { ...base, type: 'call.held', eventId: 'd', ts: at(9500) },
      { ...base, type: 'call.recording', eventId: 'e', ts: at(20_000), url: 'https://pbx.example/r/x.wav' },
    ].map((e) => CallEvent.parse(e));
    const { records } = run(later, [ended]);
    expect(records[0]).toMatchObject({
      state: 'ended',
      missed: true,
      answeredAt: null,
      recordingUrl: 'https://pbx.example/r/x.wav',
    });
  });

  it('`ended` without `ringing` still makes a record (missed when inbound)', () => {
    const { records } = run([
      CallEvent.parse({
        v: 1,
        type: 'call.ended',
        eventId: 'z',
        callId: 'only-end',
        source: 'pbx',
        ts: at(0),
        direction: 'inbound',
        from: '13800138000',
        cause: 'noAnswer',
      }),
    ]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ state: 'ended', missed: true, from: '13800138000' });
  });

  it('the sweep ends a call left ringing past 10 min, or talking past 4 h, as lost', () => {
    const ring = run([
      CallEvent.parse({
        v: 1,
        type: 'call.ringing',
        eventId: 'r',
        callId: 's',
        source: 'pbx',
        ts: at(0),
        direction: 'inbound',
        from: '110',
      }),
    ]).records[0] as Call;
    expect(sweepCall(ring, new Date(T0 + 9 * 60_000))).toBe(ring);
    expect(sweepCall(ring, new Date(T0 + 10 * 60_000))).toMatchObject({ state: 'ended', cause: 'lost', missed: true });
    const talk = applyCallEvent(
      ring,
      CallEvent.parse({ v: 1, type: 'call.answered', eventId: 'a', callId: 's', source: 'pbx', ts: at(1000) }),
      ctx(),
    );
    expect(sweepCall(talk, new Date(T0 + 3 * 3600_000))).toBe(talk);
    expect(sweepCall(talk, new Date(T0 + 4 * 3600_000 + 1000))).toMatchObject({ cause: 'lost', missed: false });
  });
});
