/**
 * The native CTI endpoint and the call write path (issue 10 items 1–3, 9): who may report events, one record per
 * call whichever reporters speak and in which order (PBX webhook and a desk's softphone through push), a queue
 * call offered to three agents, a hand log of a reported call, the callback claim race, the sweep, bad input.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEventInput } from '../../common/calls/envelope';
import { type PullResponse } from '../../common/sync';
import { BACKENDS } from './support/backends';
import { ctiCounts, openCtiServer, type CtiServer } from './support/cti';

const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
let numberSeq = 0;
/** A fresh caller number per test, so candidates from other tests never interfere. */
const freshNumber = () => `1390001${String(++numberSeq).padStart(4, '0')}`;

function ev(type: string, callId: string, source: string, fields: Record<string, unknown> = {}): CallEventInput {
  return { v: 1, eventId: randomUUID(), type, callId, source, ts: iso(), ...fields } as CallEventInput;
}

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`native CTI endpoint and call write path on ${backend.name}`, () => {
    let s: CtiServer;
    beforeAll(async () => {
      s = await openCtiServer(backend);
    });
    afterAll(async () => {
      await s?.close();
    });

    const post = (username: string | null, body: unknown) => s.request(username, 'POST', '/api/v1/cti/events', body);
    const pbx = async (...events: CallEventInput[]) => {
      const res = await post('pbx', events);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ results: { eventId: string; outcome: string; callId: string }[] }>().results;
    };
    /** The change for `id` in a full pull (every page), waiting up to 15 s for it to pass the pull horizon. */
    async function pulledChange(id: string) {
      const deadline = Date.now() + 15_000;
      const clientId = randomUUID();
      for (;;) {
        let cursor: string | null = null;
        for (;;) {
          const res = await s.request('agent01', 'POST', '/api/v1/sync/pull', {
            clientId,
            // The whole change log: schema 5 replays it from the start (schema 6 begins with a snapshot of the
            // current state, which holds no deletions — a fresh console never had what was deleted).
            schemaVersion: 5,
            cursor,
            limit: 5000,
          });
          const page = res.json<PullResponse>();
          const found = page.changes.find((c) => c.id === id);
          if (found) return found;
          if (!page.more) break;
          cursor = page.cursor;
        }
        if (Date.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const softphone = (username: string, ...events: CallEventInput[]) =>
      s.push(
        username,
        events.map((event) => ({ name: 'call.event', args: { event } })),
      );

    it('takes events only from the integration role: none → 401, agent, lead, admin or kiosk → 403', async () => {
      const callId = randomUUID();
      const ring = ev('call.ringing', callId, 'pbx', { direction: 'inbound', from: freshNumber() });
      const before = await ctiCounts(s);
      expect((await post(null, ring)).statusCode).toBe(401);
      for (const who of ['agent01', 'lead01', 'admin', 'kiosk01']) expect((await post(who, ring)).statusCode).toBe(403);
      expect(await ctiCounts(s)).toEqual(before);

      const [first] = await pbx(ring);
      expect(first).toMatchObject({ eventId: ring.eventId, outcome: 'applied', callId: expect.any(String) });
      const [again] = await pbx(ring);
      expect(again).toEqual({ ...first, outcome: 'duplicate' });
      // The integration account can do nothing else.
      expect((await s.request('pbx', 'GET', '/api/v1/calls')).statusCode).toBe(403);
      expect((await s.request('pbx', 'POST', '/api/v1/tickets', {})).statusCode).toBe(403);
      expect((await s.request('pbx', 'POST', '/api/v1/sync/pull', {})).statusCode).toBe(403);
    });

    it.each([
      ['PBX first', 'pbx-first'],
      ['softphone first', 'softphone-first'],
    ])('PBX webhook + softphone push of one call → one record, two legs, PBX id primary (%s)', async (_, order) => {
      const from = freshNumber();
      const pbxId = `pbx-${randomUUID()}`;
      const phoneId = `sip-${randomUUID()}`;
      const pbxRing = ev('call.ringing', pbxId, 'pbx', {
        direction: 'inbound',
        from,
        to: '4008001234',
        offeredTo: ['8001', '8002'],
      });
      const phoneRing = ev('call.ringing', phoneId, 'baresip', { direction: 'inbound', from, offeredTo: ['8001'] });
      if (order === 'pbx-first') {
        await pbx(pbxRing);
        await softphone('agent01', phoneRing);
      } else {
        await softphone('agent01', phoneRing);
        await pbx(pbxRing);
      }
      await softphone('agent01', ev('call.answered', phoneId, 'baresip', { answeredBy: '8001' }));
      await pbx(ev('call.answered', pbxId, 'pbx', { answeredBy: '8001' }));
      await pbx(ev('call.ended', pbxId, 'pbx', { cause: 'normalClearing' }));
      await softphone('agent01', ev('call.ended', phoneId, 'baresip', { cause: 'normalClearing' }));

      const calls = (await s.calls()).filter((c) => c.from === from);
      expect(calls).toHaveLength(1);
      const [call] = calls;
      expect(call).toMatchObject({
        callId: pbxId,
        source: 'pbx',
        state: 'ended',
        agentId: s.staff.agent.id,
        missed: false,
      });
      expect(call?.legs.map((l) => l.source).sort()).toEqual(['baresip', 'pbx']);
      expect((await s.callOf(phoneId))?.id).toBe(call?.id);
    });

    it('correlates on the SIP Call-ID when both reporters carry it', async () => {
      const sip = `${randomUUID()}@10.0.0.5`;
      const [a] = await pbx(
        ev('call.ringing', `p-${randomUUID()}`, 'pbx', { direction: 'inbound', from: freshNumber(), sipCallId: sip }),
      );
      // The softphone saw another From (a rewritten caller ID) but the same dialog.
      await softphone(
        'agent02',
        ev('call.ringing', `b-${randomUUID()}`, 'baresip', {
          direction: 'inbound',
          from: freshNumber(),
          sipCallId: sip,
        }),
      );
      const calls = (await s.calls()).filter((c) => c.sipCallIds.includes(sip));
      expect(calls.map((c) => c.id)).toEqual([a?.callId]);
      expect(calls[0]?.legs).toHaveLength(2);
    });

    it('a queue call offered to 3 agents and answered by one is one answered call, not three missed', async () => {
      const id = `q-${randomUUID()}`;
      const from = freshNumber();
      const legs = ['8001', '8002', '8003'];
      // As AMI reports it: the caller's channel, then one channel per agent rung (each naming its agent).
      await pbx(
        {
          ...ev('call.ringing', id, 'ami', { legId: 'leg-caller', direction: 'inbound', from, queue: 'repairs' }),
          ts: iso(-5_000),
        },
        ...legs.map((ext) =>
          ev('call.ringing', id, 'ami', {
            legId: `leg-${ext}`,
            agent: ext,
            direction: 'inbound',
            from,
            offeredTo: [ext],
          }),
        ),
      );
      await pbx(ev('call.answered', id, 'ami', { legId: 'leg-8002', answeredBy: '8002' }));
      // The other two phones stop ringing: their legs end, not the call.
      await pbx(
        ev('call.ended', id, 'ami', { legId: 'leg-8001', cause: 'cancel' }),
        ev('call.ended', id, 'ami', { legId: 'leg-8003', cause: 'cancel' }),
      );
      expect(await s.callOf(id)).toMatchObject({ state: 'talking' });
      await pbx(
        ev('call.ended', id, 'ami', { legId: 'leg-8002', cause: 'normalClearing' }),
        ev('call.ended', id, 'ami', { legId: 'leg-caller', cause: 'normalClearing' }),
      );
      const calls = (await s.calls()).filter((c) => c.from === from);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ state: 'ended', missed: false, agentId: s.staff.agent2.id });
      expect(calls[0]?.offeredAgentIds.sort()).toEqual([s.staff.agent.id, s.staff.agent2.id, s.staff.agent3.id].sort());
    });

    it("linking a call's number to a resident re-resolves that number's earlier calls that named nobody", async () => {
      const from = freshNumber();
      const reporterIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const callId = `rr-${randomUUID()}`;
        await pbx(
          { ...ev('call.ringing', callId, 'pbx', { direction: 'inbound', from }), ts: iso(-3_600_000 * (3 - i)) },
          { ...ev('call.ended', callId, 'pbx', { cause: 'cancel' }), ts: iso(-3_600_000 * (3 - i) + 5_000) },
        );
        reporterIds.push(callId);
      }
      const other = `rr-${randomUUID()}`;
      await pbx(ev('call.ringing', other, 'pbx', { direction: 'inbound', from: freshNumber() }));
      for (const id of reporterIds) expect(await s.callOf(id)).toMatchObject({ residentId: null });

      const latest = await s.callOf(reporterIds[2] ?? '');
      const res = await s.push('agent01', [{ name: 'call.link', args: { id: latest?.id, residentId: 'r1' } }]);
      expect(res.results[0]?.outcome).toBe('applied');
      for (const id of reporterIds) {
        expect(await s.callOf(id)).toMatchObject({ residentId: 'r1', residentConfidence: 'known' });
      }
      expect(await s.callOf(other)).toMatchObject({ residentId: null });
    });

    it('a hand log (call.log) of a reported call links to it instead of making a second record', async () => {
      const from = freshNumber();
      const pbxId = `h-${randomUUID()}`;
      const startedAt = iso(-60_000);
      await pbx(
        { ...ev('call.ringing', pbxId, 'pbx', { direction: 'inbound', from }), ts: startedAt },
        ev('call.answered', pbxId, 'pbx', { answeredBy: '8001' }),
        ev('call.ended', pbxId, 'pbx'),
      );
      const before = await s.count('calls');
      const logId = randomUUID();
      const res = await s.push('agent01', [
        {
          name: 'call.log',
          args: {
            id: logId,
            direction: 'inbound',
            from: `+86 ${from}`,
            startedAt: iso(-30_000),
            notes: '住户报修厨房漏水',
            residentId: 'r1',
          },
        },
      ]);
      expect(res.results[0]?.outcome).toBe('applied');
      expect(await s.count('calls')).toBe(before);
      expect(await s.callOf(logId)).toMatchObject({ callId: pbxId, notes: '住户报修厨房漏水', residentId: 'r1' });
      // Consoles drop the desk's optimistic copy under the log's id: the pull says `del` for it. (On PostgreSQL
      // another test file's open transaction can hold the pull horizon back a moment: pull until it shows.)
      expect(await pulledChange(logId)).toEqual({ entity: 'call', op: 'del', id: logId });
      // A hand log of a call nobody reported is a record of its own.
      const lone = randomUUID();
      await s.push('agent01', [
        { name: 'call.log', args: { id: lone, direction: 'inbound', from: freshNumber(), startedAt: iso() } },
      ]);
      expect(await s.count('calls')).toBe(before + 1);
    });

    it('callback claim race: the first claim wins, the second is rejected naming who has it', async () => {
      const id = `cb-${randomUUID()}`;
      const [r] = await pbx(
        ev('call.ringing', id, 'pbx', { direction: 'inbound', from: freshNumber() }),
        ev('call.ended', id, 'pbx', { cause: 'cancel' }),
      );
      const callId = r?.callId as string;
      expect(await s.callOf(id)).toMatchObject({ missed: true, callback: { state: 'open' } });
      const claim = { name: 'call.claimCallback', args: { id: callId } };
      const [a, b] = await Promise.all([s.push('agent02', [claim]), s.push('agent03', [claim])]);
      const outcomes = [a.results[0], b.results[0]];
      expect(outcomes.map((o) => o?.outcome).sort()).toEqual(['applied', 'rejected']);
      const winner = a.results[0]?.outcome === 'applied' ? s.staff.agent2 : s.staff.agent3;
      const loser = outcomes.find((o) => o?.outcome === 'rejected');
      expect(loser?.error).toEqual({
        code: 'callback_claimed',
        message: `${winner.name} is already calling back this number`,
      });
      expect(await s.callOf(id)).toMatchObject({ callback: { state: 'claimed', claimedBy: winner.id } });
      // The winner records the result: the callback is done.
      const done = await s.push(winner.username, [
        { name: 'call.callbackResult', args: { id: callId, result: 'reached' } },
      ]);
      expect(done.results[0]?.outcome).toBe('applied');
      expect(await s.callOf(id)).toMatchObject({ callback: { state: 'done', result: 'reached' } });
    });

    it('wrap-up and link check their references before writing; presence.set is stored and synced', async () => {
      const id = `w-${randomUUID()}`;
      const [r] = await pbx(ev('call.ringing', id, 'pbx', { direction: 'inbound', from: freshNumber() }));
      const callId = r?.callId as string;
      const res = await s.push('agent01', [
        { name: 'call.wrapUp', args: { id: callId, disposition: 'no_such_code' } },
        { name: 'call.link', args: { id: callId, ticketId: randomUUID() } },
        { name: 'call.link', args: { id: callId, residentId: 'nobody' } },
        { name: 'call.wrapUp', args: { id: callId, disposition: 'repair_logged', notes: '已登记' } },
        { name: 'presence.set', args: { state: 'break' } },
        { name: 'presence.set', args: { state: 'on_call', callId: randomUUID() } },
        { name: 'presence.set', args: { state: 'on_call', callId } },
      ]);
      expect(res.results.map((x) => x.error?.code ?? x.outcome)).toEqual([
        'unknown_disposition',
        'unknown_ticket',
        'unknown_resident',
        'applied',
        'applied',
        'applied', // a call the server does not know is left out of the presence, not a reason to refuse it
        'applied',
      ]);
      expect(await s.callOf(id)).toMatchObject({ disposition: 'repair_logged', notes: '已登记' });
      const { rows } = await s.db.query<{ state: string; call_id: string | null }>(
        'SELECT state, call_id::text AS call_id FROM agent_presence WHERE user_id = $1',
        [s.staff.agent.id],
      );
      expect(rows[0]).toEqual({ state: 'on_call', call_id: callId });
    });

    it('bad input → 400/413 with a reason, never 5xx, nothing written', async () => {
      const before = await ctiCounts(s);
      const good = ev('call.ringing', 'x', 'pbx', { direction: 'inbound', from: '13800138000' });
      const cases: [unknown, string?][] = [
        ['{"v":1,', 'application/json'],
        ['', 'application/json'],
        [{}],
        [[]],
        [{ ...good, v: 2 }],
        [{ ...good, type: 'call.exploded' }],
        [{ ...good, ts: 'yesterday' }],
        [{ ...good, eventId: 42 }],
        [{ ...good, callId: '' }],
        [{ ...good, from: 'nul\u0000' }],
        [{ ...good, callerName: 'lone \udc00' }],
        [{ ...good, offeredTo: 'agent01' }],
        [Array.from({ length: 101 }, () => ({ ...good, eventId: randomUUID() }))],
        [[good, { ...good, eventId: randomUUID(), type: 'call.nope' }]], // one bad event refuses the whole batch
        [JSON.stringify({ ...good, callerName: 'x'.repeat(400_000) }), 'application/json'],
        ['event=newCall', 'application/x-www-form-urlencoded'],
      ];
      for (const [body, type] of cases) {
        const res = await s.request('pbx', 'POST', '/api/v1/cti/events', body, type ? { 'content-type': type } : {});
        const label = `${JSON.stringify(body).slice(0, 80)} → ${res.body.slice(0, 200)}`;
        expect(res.statusCode, label).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, label).toBeLessThan(500);
        expect(res.json<{ error: string }>().error, label).toEqual(expect.any(String));
      }
      expect(await ctiCounts(s)).toEqual(before);
    });
  });
}
