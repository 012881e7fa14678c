/**
 * Logged calls in a push batch (server/sync/call-batch, issue 13): read together up front, inserted together at the
 * batch's end — and still exactly what one-by-one processing made. Hand logs of one reported call in one group both
 * link to it in push order; a call stored already inserts nothing and logs no change; a call action or a ticket made
 * from a call in the same push finds the call; a rejection after a mid-batch write keeps the change rows of what
 * that write wrote. Also: token checks of requests that arrive together (server/auth/hook) still refuse a revoked one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEventInput } from '../../common/calls/envelope';
import { maskPhone, toE164 } from '../../common/residents/phone';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../common/sync';
import type { User } from '../../common/domain';
import { revokeToken } from '../../server/auth/tokens';
import { pushGroup, type PushItem } from '../../server/sync/push';
import { BACKENDS } from './support/backends';
import { openCtiServer, type CtiServer } from './support/cti';

const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();
let numberSeq = 0;
const freshNumber = () => `1390002${String(++numberSeq).padStart(4, '0')}`;

function ev(type: string, callId: string, fields: Record<string, unknown> = {}): CallEventInput {
  return { v: 1, eventId: randomUUID(), type, callId, source: 'pbx', ts: iso(), ...fields } as CallEventInput;
}

type Step = { name: string; args: unknown };

const callLog = (id: string, from: string, notes: string, extra: Record<string, unknown> = {}): Step => ({
  name: 'call.log',
  args: { id, direction: 'inbound', from, startedAt: iso(-20_000), notes, ...extra },
});

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`logged calls in a push batch on ${backend.name}`, () => {
    let s: CtiServer;
    beforeAll(async () => {
      s = await openCtiServer(backend);
    });
    afterAll(async () => {
      await s?.close();
    });

    const item = (user: User, steps: Step[], clientId = randomUUID()): PushItem => ({
      user,
      req: {
        clientId,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: steps.map((m, i) => ({ id: i + 1, ...m })) as PushItem['req']['mutations'],
      },
      now: new Date(),
    });
    const group = async (...items: PushItem[]): Promise<PushResponse[]> =>
      (await pushGroup(s.db, items)).map((r) => {
        if (r instanceof Error) throw r;
        return r;
      });
    const changesOf = async (id: string) =>
      (
        await s.db.query<{ entity: string; op: string }>(
          'SELECT entity, op FROM change_log WHERE entity_id = $1 ORDER BY seq',
          [id],
        )
      ).rows.map((r) => `${r.entity}:${r.op}`);

    it('two consoles hand-logging one reported call in one group both link to it, in push order', async () => {
      const from = freshNumber();
      const pbxId = `g-${randomUUID()}`;
      const res = await s.request('pbx', 'POST', '/api/v1/cti/events', [
        { ...ev('call.ringing', pbxId, { direction: 'inbound', from }), ts: iso(-60_000) },
        ev('call.answered', pbxId, { answeredBy: '8001' }),
        ev('call.ended', pbxId),
      ]);
      expect(res.statusCode, res.body).toBe(200);
      const before = await s.count('calls');
      const [first, second] = [randomUUID(), randomUUID()];
      const [a, b] = await group(
        item(s.staff.agent, [callLog(first, from, '第一次记录')]),
        item(s.staff.agent2, [callLog(second, `+86 ${from}`, '第二次记录')]),
      );
      expect([a?.results[0]?.outcome, b?.results[0]?.outcome]).toEqual(['applied', 'applied']);
      expect(await s.count('calls')).toBe(before);
      const record = await s.callOf(pbxId);
      expect(record?.notes).toBe('第一次记录\n第二次记录');
      expect((await s.callOf(second))?.id).toBe(record?.id);
      // No row under the logs' own ids: each one's change row makes the next pull drop the desk's copy.
      const own = await s.db.query('SELECT id FROM calls WHERE id = ANY($1::uuid[])', [[first, second]]);
      expect(own.rows).toEqual([]);
      expect(await changesOf(first)).toEqual(['call:put']);
      expect(await changesOf(second)).toEqual(['call:put']);
    });

    it('a call stored already inserts nothing and logs no change, even from another console in a group', async () => {
      const id = randomUUID();
      const from = freshNumber();
      await group(item(s.staff.agent, [callLog(id, from, '原始记录')]));
      expect(await changesOf(id)).toEqual(['call:put']);
      const before = await s.count('calls');
      const [again, fresh] = await group(
        item(s.staff.agent2, [callLog(id, from, '同一 id 再记一次')]),
        item(s.staff.agent, [callLog(randomUUID(), freshNumber(), '另一通电话'), callLog(id, from, '同批再记')]),
      );
      expect(again?.results.map((r) => r.outcome)).toEqual(['applied']);
      expect(fresh?.results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
      expect(await s.count('calls')).toBe(before + 1);
      expect(await changesOf(id)).toEqual(['call:put']);
      const { rows } = await s.db.query<{ notes: string }>('SELECT notes FROM calls WHERE id = $1', [id]);
      expect(rows[0]?.notes).toBe('原始记录');
    });

    it('a call action and a ticket made from the call in the same push find the logged call', async () => {
      const callId = randomUUID();
      const ticketId = randomUUID();
      const from = freshNumber();
      const [res] = await group(
        item(s.staff.agent, [
          callLog(callId, from, '住户来电报修'),
          {
            name: 'ticket.create',
            args: {
              id: ticketId,
              eventId: randomUUID(),
              type: 'repair',
              category: 'plumbing',
              channel: 'phone',
              title: '来电报修',
              teamId: 'plumbing',
              phone: maskPhone(from),
              callId,
            },
          },
          { name: 'call.wrapUp', args: { id: callId, disposition: 'repair_logged', ticketIds: [ticketId] } },
        ]),
      );
      expect(res?.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
      // The masked number was resolved from the call the same push logged.
      const ticket = await s.db.query<{ phone: string | null }>('SELECT phone FROM tickets WHERE id = $1', [ticketId]);
      expect(ticket.rows[0]?.phone).toBe(toE164(from));
      const call = await s.db.query<{ disposition: string | null }>('SELECT disposition FROM calls WHERE id = $1', [
        callId,
      ]);
      expect(call.rows[0]?.disposition).toBe('repair_logged');
    });

    it('a mutation rejected after its check wrote the batch keeps the change rows of what that wrote', async () => {
      const ticketId = randomUUID();
      const [created, noted] = [randomUUID(), randomUUID()];
      const [res] = await group(
        item(s.staff.agent, [
          {
            name: 'ticket.create',
            args: {
              id: ticketId,
              eventId: created,
              type: 'repair',
              category: 'plumbing',
              channel: 'phone',
              title: '楼道漏水',
              teamId: 'plumbing',
            },
          },
          { name: 'ticket.comment', args: { id: ticketId, eventId: noted, body: '已联系物业' } },
          // Naming a ticket writes the batch first (the link must find it); then the code is refused.
          { name: 'call.wrapUp', args: { id: randomUUID(), disposition: 'no_such_code', ticketIds: [ticketId] } },
        ]),
      );
      expect(res?.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'rejected']);
      expect(await changesOf(created)).toEqual(['ticket_event:put']);
      expect(await changesOf(noted)).toEqual(['ticket_event:put']);
      expect(await changesOf(ticketId)).toEqual(['ticket:put', 'ticket:put']);
    });

    it('token checks that arrive together are answered together, and a revoked token is still refused', async () => {
      const revoked = s.tokens.agent03 as string;
      await revokeToken(s.db, revoked, new Date());
      const ask = (token: string) =>
        s.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
      const answers = await Promise.all([
        ask(s.tokens.agent01 as string),
        ask(revoked),
        ask(s.tokens.agent02 as string),
        ask('x'.repeat(43)),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 200, 401]);
      expect(answers[0]?.json()).toMatchObject({ user: { username: 'agent01' } });
      expect(answers[2]?.json()).toMatchObject({ user: { username: 'agent02' } });
    });
  });
}
