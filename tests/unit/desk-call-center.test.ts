/**
 * The desk's call center over a real cache and outbox: local softphone events become one optimistic record that
 * joins the server's record of the same call, survive a rebase until the server confirms them, pop only for the
 * agent they concern, move presence (on_call → wrap_up → available), and agents' actions follow the same rules as
 * the server (first callback claim wins).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../common/contract';
import { callRecordId } from '../../common/calls/ids';
import { applyCallEvent } from '../../common/calls/machine';
import type { CallEventInput } from '../../common/calls/envelope';
import { CallEvent } from '../../common/calls/envelope';
import { CtiSettings } from '../../common/calls/pop';
import type { User } from '../../common/domain';
import { createCallCenter } from '../../main/cti/call-center';
import { createCallerIdLookup } from '../../main/cti/caller-id';
import { createResidentRepo } from '../../main/cache/residents';
import { createOutbox } from '../../main/sync/outbox';
import { createRebaser } from '../../main/sync/rebase';
import { createTicketShadow } from '../../main/sync/shadow';
import { openTempCache, testTicket } from '../support/cache';
import { directoryPhone, testPhoneHash } from '../support/phone-hash';

const AGENT: User = {
  id: '11111111-1111-4111-8111-111111111111',
  username: 'agent01',
  name: '王芳',
  role: 'agent',
  extension: '8001',
  teamId: 'cs',
};
const OTHER: User = { ...AGENT, id: '22222222-2222-4222-8222-222222222222', username: 'agent02', extension: '8002' };

const T0 = Date.parse('2026-12-05T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
let seq = 0;
const ev = (e: Partial<CallEventInput> & Pick<CallEventInput, 'type' | 'callId' | 'source'>) =>
  CallEvent.parse({ v: 1, eventId: `e${++seq}`, ts: at(0), ...e });

const temps: { dispose(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.dispose();
  vi.useRealTimers();
});

interface Softphone {
  dialled: string[];
  connected: boolean;
}

function setup(user: User | null = AGENT, settings: Partial<CtiSettings> = {}, wrapUpSeconds = 60) {
  const temp = openTempCache('desk-calls-');
  temps.push(temp);
  const { repos } = temp;
  repos.staff.putUser(AGENT);
  repos.staff.putUser(OTHER);
  const shadow = createTicketShadow(repos.db, repos.tickets);
  const outbox = createOutbox(repos.db, repos.tickets, shadow, { actor: () => user, phoneHash: repos.phoneHash.hash });
  const rebaser = createRebaser(repos, outbox, shadow);
  const emitted: { event: EventName; payload: unknown }[] = [];
  let clock = new Date(T0);
  const phone: Softphone = { dialled: [], connected: false };
  const reveals: unknown[] = [];
  let revealAnswer: () => Promise<string> = () => Promise.resolve('+8613800138000');
  const control = {
    dial: async (number: string) => void phone.dialled.push(number),
    answer: async () => {},
    hangup: async () => {},
    hold: async () => {},
    resume: async () => {},
  };
  const center = createCallCenter({
    repos,
    outbox,
    user: () => user,
    emit: (event, payload) => void emitted.push({ event, payload }),
    schedulePush: () => {},
    callerId: createCallerIdLookup(repos.db, repos.phoneHash.hash),
    phoneHash: repos.phoneHash.hash,
    reveal: {
      dial: (ref) => {
        reveals.push(ref);
        return revealAnswer();
      },
    },
    softphone: () => (phone.connected ? control : null),
    settings: () => CtiSettings.parse(settings),
    wrapUpSeconds: () => wrapUpSeconds,
    now: () => clock,
    log: () => {},
  });
  return {
    repos,
    outbox,
    rebaser,
    center,
    emitted,
    events: (name: EventName) => emitted.filter((e) => e.event === name),
    phone,
    reveals,
    answerReveals: (answer: () => Promise<string>) => void (revealAnswer = answer),
    setClock: (s: number) => void (clock = new Date(T0 + s * 1000)),
  };
}

const ringing = (callId: string, source = 'baresip', extra: Partial<CallEventInput> = {}) =>
  ev({
    type: 'call.ringing',
    callId,
    source,
    direction: 'inbound',
    from: '13800138000',
    offeredTo: ['8001'],
    sipCallId: source === 'baresip' ? `sip-${callId}` : undefined,
    ...extra,
  });

describe('desk call center', () => {
  it('a local ringing pops once, queues one call.event, and the record is the optimistic one until pushed', () => {
    const s = setup();
    s.center.report(ringing('c1'));
    s.center.report(ringing('c1')); // the same event again (a reconnecting adapter replays it)
    expect(s.events('call.ringing')).toHaveLength(1);
    const active = s.center.active();
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({
      state: 'ringing',
      from: '138 **** 8000',
      fromHash: testPhoneHash('+8613800138000'),
      fromE164: null,
      source: 'baresip',
    });
    expect(s.outbox.pending().map((p) => p.name)).toEqual(['call.event', 'call.event']);
  });

  it('answer → presence on_call; hangup → wrap_up with the configured time; then available by itself', () => {
    vi.useFakeTimers({ now: T0 });
    const s = setup(AGENT, {}, 30);
    s.center.report(ringing('c2'));
    s.center.report(ev({ type: 'call.answered', callId: 'c2', source: 'baresip', answeredBy: '8001', ts: at(5) }));
    expect(s.center.presence().mine).toMatchObject({ state: 'on_call' });
    s.center.report(ev({ type: 'call.ended', callId: 'c2', source: 'baresip', ts: at(65) }));
    const wrap = s.center.presence().mine;
    expect(wrap).toMatchObject({ state: 'wrap_up' });
    expect(Date.parse(wrap?.wrapUpUntil ?? '') - Date.parse(wrap?.since ?? '')).toBe(30_000);
    const ended = s.repos.calls.list({ limit: 5 })[0];
    expect(ended).toMatchObject({ state: 'ended', talkingSeconds: 60, missed: false });
    s.setClock(65 + 30); // the desk's clock reaches the end of the wrap-up when its timer fires
    vi.advanceTimersByTime(30_000);
    expect(s.center.presence().mine).toMatchObject({ state: 'available' });
  });

  it("joins the server's record of the same call (PBX id primary) instead of showing the call twice", () => {
    const s = setup();
    // The PBX's report reached the server first; its record arrives over the live socket.
    const pbx = applyCallEvent(undefined, ringing('pbx-9', 'pbx', { offeredTo: ['8001', '8002'], ts: at(0) }), {
      newId: () => '33333333-3333-4333-8333-333333333333',
      now: new Date(T0),
      toE164: () => '+8613800138000',
    });
    s.center.onLive({ type: 'call', call: { ...pbx, offeredAgentIds: [AGENT.id, OTHER.id] } });
    expect(s.events('call.ringing')).toHaveLength(1);
    // Then this desk's softphone rings for the same call, 2 s later, with its own id.
    s.center.report(ringing('sp-1', 'baresip', { ts: at(2) }));
    const active = s.center.active();
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ id: pbx.id, callId: 'pbx-9', source: 'pbx' });
    expect(active[0]?.legs.map((l) => l.source).sort()).toEqual(['baresip', 'pbx']);
    expect(s.events('call.ringing')).toHaveLength(1); // no second pop
  });

  it('an optimistic change over a server record is undone by a rebase while unconfirmed, and replayed', () => {
    const s = setup();
    s.center.report(ringing('c3'));
    const id = s.center.active()[0]?.id ?? '';
    // The server has not seen it: a rebase keeps the optimistic record (re-applied from the outbox).
    s.rebaser.rebase(AGENT.id);
    expect(s.repos.calls.get(id)).toMatchObject({ state: 'ringing' });
    // The server acknowledged the event without having sent its record yet: the optimistic copy goes.
    s.rebaser.applyPage({ cursor: 'c', lastMutationId: 1, more: false, changes: [] }, AGENT.id);
    expect(s.repos.calls.get(id)).toBeUndefined();
  });

  it("a call offered only to a colleague does not pop here, and another desk's live update closes nothing of ours", () => {
    const s = setup();
    const theirs = applyCallEvent(undefined, ringing('pbx-2', 'pbx', { offeredTo: ['8002'] }), {
      newId: () => '44444444-4444-4444-8444-444444444444',
      now: new Date(T0),
    });
    s.center.onLive({ type: 'call', call: { ...theirs, offeredAgentIds: [OTHER.id] } });
    expect(s.events('call.ringing')).toHaveLength(0);
    expect(s.center.active()).toHaveLength(0);
  });

  it('callback claim: mine once; a record claimed by a colleague is refused naming them', () => {
    const s = setup();
    const missed = applyCallEvent(
      applyCallEvent(undefined, ringing('pbx-3', 'pbx'), {
        newId: () => '55555555-5555-4555-8555-555555555555',
        now: new Date(T0),
      }),
      ev({ type: 'call.ended', callId: 'pbx-3', source: 'pbx', cause: 'cancel', ts: at(20) }),
      { newId: () => 'unused', now: new Date(T0) },
    );
    expect(missed.callback.state).toBe('open');
    s.repos.calls.put(missed);
    expect(s.center.list('missed', undefined, 10).missedOpen).toBe(1);
    s.repos.calls.put({ ...missed, callback: { ...missed.callback, state: 'claimed', claimedBy: OTHER.id } });
    expect(() => s.center.act({ name: 'call.claimCallback', args: { id: missed.id } })).toThrow(/王芳|agent02|already/);
    s.repos.calls.put(missed);
    const claimed = s.center.act({ name: 'call.claimCallback', args: { id: missed.id } });
    expect(claimed.callback).toMatchObject({ state: 'claimed', claimedBy: AGENT.id });
  });

  it('without a session a local event is dropped (logged), never queued under nobody', () => {
    const s = setup(null);
    s.center.report(ringing('c4'));
    expect(s.outbox.count()).toBe(0);
  });

  it('a malformed event from an adapter is dropped, nothing written', () => {
    const s = setup();
    s.center.report({ v: 1, type: 'call.ringing', callId: '' } as never);
    expect(s.outbox.count()).toBe(0);
    expect(s.emitted).toHaveLength(0);
  });

  it('linking a ticket adds a work-log entry to the ticket once', () => {
    const s = setup();
    s.center.report(ringing('c5'));
    const id = s.center.active()[0]?.id ?? '';
    const ticketId = '66666666-6666-4666-8666-666666666666';
    s.repos.tickets.put(testTicket(1, { id: ticketId }));
    s.center.link({ id, ticketId });
    s.center.link({ id, ticketId });
    expect(s.repos.calls.get(id)?.ticketIds).toEqual([ticketId]);
    expect(s.repos.tickets.events(ticketId).filter((e) => e.kind === 'comment')).toHaveLength(1);
  });
});

describe('one call, two ids at the desk', () => {
  it("the desk's optimistic record goes when the server's record of the same call (another id) arrives", () => {
    const s = setup();
    s.center.report(ringing('sp-7', 'baresip', { sipCallId: undefined }));
    const mine = s.center.active()[0];
    expect(mine).toBeDefined();
    // The PBX's report reached the server first; the server grouped the softphone's push under the PBX's record.
    const server = applyCallEvent(
      applyCallEvent(undefined, ringing('pbx-7', 'pbx', { offeredTo: ['8001'] }), {
        newId: () => '77777777-7777-4777-8777-777777777777',
        now: new Date(T0),
        toE164: () => '+8613800138000',
      }),
      ringing('sp-7', 'baresip', { sipCallId: undefined, ts: at(1) }),
      { newId: () => 'unused', now: new Date(T0), toE164: () => '+8613800138000' },
    );
    s.center.onLive({ type: 'call', call: server });
    expect(s.center.active().map((c) => c.id)).toEqual([server.id]);
  });

  it('the record id is the same on the desk and the server for the same first report', () => {
    const s = setup();
    s.center.report(ringing('sp-8'));
    expect(s.center.active()[0]?.id).toBe(callRecordId('baresip', 'sp-8'));
  });
});

describe('the screen pop', () => {
  it('names the resident whose phone it is, with their open tickets, arrears and earlier calls', () => {
    const s = setup();
    createResidentRepo(s.repos.db, testPhoneHash).applyPage(
      [
        {
          id: 'R1',
          name: '李伟',
          tags: ['elderly'],
          phones: [directoryPhone('138 0013 8000')],
          units: [{ id: 'U1', code: '3-1-502', projectId: 'P1', projectName: '锦绣华庭', relation: 'owner' }],
        },
      ],
      '1:1',
    );
    s.repos.tickets.put(testTicket(1, { residentId: 'R1', unitId: 'U1', title: '厨房漏水' }));
    s.repos.tickets.put(testTicket(2, { unitId: 'U1', type: 'fee', category: 'fees', title: '物业费催缴' }));
    s.repos.tickets.put(testTicket(3, { residentId: 'R1', status: 'closed', closedAt: at(-5) }));
    s.center.report(ringing('c9', 'baresip', { from: '+86 138-0013-8000' }));
    const id = s.center.active()[0]?.id ?? '';
    const pop = s.center.pop(id);
    expect(pop).toMatchObject({ number: '138 **** 8000', withheld: false, mine: false });
    expect(pop?.resident).toMatchObject({ residentId: 'R1', name: '李伟', confidence: 'known', tags: ['elderly'] });
    expect(pop?.openTickets.map((t) => t.title)).toEqual(['厨房漏水']);
    expect(pop?.arrears.map((t) => t.title)).toEqual(['物业费催缴']);
  });

  it('a withheld number pops with no candidates', () => {
    const s = setup();
    s.center.report(ringing('c10', 'baresip', { from: 'anonymous' }));
    const pop = s.center.pop(s.center.active()[0]?.id ?? '');
    expect(pop).toMatchObject({ withheld: true, number: null, candidates: [], resident: null });
  });
});

describe('reports of this desk and the PBX grouped apart for a moment', () => {
  it("the softphone's record goes when the PBX's record of the same call arrives before the softphone's push", () => {
    const s = setup();
    s.center.report(ringing('sp-11', 'baresip', { sipCallId: undefined, agent: '8001' }));
    // The server has only the PBX's report so far (no softphone leg in it): still the same call.
    const server = applyCallEvent(undefined, ringing('pbx-11', 'pbx', { offeredTo: ['8001', '8002'], ts: at(1) }), {
      newId: () => '88888888-8888-4888-8888-888888888888',
      now: new Date(T0),
      toE164: () => '+8613800138000',
    });
    s.center.onLive({ type: 'call', call: server });
    expect(s.center.active().map((c) => c.id)).toEqual([server.id]);
    // A call from the same number to another agent is another call.
    s.center.report(ringing('sp-12', 'baresip', { sipCallId: undefined, from: '13900139000' }));
    expect(s.center.active()).toHaveLength(2);
  });

  it("the local hook's answer without a user is this desk's agent's answer", () => {
    const s = setup();
    s.center.report(
      ev({ type: 'call.ringing', callId: 'h1', source: 'hook', direction: 'inbound', from: '13800138000' }),
    );
    s.center.report(ev({ type: 'call.answered', callId: 'h1', source: 'hook', ts: at(3) }));
    expect(s.center.active()[0]).toMatchObject({ agentId: AGENT.id, answeredBy: '8001' });
  });
});

describe('whole numbers at the desk (issue 11 §4)', () => {
  it('a softphone reports the whole number: the cache, the pop event and the outbox-free views get it masked', () => {
    const s = setup();
    s.center.report(ringing('m1', 'baresip', { from: '+86 138-0013-8000' }));
    const popped = s.events('call.ringing')[0]?.payload as { call: { from: string } };
    expect(popped.call.from).toBe('138 **** 8000');
    const cached = JSON.stringify(s.repos.db.prepare('SELECT * FROM calls').all());
    expect(cached).not.toContain('13800138000');
    expect(cached).toContain(testPhoneHash('+8613800138000'));
    // The server still gets the number the softphone reported (the outbox is the desk's own, until pushed).
    expect(JSON.stringify(s.outbox.pending())).toContain('+86 138-0013-8000');
  });

  it('finds the calls of a typed number by its hash, and of a partial one by its last digits', () => {
    const s = setup();
    s.center.report(ringing('m2', 'baresip', { from: '13800138000' }));
    s.center.report(ringing('m3', 'baresip', { from: '13900139000', ts: at(30) }));
    const from = (number: string | undefined) => s.center.list('all', number, 10).items.map((c) => c.from);
    expect(from('+86 138 0013 8000')).toEqual(['138 **** 8000']);
    expect(from('9000')).toEqual(['139 **** 9000']);
    expect(from(undefined)).toHaveLength(2);
    expect(from('张伟')).toEqual([]);
  });

  it('dials a stored number by asking the server for it (audited there), only with a softphone', async () => {
    const s = setup();
    const ref = { subject: 'ticket', id: '00000000-0000-4000-8000-000000000001' } as const;
    await expect(s.center.dial(ref)).rejects.toMatchObject({ code: 'no_softphone' });
    expect(s.reveals).toEqual([]); // no softphone: nothing asked of the server, nothing recorded
    s.phone.connected = true;
    await s.center.dial(ref);
    expect(s.reveals).toEqual([ref]);
    expect(s.phone.dialled).toEqual(['+8613800138000']);
    // Offline the server cannot say the number: nothing is dialled.
    s.answerReveals(() => Promise.reject(Object.assign(new Error('offline'), { code: 'offline' })));
    await expect(s.center.dial(ref)).rejects.toMatchObject({ code: 'offline' });
    expect(s.phone.dialled).toHaveLength(1);
  });
});
