/**
 * Residents' personal data on the server (issue 11 §4, minimum necessary): pulls (every schema), the call log, the
 * ticket list and resident search carry phone numbers masked, never whole; the whole number comes only from an
 * audited reveal, for the roles allowed (fail closed: the kiosk, the PBX account and anonymous callers get none);
 * a resident's full record is audited; a ticket taken from a call or for a resident records the whole number its
 * masked form stands for; tickets written without a mask are masked at start.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEventInput } from '../../common/calls/envelope';
import type { Call, Resident, Ticket, User } from '../../common/domain';
import { PHONE_HASH } from '../../common/residents/phone-hash';
import { SYNC_SCHEMA_VERSION, ticketFromWire, type PullResponse } from '../../common/sync';
import { hmacPhoneHasher } from '../../main/privacy/phone-hash';
import { createUser } from '../../server/auth/users';
import { backfillPhoneMasks } from '../../server/privacy/backfill';
import { loadPhoneHasher } from '../../server/privacy/phone-hash';
import { BACKENDS } from './support/backends';
import { openCtiServer, type CtiServer } from './support/cti';
import { PASSWORD } from './support/fixtures';

/** The fixtures' residents' numbers (tests/integration/support/fixtures.ts) and the callers of this test. */
const WHOLE = ['13800138000', '62345678', '13600136000', '13500135000'];
const noWholeNumber = (text: string) => {
  for (const whole of WHOLE) expect(text).not.toContain(whole);
};

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const ev = (type: string, callId: string, fields: Record<string, unknown> = {}): CallEventInput =>
  ({ v: 1, eventId: randomUUID(), type, callId, source: 'pbx', ts: at(0), ...fields }) as CallEventInput;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`residents' phone numbers on ${backend.name}`, () => {
    let s: CtiServer;
    let technician: User;
    /** A ticket of r1 (recorded with its whole number), assigned to the technician; and a call from 136…. */
    let ticketId: string;
    let otherTicketId: string;
    let callId: string;

    const createTicket = async (args: Record<string, unknown>): Promise<string> => {
      const id = randomUUID();
      const res = await s.push('agent01', [
        {
          name: 'ticket.create',
          args: {
            id,
            eventId: randomUUID(),
            type: 'repair',
            category: 'plumbing',
            channel: 'phone',
            title: '漏水',
            ...args,
          },
        },
      ]);
      expect(res.results[0]?.outcome, JSON.stringify(res.results)).toBe('applied');
      return id;
    };
    const storedPhone = async (id: string) =>
      (await s.db.query<{ phone: string | null }>('SELECT phone FROM tickets WHERE id = $1', [id])).rows[0]?.phone;
    const audits = async () =>
      (
        await s.db.query<Record<string, unknown>>(
          `SELECT actor_id, actor_role, action, subject_type, subject_id, source_ip, client_id, data, at
             FROM audit_log WHERE action LIKE '%.reveal' OR action = 'resident.read' ORDER BY id`,
        )
      ).rows;
    const reveal = (username: string | null, body: Record<string, unknown>) =>
      s.request(username, 'POST', '/api/v1/privacy/reveal', body);

    beforeAll(async () => {
      s = await openCtiServer(backend);
      technician = await createUser(s.db, {
        username: 'tech01',
        name: '李师傅',
        role: 'technician',
        extension: null,
        teamId: 'plumbing',
        password: PASSWORD,
      });
      const login = await s.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'tech01', password: PASSWORD },
      });
      s.tokens.tech01 = login.json<{ token: string }>().token;
      ticketId = await createTicket({ residentId: 'r1', phone: '138-0013-8000' });
      otherTicketId = await createTicket({ phone: '135 0013 5000' });
      const assign = await s.push('lead01', [
        { name: 'ticket.assign', args: { id: ticketId, eventId: randomUUID(), assigneeId: technician.id } },
      ]);
      expect(assign.results[0]?.outcome).toBe('applied');
      const res = await s.request('pbx', 'POST', '/api/v1/cti/events', [
        ev('call.ringing', 'p-1', { direction: 'inbound', from: '13600136000', to: '4008001234', offeredTo: ['8001'] }),
        ev('call.ended', 'p-1', { cause: 'cancel', ts: at(20_000) }),
      ]);
      expect(res.statusCode, res.body).toBe(200);
      callId = res.json<{ results: { callId: string }[] }>().results[0]!.callId;
    });
    afterAll(async () => {
      await s?.close();
    });

    describe('lists, pulls and searches', () => {
      const pull = async (schemaVersion: number) => {
        const changes: PullResponse['changes'] = [];
        let cursor: string | null = null;
        for (;;) {
          const res = await s.request('agent01', 'POST', '/api/v1/sync/pull', {
            clientId: randomUUID(),
            schemaVersion,
            cursor,
          });
          expect(res.statusCode, res.body).toBe(200);
          noWholeNumber(res.body);
          const page = res.json<PullResponse>();
          changes.push(...page.changes);
          cursor = page.cursor;
          if (!page.more) return changes;
        }
      };

      it('a pull carries every number masked with its hash, for this schema and every older one', async () => {
        const hash = await loadPhoneHasher(s.db);
        const changes = await pull(SYNC_SCHEMA_VERSION);
        const ticket = ticketFromWire(changes.find((c) => c.id === ticketId)?.data) as Ticket;
        expect(ticket).toMatchObject({ phone: '138 **** 8000', phoneHash: hash('+8613800138000') });
        const call = changes.find((c) => c.entity === 'call' && c.id === callId)?.data as Call;
        expect(call).toMatchObject({ from: '136 **** 6000', fromE164: null, fromHash: hash('+8613600136000') });
        expect(call.toHash).toMatch(PHONE_HASH);
        for (const old of [4, 3, 1]) {
          const tickets = (await pull(old)).filter((c) => c.id === ticketId);
          // Schema 3 and 4 rows end before phoneHash; schema 1 gets objects.
          const data = tickets[0]?.data;
          const parsed = (Array.isArray(data) ? ticketFromWire([...data, null]) : data) as Ticket;
          expect(parsed.phone, `schema ${old}`).toBe('138 **** 8000');
        }
      });

      it('the call log, the ticket list and resident search carry no whole number', async () => {
        const calls = await s.request('agent01', 'GET', '/api/v1/calls?limit=50');
        expect(calls.statusCode).toBe(200);
        noWholeNumber(calls.body);
        expect(calls.json<{ items: Call[] }>().items.map((c) => c.from)).toContain('136 **** 6000');
        // Still found by the whole number: the server matches it, the answer is masked.
        const byNumber = await s.request('agent01', 'GET', '/api/v1/calls?number=13600136000');
        expect(byNumber.json<{ items: Call[] }>().items.map((c) => c.id)).toEqual([callId]);
        noWholeNumber(byNumber.body);

        const tickets = await s.request('agent01', 'GET', `/api/v1/tickets?q=${encodeURIComponent('13800138000')}`);
        expect(tickets.json<{ items: Ticket[] }>().items.map((t) => t.id)).toEqual([ticketId]);
        noWholeNumber(tickets.body);
        const one = await s.request('agent01', 'GET', `/api/v1/tickets/${ticketId}`);
        expect(one.json<{ ticket: Ticket }>().ticket.phone).toBe('138 **** 8000');
        noWholeNumber(one.body);

        const residents = await s.request('agent01', 'GET', '/api/v1/residents?phone=13800138000');
        expect(residents.json<{ items: { id: string }[] }>().items.map((r) => r.id)).toEqual(['r1']);
        noWholeNumber(residents.body);
      });

      it('the kiosk sees no number at all, not even masked', async () => {
        const filed = await s.request('kiosk01', 'POST', '/api/v1/tickets', {
          type: 'repair',
          category: 'access',
          title: '门禁坏了',
          channel: 'kiosk',
          phone: '13800138000',
        });
        expect(filed.statusCode).toBe(201);
        // The kiosk gets a receipt (least privilege): the code to quote and the status, no phone field at all.
        const receipt = filed.json<Record<string, unknown>>();
        expect(Object.keys(receipt).sort()).toEqual(['category', 'code', 'createdAt', 'status', 'type']);
        expect(filed.body).not.toMatch(/13800138000|\*\*\*\* 8000/);
        // The server kept the whole number the resident gave; only the kiosk is not shown it.
        const stored = await s.db.query<{ id: string; phone: string | null }>(
          'SELECT id, phone FROM tickets WHERE code = $1',
          [receipt.code],
        );
        expect(stored.rows[0]?.phone).toContain('13800138000');
        // And it reads no ticket back, masked or not: neither the list nor the one it filed.
        for (const url of ['/api/v1/tickets', `/api/v1/tickets/${stored.rows[0]!.id}`]) {
          const read = await s.request('kiosk01', 'GET', url);
          expect(read.statusCode, url).toBe(403);
          expect(read.body, url).not.toMatch(/13800138000|\*\*\*\* 8000/);
        }
      });
    });

    describe('reveal', () => {
      it('returns the whole number and writes exactly one audit row: who, when, what, from where, why', async () => {
        const before = (await audits()).length;
        const started = Date.now();
        const clientId = randomUUID();
        const res = await reveal('agent01', { subject: 'ticket', id: ticketId, purpose: 'view', clientId });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ number: '+8613800138000' });
        const rows = (await audits()).slice(before);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          actor_id: s.staff.agent.id,
          actor_role: 'agent',
          action: 'ticket.reveal',
          subject_type: 'ticket',
          subject_id: ticketId,
          source_ip: '127.0.0.1',
          client_id: clientId,
          data: { field: 'phone', purpose: 'view' },
        });
        expect(new Date(rows[0]!.at as string).getTime()).toBeGreaterThanOrEqual(started - 1000);
        // The audit row says what was read, not the number.
        noWholeNumber(JSON.stringify(rows));
      });

      it('reveals a call’s caller for dialling and a resident’s phone by its masked form', async () => {
        const before = (await audits()).length;
        const dial = await reveal('lead01', { subject: 'call', id: callId, purpose: 'dial' });
        expect(dial.json()).toEqual({ number: '13600136000' });
        const resident = await reveal('admin', {
          subject: 'resident',
          id: 'r2',
          shown: '021 **** 5678',
          purpose: 'view',
        });
        expect(resident.json()).toEqual({ number: '021-6234 5678' });
        expect((await audits()).slice(before)).toMatchObject([
          { action: 'call.reveal', actor_role: 'lead', subject_id: callId, data: { field: 'from', purpose: 'dial' } },
          {
            action: 'resident.reveal',
            actor_role: 'admin',
            subject_id: 'r2',
            data: { field: 'phone', purpose: 'view' },
          },
        ]);
      });

      it('lets a technician reveal the phone of a ticket assigned to them, and nothing else', async () => {
        const before = (await audits()).length;
        const own = await reveal('tech01', { subject: 'ticket', id: ticketId, purpose: 'dial' });
        expect(own.json()).toEqual({ number: '+8613800138000' });
        for (const body of [
          { subject: 'ticket', id: otherTicketId, purpose: 'view' },
          { subject: 'call', id: callId, purpose: 'view' },
          { subject: 'resident', id: 'r1', shown: '138 **** 8000', purpose: 'view' },
        ]) {
          const res = await reveal('tech01', body);
          expect(res.statusCode, JSON.stringify(body)).toBe(403);
        }
        expect((await audits()).slice(before)).toHaveLength(1);
      });

      it('refuses the kiosk, the PBX account and anonymous callers, and records nothing', async () => {
        const before = await audits();
        const body = { subject: 'ticket', id: ticketId, purpose: 'view' };
        expect((await reveal(null, body)).statusCode).toBe(401);
        for (const username of ['kiosk01', 'pbx']) {
          const res = await reveal(username, body);
          expect(res.statusCode, username).toBe(403);
          expect(res.body).not.toMatch(/13800138000|\*\*\*\* 8000/);
        }
        expect(await audits()).toEqual(before);
      });

      it('answers 404 for what holds no such number and 400 for a bad request, recording nothing', async () => {
        const before = await audits();
        const cases: [Record<string, unknown>, number][] = [
          [{ subject: 'ticket', id: randomUUID(), purpose: 'view' }, 404],
          [{ subject: 'resident', id: 'r1', shown: '139 **** 0000', purpose: 'view' }, 404],
          [{ subject: 'resident', id: 'nobody', shown: '138 **** 8000', purpose: 'view' }, 404],
          [{ subject: 'ticket', id: 'not-a-uuid', purpose: 'view' }, 400],
          [{ subject: 'ticket', id: ticketId, purpose: 'print' }, 400],
          [{ subject: 'unit', id: 'p1-3-1-502', purpose: 'view' }, 400],
          [{ subject: 'resident', id: 'r1', purpose: 'view' }, 400],
          [{ subject: 'resident', id: 'r1\u0000', shown: '138 **** 8000', purpose: 'view' }, 400],
        ];
        for (const [body, status] of cases) {
          expect((await reveal('agent01', body)).statusCode, JSON.stringify(body)).toBe(status);
        }
        expect(await audits()).toEqual(before);
      });
    });

    describe("a resident's full record", () => {
      it('is audited, and only for the roles that may reveal a resident’s number', async () => {
        const before = (await audits()).length;
        const res = await s.request('agent02', 'GET', '/api/v1/residents/r1');
        expect(res.statusCode).toBe(200);
        expect(res.json<{ resident: Resident }>().resident).toMatchObject({
          id: 'r1',
          name: '张伟',
          phones: [{ raw: '138 0013 8000', e164: '+8613800138000' }],
        });
        for (const username of ['kiosk01', 'tech01', 'pbx']) {
          expect((await s.request(username, 'GET', '/api/v1/residents/r1')).statusCode, username).toBe(403);
        }
        expect((await s.request(null, 'GET', '/api/v1/residents/r1')).statusCode).toBe(401);
        expect((await s.request('agent02', 'GET', '/api/v1/residents/nobody')).statusCode).toBe(404);
        expect((await s.request('agent02', 'GET', '/api/v1/residents/r1%00')).statusCode).toBe(400);
        const rows = (await audits()).slice(before);
        expect(rows).toMatchObject([
          { action: 'resident.read', actor_id: s.staff.agent2.id, subject_type: 'resident', subject_id: 'r1' },
        ]);
        noWholeNumber(JSON.stringify(rows));
      });
    });

    describe('what a new ticket records', () => {
      it('the whole number a masked phone stands for: the call’s caller, else the resident’s phone', async () => {
        const fromCall = await createTicket({ phone: '136 **** 6000', callId });
        expect(await storedPhone(fromCall)).toBe('+8613600136000');
        const fromResident = await createTicket({ phone: '021 **** 5678', residentId: 'r2' });
        expect(await storedPhone(fromResident)).toBe('+862162345678');
        // A mask that stands for nothing known: no number, never the mask itself.
        const unknown = await createTicket({ phone: '139 **** 0000', residentId: 'r2' });
        expect(await storedPhone(unknown)).toBeNull();
        const typed = await createTicket({ phone: '(021) 6234-5678' });
        expect(await storedPhone(typed)).toBe('+862162345678');
      });
    });

    describe('the phone hash secret', () => {
      it('goes to console roles only, and hashes as the database does', async () => {
        const res = await s.request('agent01', 'GET', '/api/v1/privacy/phone-hash-key');
        expect(res.statusCode).toBe(200);
        const { secret } = res.json<{ secret: string }>();
        const desk = hmacPhoneHasher(Buffer.from(secret, 'base64'));
        const { rows } = await s.db.query<{ h: string }>(`SELECT phone_hash('+8613800138000') AS h`);
        expect(desk('+8613800138000')).toBe(rows[0]?.h);
        expect(rows[0]?.h).toMatch(PHONE_HASH);
        for (const username of ['kiosk01', 'pbx']) {
          expect((await s.request(username, 'GET', '/api/v1/privacy/phone-hash-key')).statusCode, username).toBe(403);
        }
      });

      it('is HMAC-SHA256 in SQL as RFC 4231 computes it (test case 2)', async () => {
        const { rows } = await s.db.query<{ h: string }>(
          `SELECT encode(sha256(hmac_sha256_pad(k, 92) || sha256(hmac_sha256_pad(k, 54) || m)), 'hex') AS h
             FROM (SELECT convert_to('Jefe', 'UTF8') AS k, convert_to('what do ya want for nothing?', 'UTF8') AS m) t`,
        );
        expect(rows[0]?.h).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
      });
    });

    describe('tickets written without a mask', () => {
      it('are masked at start and pulled again', async () => {
        const id = randomUUID();
        await s.db.query(
          `INSERT INTO tickets (id, type, category, channel, priority, status, title, phone, created_at, updated_at)
           VALUES ($1, 'repair', 'plumbing', 'phone', 3, 'new', '旧工单', '+8613500135000', now(), now())`,
          [id],
        );
        const logged = async () =>
          Number(
            (await s.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM change_log WHERE entity_id = $1`, [id]))
              .rows[0]?.n,
          );
        expect(await logged()).toBe(0);
        expect(await backfillPhoneMasks(s.db)).toBe(1);
        const { rows } = await s.db.query<{ masked: string; wire: string }>(
          'SELECT phone_masked AS masked, wire FROM tickets WHERE id = $1',
          [id],
        );
        expect(rows[0]?.masked).toBe('135 **** 5000');
        expect(ticketFromWire(JSON.parse(rows[0]!.wire))).toMatchObject({ phone: '135 **** 5000' });
        expect(await logged()).toBe(1);
        expect(await backfillPhoneMasks(s.db)).toBe(0);
      });
    });
  });
}
