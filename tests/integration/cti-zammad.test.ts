/**
 * The Zammad-compatible endpoint (issue 10 item 3) with the event sequences of Zammad's own documentation
 * (api/generic-cti: newCall, answer, hangup; JSON and form bodies) and its source's semantics (cti_controller.rb,
 * cti/driver/base.rb, cti/log.rb): answered call, cancelled → missed, forwarded, blocked caller → reject, outbound
 * caller-ID rule → dial, invalid direction → 422, duplicate newCall, answer after hangup; 401 and 422 replies.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from './support/backends';
import { CTI_TOKEN, ctiCounts, openCtiServer, type CtiServer } from './support/cti';

const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

/** A multipart body like `curl --form` sends. */
function multipart(fields: [string, string][]): { body: string; type: string } {
  const boundary = '------------------------d74496d66958873e';
  const parts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return { body: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`Zammad-compatible CTI endpoint on ${backend.name}`, () => {
    let s: CtiServer;
    beforeAll(async () => {
      s = await openCtiServer(backend);
    });
    afterAll(async () => {
      await s?.close();
    });

    it('answered call (JSON): newCall offered to two agents, answer by answeringNumber, hangup normalClearing', async () => {
      const callId = randomUUID();
      const base = { from: '13800138000', to: '4008001234', direction: 'in', callId };
      const ring = await s.zammad({ ...base, event: 'newCall', user: ['agent01', 'agent02'], queue: 'hotline' });
      expect(ring.statusCode).toBe(200);
      expect(ring.json()).toEqual({});
      let call = await s.callOf(callId);
      expect(call).toMatchObject({ state: 'ringing', source: 'zammad', fromE164: '+8613800138000', queue: 'hotline' });
      expect(call?.offeredAgentIds.sort()).toEqual([s.staff.agent.id, s.staff.agent2.id].sort());
      // The only resident with that phone (fixtures: 张伟) is the caller.
      expect(call).toMatchObject({ residentId: 'r1', residentConfidence: 'known' });

      expect((await s.zammad({ ...base, event: 'answer', user: 'agent02', answeringNumber: '8002' })).json()).toEqual(
        {},
      );
      call = await s.callOf(callId);
      expect(call).toMatchObject({ state: 'talking', agentId: s.staff.agent2.id, answeredBy: '8002' });

      const hangup = await s.zammad({ ...base, event: 'hangup', cause: 'normalClearing', answeringNumber: '8002' });
      expect(hangup.json()).toEqual({});
      call = await s.callOf(callId);
      expect(call).toMatchObject({
        state: 'ended',
        cause: 'normalClearing',
        missed: false,
        callback: { state: 'none' },
      });
      expect(call?.talkingSeconds).not.toBeNull();
      // The answering agent's presence followed the call: on_call, then wrap-up.
      const { rows } = await s.db.query<{ state: string }>('SELECT state FROM agent_presence WHERE user_id = $1', [
        s.staff.agent2.id,
      ]);
      expect(rows[0]?.state).toBe('wrap_up');
      expect((await s.calls()).filter((c) => c.callId === callId)).toHaveLength(1);
    });

    it('cancelled inbound call (urlencoded form, user[] twice) is missed and waits in the callback queue', async () => {
      const callId = `c-${randomUUID()}`;
      const common: [string, string][] = [
        ['from', '02162345678'],
        ['to', '4008001234'],
        ['direction', 'in'],
        ['callId', callId],
      ];
      const ring = await s.zammad(
        form([['event', 'newCall'], ...common, ['user[]', 'agent01'], ['user[]', '王芳']]),
        FORM,
      );
      expect(ring.statusCode).toBe(200);
      expect((await s.callOf(callId))?.offeredAgentIds.sort()).toEqual([s.staff.agent.id, s.staff.agent3.id].sort());
      const hangup = await s.zammad(form([['event', 'hangup'], ...common, ['cause', 'cancel']]), FORM);
      expect(hangup.json()).toEqual({});
      expect(await s.callOf(callId)).toMatchObject({
        state: 'ended',
        cause: 'cancel',
        missed: true,
        callback: { state: 'open' },
        residentId: 'r2',
      });
    });

    it('multipart form bodies (curl --form, as in Zammad docs) and call_id work the same', async () => {
      const callId = `m-${randomUUID()}`;
      const ring = multipart([
        ['event', 'newCall'],
        ['from', '13900000001'],
        ['to', '4008001234'],
        ['direction', 'in'],
        ['call_id', callId],
        ['user[]', 'agent03'],
      ]);
      expect((await s.zammad(ring.body, ring.type)).statusCode).toBe(200);
      expect(await s.callOf(callId)).toMatchObject({ state: 'ringing', offeredAgentIds: [s.staff.agent3.id] });
    });

    it('forwarded: an unanswered inbound call ended as forwarded is not missed', async () => {
      const callId = randomUUID();
      const base = { from: '13900000002', to: '4008001234', direction: 'in', callId };
      await s.zammad({ ...base, event: 'newCall', user: 'agent01' });
      await s.zammad({ ...base, event: 'hangup', cause: 'forwarded' });
      expect(await s.callOf(callId)).toMatchObject({ forwarded: true, missed: false, callback: { state: 'none' } });
    });

    it('blocked caller → {"action":"reject","reason":"busy"}, recorded as blocked (ended, rejected, not missed)', async () => {
      const block = await s.request('lead01', 'POST', '/api/v1/cti/blocks', {
        number: '+86 139 0000 0003',
        reason: '骚扰电话',
      });
      expect(block.statusCode).toBe(200);
      // Audited by the block's id: the append-only log keeps no phone number (issue 11 §4).
      const audited = await s.db.query<{ subject: string; data: unknown }>(
        `SELECT subject, data FROM audit_log WHERE action = 'cti.block'`,
      );
      expect(audited.rows.map((r) => r.subject)).toEqual([block.json<{ id: string }>().id]);
      expect(JSON.stringify(audited.rows)).not.toContain('13900000003');
      const callId = randomUUID();
      const base = { from: '13900000003', to: '4008001234', direction: 'in', callId };
      const ring = await s.zammad({ ...base, event: 'newCall' });
      expect(ring.json()).toEqual({ action: 'reject', reason: 'busy' });
      expect(await s.callOf(callId)).toMatchObject({
        state: 'ended',
        cause: 'rejected',
        blocked: true,
        missed: false,
      });
      // The PBX still sends its hangup (Zammad's docs say it must): the call stays ended as it was.
      expect((await s.zammad({ ...base, event: 'hangup', cause: 'busy' })).json()).toEqual({});
      expect(await s.callOf(callId)).toMatchObject({ cause: 'rejected', missed: false });
      // Agents cannot keep the block list; an expired block no longer rejects.
      expect((await s.request('agent01', 'GET', '/api/v1/cti/blocks')).statusCode).toBe(403);
      const id = block.json<{ id: string }>().id;
      expect((await s.request('lead01', 'DELETE', `/api/v1/cti/blocks/${id}`)).statusCode).toBe(200);
      const again = await s.zammad({ ...base, callId: randomUUID(), event: 'newCall' });
      expect(again.json()).toEqual({});
    });

    it('outbound caller-ID rule → {"action":"dial","caller_id":…,"number":…}; no rule → {}', async () => {
      const put = await s.request('admin', 'PUT', '/api/v1/cti/caller-id-rules', {
        rules: [
          { pattern: '021*', callerId: '02188880000', note: '上海' },
          { pattern: '+8610*', callerId: '01066660000', note: '北京' },
        ],
      });
      expect(put.statusCode).toBe(200);
      expect((await s.request('lead01', 'PUT', '/api/v1/cti/caller-id-rules', { rules: [] })).statusCode).toBe(403);
      const callId = randomUUID();
      const dial = await s.zammad({
        event: 'newCall',
        from: '8001',
        to: '02162345678',
        direction: 'out',
        callId,
        user: 'agent01',
      });
      expect(dial.json()).toEqual({ action: 'dial', caller_id: '02188880000', number: '02162345678' });
      expect(await s.callOf(callId)).toMatchObject({ direction: 'outbound', from: '02188880000' });
      const beijing = await s.zammad({
        event: 'newCall',
        from: '8001',
        to: '010 1234 5678',
        direction: 'out',
        callId: randomUUID(),
      });
      expect(beijing.json()).toEqual({ action: 'dial', caller_id: '01066660000', number: '010 1234 5678' });
      const none = await s.zammad({
        event: 'newCall',
        from: '8001',
        to: '13800138000',
        direction: 'out',
        callId: randomUUID(),
      });
      expect(none.json()).toEqual({});
    });

    it('invalid direction → 422 {"error":"Invalid direction!"} and nothing written', async () => {
      const before = await ctiCounts(s);
      for (const direction of ['sideways', '', undefined]) {
        const res = await s.zammad({ event: 'newCall', from: '1', to: '2', direction, callId: randomUUID() });
        expect(res.statusCode).toBe(422);
        expect(res.json()).toEqual({ error: 'Invalid direction!' });
      }
      const res = await s.zammad(
        form([
          ['event', 'newCall'],
          ['direction', 'inbound'],
          ['callId', 'x'],
        ]),
        FORM,
      );
      expect(res.json()).toEqual({ error: 'Invalid direction!' });
      expect(await ctiCounts(s)).toEqual(before);
    });

    it('a duplicate newCall (a retried webhook) changes nothing and still answers {}', async () => {
      const callId = randomUUID();
      const ring = {
        event: 'newCall',
        from: '13900000004',
        to: '4008001234',
        direction: 'in',
        callId,
        user: 'agent01',
      };
      await s.zammad(ring);
      const before = await ctiCounts(s);
      const again = await s.zammad({ ...ring, user: 'agent02' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({});
      expect(await ctiCounts(s)).toEqual(before);
      expect((await s.callOf(callId))?.offeredAgentIds).toEqual([s.staff.agent.id]);
    });

    it('webhooks arriving together commit together, each exactly once: retried ones are duplicates, blocked ones refused', async () => {
      const calls = Array.from({ length: 12 }, (_, i) => ({
        event: 'newCall',
        from: `1390000${String(1000 + i)}`,
        to: '4008001234',
        direction: 'in',
        callId: `group-${randomUUID()}`,
        user: 'agent01',
      }));
      const blocked = { ...calls[0], from: '13900009999', callId: `group-blocked-${randomUUID()}` };
      await s.db.query(
        `INSERT INTO call_blocks (id, e164, reason, created_at) VALUES ($1, '+8613900009999', 'test', now())`,
        [randomUUID()],
      );
      // Every ring sent twice at once (a PBX retrying), and a blocked caller among them.
      const replies = await Promise.all([...calls, ...calls, blocked].map((body) => s.zammad(body)));
      expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
      expect(replies.at(-1)?.json()).toEqual({ action: 'reject', reason: 'busy' });
      for (const c of calls) {
        expect(await s.callOf(c.callId)).toMatchObject({ state: 'ringing', offeredAgentIds: [s.staff.agent.id] });
        expect((await s.calls()).filter((x) => x.callId === c.callId)).toHaveLength(1);
      }
      expect(await s.callOf(blocked.callId)).toMatchObject({ state: 'ended', cause: 'rejected' });
      const { rows } = await s.db.query<{ events: number; xids: number }>(
        `WITH e AS (SELECT call_id FROM cti_events WHERE event_id LIKE 'zammad:group-%')
         SELECT (SELECT count(*) FROM e)::int AS events,
                (SELECT count(DISTINCT xid::text) FROM change_log
                  WHERE entity = 'call' AND entity_id IN (SELECT call_id::text FROM e))::int AS xids`,
      );
      // One cti_events row per ring (the retries were duplicates), logged in fewer transactions than calls.
      expect(rows[0]?.events).toBe(calls.length + 2);
      expect(rows[0]?.xids).toBeLessThan(calls.length);
    });

    it('an answer after the hangup is ignored: the call stays missed, never reopened', async () => {
      const callId = randomUUID();
      const base = { from: '13900000005', to: '4008001234', direction: 'in', callId };
      await s.zammad({ ...base, event: 'newCall', user: 'agent01' });
      await s.zammad({ ...base, event: 'hangup', cause: 'noAnswer' });
      const late = await s.zammad({ ...base, event: 'answer', answeringNumber: '8001' });
      expect(late.json()).toEqual({});
      expect(await s.callOf(callId)).toMatchObject({
        state: 'ended',
        answeredAt: null,
        missed: true,
        cause: 'noAnswer',
      });
    });

    it('a hangup without a newCall still makes one record (missed when inbound)', async () => {
      const callId = randomUUID();
      await s.zammad({
        event: 'hangup',
        from: '13900000006',
        to: '4008001234',
        direction: 'in',
        callId,
        cause: 'cancel',
      });
      expect(await s.callOf(callId)).toMatchObject({ state: 'ended', missed: true, from: '13900000006' });
    });

    it('a wrong token → 401 with Zammad’s message; nothing written', async () => {
      const before = await ctiCounts(s);
      const ring = { event: 'newCall', from: '1', to: '2', direction: 'in', callId: randomUUID() };
      for (const token of ['wrong', `${CTI_TOKEN}x`, CTI_TOKEN.slice(0, -1), 'x'.repeat(99)]) {
        const res = await s.zammad(ring, undefined, token);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ error: 'Invalid token, please contact your admin!' });
      }
      // Longer than any route parameter may be: refused before routing (414), still a client error.
      expect((await s.zammad(ring, undefined, 'x'.repeat(300))).statusCode).toBe(414);
      expect(await ctiCounts(s)).toEqual(before);
    });

    it('bad input → 4xx with a reason, never 5xx, nothing written', async () => {
      const before = await ctiCounts(s);
      const ok = { event: 'newCall', from: '13900000007', to: '4008001234', direction: 'in' };
      const cases: [unknown, string | undefined][] = [
        ['{"event": "newCall", ', 'application/json'],
        ['[1,2,3]', 'application/json'],
        ['"text"', 'application/json'],
        [{ ...ok, event: 'ring', callId: 'a' }, undefined],
        [{ ...ok }, undefined], // no callId
        [{ ...ok, callId: 'nul\u0000id' }, undefined],
        [{ ...ok, callId: 'b', from: 'bad\ud800' }, undefined],
        [{ ...ok, callId: { nested: true } }, undefined],
        [{ ...ok, callId: 'c', user: [{ a: 1 }] }, undefined],
        [{ ...ok, callId: 'x'.repeat(300) }, undefined],
        [{ ...ok, callId: 'd', from: '1'.repeat(10_000) }, undefined],
        [JSON.stringify({ ...ok, callId: 'e', pad: 'x'.repeat(300_000) }), 'application/json'],
        ['event=newCall&direction=in&callId=f&from=%00', FORM],
        ['garbage', 'multipart/form-data'],
        ['<xml/>', 'text/xml'],
      ];
      for (const [body, type] of cases) {
        const res = await s.zammad(body, type);
        expect(res.statusCode, `${String(body).slice(0, 60)} → ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, String(body).slice(0, 60)).toBeLessThan(500);
        expect(res.json<{ error: string }>().error).toEqual(expect.any(String));
      }
      expect(await ctiCounts(s)).toEqual(before);
    });

    it('switched off (settings) or without a token configured → 422 "Feature is disabled…"; rate-limited → 429', async () => {
      const ring = { event: 'newCall', from: '1', to: '2', direction: 'in', callId: randomUUID() };
      expect((await s.request('agent01', 'PUT', '/api/v1/cti/settings', { enabled: false })).statusCode).toBe(403);
      const off = await s.request('admin', 'PUT', '/api/v1/cti/settings', { enabled: false });
      expect(off.json()).toMatchObject({ enabled: false, wrapUpSeconds: 60 });
      for (const token of [CTI_TOKEN, 'wrong']) {
        const res = await s.zammad(ring, undefined, token);
        expect(res.statusCode).toBe(422);
        expect(res.json()).toEqual({ error: 'Feature is disabled, please contact your administrator!' });
      }
      await s.request('admin', 'PUT', '/api/v1/cti/settings', { enabled: true });
      expect((await s.zammad(ring)).statusCode).toBe(200);

      const limited = await openCtiServer(backend, { rateLimit: { max: 3, timeWindow: '1 minute' } });
      try {
        const codes: number[] = [];
        for (let i = 0; i < 4; i++) codes.push((await limited.zammad({ ...ring, callId: randomUUID() })).statusCode);
        expect(codes).toEqual([200, 200, 200, 429]);
      } finally {
        await limited.close();
      }

      const unconfigured = await openCtiServer(backend, { token: null });
      try {
        const res = await unconfigured.zammad(ring, undefined, 'anything-at-all-123');
        expect(res.statusCode).toBe(422);
      } finally {
        await unconfigured.close();
      }
    });
  });
}
