/**
 * The phone's pure parts: which pops are on screen as calls ring, are answered here or elsewhere and end; the
 * pop's cursor; the callback queue's order; formatting; and the call keys in the one binding table.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPOSITIONS } from '../../../../common/calls/dispositions';
import { Call, CallLeg, type CallInput } from '../../../../common/domain';
import { BINDINGS, COMPILED_BINDINGS, RESERVED_STEPS, bindingsInScope } from '../console/keyboard/bindings';
import { stepFromEvent } from '../console/keyboard/keys';
import { createSequenceMatcher } from '../console/keyboard/matcher';
import { claimHolder, nextOpenCallback } from './callsCursor';
import { formatSeconds, secondsUntil, shownAdapters } from './format';
import { dispositionLabelIn } from './labels';
import { atCursor, candidateForDigit, moveCursor, popMode, START } from './popCursor';
import {
  NO_POPS,
  answeredHere,
  applyCall,
  callFor,
  dismissPop,
  focused,
  popGone,
  syncActive,
  type PopState,
} from './popState';

const ME = { id: '00000000-0000-4000-8000-000000000001', username: 'agent01', extension: '8001' };
const OTHER = '00000000-0000-4000-8000-000000000002';
let n = 0;

function call(overrides: Partial<CallInput> = {}): Call {
  n += 1;
  const at = '2026-12-05T08:00:00.000Z';
  return Call.parse({
    id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    callId: `pbx-${n}`,
    direction: 'inbound',
    from: '13800138000',
    to: '4008001234',
    agentId: null,
    residentId: null,
    ticketId: null,
    startedAt: at,
    answeredAt: null,
    endedAt: null,
    missed: false,
    notes: '',
    loggedAt: at,
    state: 'ringing',
    ...overrides,
  });
}

const answer = (c: Call, agentId: string): Call => ({
  ...c,
  state: 'talking',
  answeredAt: '2026-12-05T08:00:05.000Z',
  agentId,
});
const end = (c: Call): Call => ({
  ...c,
  state: 'ended',
  endedAt: '2026-12-05T08:03:00.000Z',
  missed: c.answeredAt === null,
});

const apply = (state: PopState, ...calls: Call[]) => calls.reduce((s, c) => applyCall(s, c, ME), state);

describe('pops', () => {
  it('pops a ringing call once, however often it is reported', () => {
    const c = call();
    const state = apply(NO_POPS, c, c, { ...c, callerName: '张三' });
    expect(state.pops.map((p) => p.id)).toEqual([c.id]);
    expect(state.pops[0]?.callerName).toBe('张三');
    expect(state.focusId).toBeNull(); // ringing never steals the focus
  });

  it('focuses the pop when this agent answers, and leaves wrap-up to do when the call ends', () => {
    const c = call();
    let state = apply(NO_POPS, c, answer(c, ME.id));
    expect(state.focusId).toBe(c.id);
    expect(state.lastMineId).toBe(c.id);
    state = focused(state);
    // Another update of the same talk does not take the focus again.
    expect(apply(state, { ...answer(c, ME.id), heldAt: null }).focusId).toBeNull();
    state = apply(state, end(answer(c, ME.id)));
    expect(state.pops).toEqual([]);
    expect(state.wrapUpId).toBe(c.id);
  });

  it('closes the pop when another agent answers or the call ends unanswered — no wrap-up', () => {
    const a = call();
    const b = call();
    let state = apply(NO_POPS, a, b);
    state = apply(state, answer(a, OTHER));
    expect(state.pops.map((p) => p.id)).toEqual([b.id]);
    state = apply(state, end(b));
    expect(state.pops).toEqual([]);
    expect(state.wrapUpId).toBeNull();
  });

  it('never pops an ended call again, whatever a late list still says', () => {
    const c = call();
    const state = apply(NO_POPS, c, end(c), c);
    expect(state.pops).toEqual([]);
  });

  it('follows the live list: a pop whose call it no longer names closes, a re-keyed record pops anew', () => {
    const old = call();
    const rekeyed = { ...old, id: call().id };
    let state = apply(NO_POPS, old);
    state = syncActive(state, [rekeyed], ME);
    expect(state.pops.map((p) => p.id)).toEqual([rekeyed.id]);
    // A record the desk no longer has never comes back, even if a late list still names it.
    state = popGone(state, rekeyed.id);
    expect(syncActive(state, [rekeyed], ME).pops).toEqual([]);
  });

  it('knows a call answered on this desk by extension or by its own softphone', () => {
    const c = call();
    expect(answeredHere({ ...answer(c, OTHER), agentId: null, answeredBy: '8001' }, ME)).toBe(true);
    const leg = CallLeg.parse({
      legId: 'l1',
      source: 'baresip',
      callId: 'sip-1',
      sipCallId: null,
      agent: null,
      startedAt: c.startedAt,
      answeredAt: '2026-12-05T08:00:05.000Z',
      endedAt: null,
    });
    expect(answeredHere({ ...answer(c, OTHER), agentId: null, legs: [leg] }, ME)).toBe(true);
    expect(answeredHere(answer(c, OTHER), ME)).toBe(false);
    expect(answeredHere(c, ME)).toBe(false);
  });

  it('aims the call keys: answer the oldest ringing, hang up or hold the one the agent is on', () => {
    const a = call();
    const b = call();
    const ringing = apply(NO_POPS, a, b);
    expect(callFor(ringing, 'answer', ME)?.id).toBe(a.id);
    expect(callFor(ringing, 'hangup', ME)?.id).toBe(a.id); // rejects the ringing one
    expect(callFor(ringing, 'hold', ME)).toBeUndefined();
    const talking = apply(ringing, answer(b, ME.id));
    expect(callFor(talking, 'hangup', ME)?.id).toBe(b.id);
    expect(callFor(talking, 'hold', ME)?.id).toBe(b.id);
    expect(dismissPop(talking, a.id).pops.map((p) => p.id)).toEqual([b.id]);
  });
});

describe('pop cursor', () => {
  const candidate = (name: string) => ({ residentId: name, name, confidence: 'known' as const, units: [], tags: [] });

  it('chooses among candidates only while several could be calling and none is linked', () => {
    expect(popMode({ candidates: [candidate('a'), candidate('b')], resident: null })).toBe('candidates');
    expect(popMode({ candidates: [candidate('a')], resident: null })).toBe('tickets');
    expect(popMode({ candidates: [candidate('a'), candidate('b')], resident: candidate('a') })).toBe('tickets');
  });

  it('moves inside the list and picks by digit', () => {
    let cursor = moveCursor(START, 'candidates', 1, 3);
    cursor = moveCursor(cursor, 'candidates', 1, 3);
    cursor = moveCursor(cursor, 'candidates', 1, 3);
    expect(cursor).toEqual({ candidate: 2, ticket: 0 });
    expect(moveCursor(START, 'tickets', -1, 3)).toEqual(START);
    expect(moveCursor(START, 'tickets', 1, 0)).toEqual(START);
    const list = [candidate('a'), candidate('b')];
    expect(candidateForDigit(list, '2')?.name).toBe('b');
    expect(candidateForDigit(list, '3')).toBeUndefined();
    expect(atCursor(list, 5)?.name).toBe('b'); // the list shrank under the cursor
  });
});

describe('callback queue', () => {
  const missed = (state: 'open' | 'claimed' | 'done') =>
    call({
      missed: true,
      state: 'ended',
      endedAt: '2026-12-05T08:01:00.000Z',
      callback: { state, claimedBy: null, claimedAt: null, result: null, note: '', doneAt: null },
    });

  it('walks the open callbacks oldest first, skipping claimed and done ones', () => {
    const [newest, claimed, middle, done, oldest] = [
      missed('open'),
      missed('claimed'),
      missed('open'),
      missed('done'),
      missed('open'),
    ];
    const list = [newest, claimed, middle, done, oldest];
    expect(nextOpenCallback(list, null)?.id).toBe(oldest.id);
    expect(nextOpenCallback(list, oldest.id)?.id).toBe(middle.id);
    expect(nextOpenCallback(list, middle.id)?.id).toBe(newest.id);
    expect(nextOpenCallback(list, newest.id)?.id).toBe(oldest.id);
    expect(nextOpenCallback([claimed, done], null)).toBeUndefined();
  });

  it('reads who holds a claim from the host’s refusal', () => {
    expect(claimHolder('李四 is already calling back this number')).toBe('李四');
    expect(claimHolder('No such call')).toBeNull();
  });
});

describe('formatting', () => {
  it('writes durations and countdowns', () => {
    expect(formatSeconds(0)).toBe('0:00');
    expect(formatSeconds(65)).toBe('1:05');
    expect(formatSeconds(3723)).toBe('1:02:03');
    expect(formatSeconds(-3)).toBe('0:00');
    const now = Date.parse('2026-12-05T08:00:00.000Z');
    expect(secondsUntil('2026-12-05T08:00:42.200Z', now)).toBe(43);
    expect(secondsUntil('2026-12-05T07:59:00.000Z', now)).toBe(0);
  });

  it('shows the adapters switched on, the phone first', () => {
    const adapters = shownAdapters({
      adapters: [
        { name: 'hook', state: 'connected', detail: null },
        { name: 'ami', state: 'disabled', detail: null },
        { name: 'baresip', state: 'disconnected', detail: 'ECONNREFUSED' },
      ],
      canControl: false,
      hookUrl: null,
    });
    expect(adapters.map((a) => a.name)).toEqual(['baresip', 'hook']);
  });

  it('names every default disposition in both languages, and any other by its code', () => {
    for (const language of ['zh-CN', 'en']) {
      const label = dispositionLabelIn(language);
      for (const code of DEFAULT_DISPOSITIONS) expect(label(code), `${language} ${code}`).not.toBe(code);
      expect(label('site_specific_code')).toBe('site_specific_code');
      expect(label('toString')).toBe('toString');
    }
  });
});

describe('call keys', () => {
  const CALL_ACTIONS = ['call.answer', 'call.hangup', 'call.holdToggle', 'call.wrapUp', 'call.nextMissed'];
  const global = COMPILED_BINDINGS.filter((b) => b.global);

  it('binds answer, hang up, hold/resume, wrap up and next missed call as global keys', () => {
    expect(global.map((b) => b.action).sort()).toEqual([...CALL_ACTIONS].sort());
    for (const binding of global) {
      expect(binding.scope, binding.action).toBe('console');
      expect(binding.group, binding.action).toBe('phone');
      expect(binding.palette, binding.action).toBe(true);
    }
  });

  it('uses single function keys, bare or with Shift, that no browser or desktop takes', () => {
    for (const binding of global) {
      for (const sequence of binding.sequences) {
        expect(sequence, binding.action).toHaveLength(1);
        expect(sequence[0], binding.action).toMatch(/^(Shift\+)?F([1-9]|1[0-2])$/);
      }
    }
    const reserved = new Set(RESERVED_STEPS);
    for (const binding of COMPILED_BINDINGS) {
      for (const sequence of binding.sequences) {
        for (const step of sequence) {
          expect(reserved.has(step), `${binding.action}: ${step} is reserved`).toBe(false);
          // Alt+F… moves or resizes windows, Ctrl+F… switches desktops or closes tabs.
          expect(step, binding.action).not.toMatch(/^(Ctrl|Alt)\+.*F\d+$/);
        }
      }
    }
    for (const step of ['F5', 'F11', 'F12', 'Ctrl+w', 'F10', 'F7']) expect(reserved.has(step), step).toBe(true);
  });

  it('collides with no other binding of any scope', () => {
    const callSteps = new Set(global.flatMap((b) => b.sequences.map((s) => s.join(' '))));
    for (const binding of COMPILED_BINDINGS.filter((b) => !b.global)) {
      for (const sequence of binding.sequences) {
        expect(callSteps.has(sequence.join(' ')), `${binding.action} (${binding.scope})`).toBe(false);
        expect(callSteps.has(sequence[0]!), `${binding.action} starts with a call key`).toBe(false);
      }
    }
  });

  it('fires in text fields, in dialogs and in the middle of a chord', () => {
    const m = createSequenceMatcher(bindingsInScope('console'));
    const run = (result: ReturnType<typeof m.feed>) => (result.kind === 'match' ? result.binding.action : result.kind);
    const f8 = stepFromEvent({ key: 'F8', ctrlKey: false, altKey: false, metaKey: false, shiftKey: false })!;
    const shiftF8 = stepFromEvent({ key: 'F8', ctrlKey: false, altKey: false, metaKey: false, shiftKey: true })!;
    expect(run(m.feed(f8, 0, { inText: true }))).toBe('call.answer');
    expect(run(m.feed(shiftF8, 0, { inDialog: true, inText: true }))).toBe('call.holdToggle');
    m.feed('g', 0);
    expect(run(m.feed('F9', 100))).toBe('call.hangup');
    expect(m.pending(200)).toEqual([]);
    // Other keys stay as they were: a single key in a text field does nothing.
    expect(m.feed('l', 0, { inText: true }).kind).toBe('none');
  });

  it('reaches the calls views with g c and g b, and lists every phone key in a help group', () => {
    const go = BINDINGS.filter((b) => b.action === 'calls.view');
    expect(go.map((b) => [b.keys, b.arg])).toEqual([
      [['g c'], 'today'],
      [['g b'], 'missed'],
    ]);
    for (const scope of ['pop', 'wrapup'] as const) expect(bindingsInScope(scope).length).toBeGreaterThan(0);
  });
});
