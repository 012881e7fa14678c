/**
 * A resident's rights (issue 11 §4, PIPL): an admin exports everything held about one resident, and erases them —
 * the record, their tickets and their calls lose the name and numbers while the history stays, the consoles pull
 * the anonymised rows, and both acts are audited. Only admins may; bad input is a 400 and changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, Ticket, TicketEvent } from '../../common/domain';
import { ERASED_RESIDENT_NAME, type EraseResult, type ResidentExport } from '../../common/privacy';
import { maskPhone, phoneHashOf } from '../../common/residents/phone';
import type { Change } from '../../common/sync';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { loadPhoneHasher } from '../../server/privacy/phone-hash';
import { BACKENDS } from './support/backends';
import { countRows } from './support/fixtures';
import { actingAs, seedStaff, type Staff, type StaffName } from './support/staff';

/** The fixtures' resident r1 (张伟, 138 0013 8000) in the ways agents write them. */
const NAME = '张伟';
const NUMBER_FORMS = ['13800138000', '138 0013 8000', '138-0013-8000', '+8613800138000'];
const OTHER_RESIDENT = '李娜';

const ids = {
  linked: randomUUID(),
  contact: randomUUID(),
  other: randomUUID(),
  callLinked: randomUUID(),
  callUnmatched: randomUUID(),
  callOther: randomUUID(),
};

function ticketCreate(id: string, over: Record<string, unknown>) {
  return {
    name: 'ticket.create',
    args: { id, eventId: randomUUID(), type: 'repair', category: 'plumbing', channel: 'phone', ...over },
  };
}

function callLog(id: string, from: string, residentId: string | null, notes: string, ticketId: string | null = null) {
  return {
    name: 'call.log',
    args: { id, direction: 'inbound', from, startedAt: '2026-05-01T02:00:00Z', residentId, notes, ticketId },
  };
}

const mentions = (value: unknown, needles: readonly string[]) => {
  const text = JSON.stringify(value);
  return needles.filter((n) => text.includes(n));
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`resident rights on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let staff: Staff;
    let tokens: Record<StaffName, string>;
    const as = (name: StaffName) => actingAs(app, tokens[name]);
    const agentConsole = () => as('agent');
    let desk: ReturnType<typeof agentConsole>;
    let deskCursor: string;

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      ({ staff, tokens } = await seedStaff(db));
      app = buildServer({ db });
      await app.ready();
      desk = agentConsole();
      const results = await desk.push(
        ticketCreate(ids.linked, {
          title: `${NAME}家厨房漏水`,
          description: `业主${NAME}说请回电 138 0013 8000，楼下也渗水`,
          unitId: 'p1-3-1-502',
          residentId: 'r1',
          phone: '13800138000',
        }),
        { name: 'ticket.comment', args: { id: ids.linked, eventId: randomUUID(), body: '已电话 13800138000 联系' } },
        ticketCreate(ids.contact, { title: '门禁卡失灵', phone: '138-0013-8000', residentName: '张先生' }),
        ticketCreate(ids.other, {
          title: `${OTHER_RESIDENT}家灯坏`,
          unitId: 'p1-3-1-503',
          residentId: 'r2',
          phone: '021-6234 5678',
        }),
        callLog(ids.callLinked, '13800138000', 'r1', `${NAME}来电催修`, ids.linked),
        callLog(ids.callUnmatched, '138 0013 8000', null, '未识别来电'),
        callLog(ids.callOther, '02162345678', 'r2', `${OTHER_RESIDENT}来电`),
      );
      expect(results.map((r) => r.outcome)).toEqual(Array(7).fill('applied'));
      deskCursor = (await desk.pullAll()).cursor;
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    const exportOf = async (id: string) => {
      const res = await as('admin').get(`/api/v1/residents/${id}/export`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ResidentExport>();
    };
    const auditOf = async (action: string) =>
      (
        await db.query<{ actor_id: string; subject_id: string; data: Record<string, unknown> }>(
          'SELECT actor_id, subject_id, data FROM audit_log WHERE action = $1 ORDER BY id',
          [action],
        )
      ).rows;

    describe('export', () => {
      it('holds the record, phones, units, their tickets with events and their calls, and nobody else’s', async () => {
        const data = await exportOf('r1');
        expect(data.resident).toMatchObject({ id: 'r1', name: NAME, tags: ['elderly'], erasedAt: null });
        expect(data.phones).toEqual([{ raw: '138 0013 8000', e164: '+8613800138000' }]);
        expect(data.units).toEqual([
          { id: 'p1-3-1-502', code: '3-1-502', projectId: 'p1', projectName: '翠湖苑', relation: 'owner' },
        ]);
        expect(data.tickets.map((t) => t.ticket.id).sort()).toEqual([ids.linked, ids.contact].sort());
        const linked = data.tickets.find((t) => t.ticket.id === ids.linked);
        // One push: both at the same instant.
        expect(linked?.events.map((e) => e.kind).sort()).toEqual(['comment', 'created']);
        expect(linked?.deletedAt).toBeNull();
        expect(data.calls.map((c) => c.id).sort()).toEqual([ids.callLinked, ids.callUnmatched].sort());
        expect(mentions(data, [OTHER_RESIDENT])).toEqual([]);
      });

      it('is audited with what it held', async () => {
        const before = (await auditOf('resident.export')).length;
        await exportOf('r1');
        const rows = await auditOf('resident.export');
        expect(rows).toHaveLength(before + 1);
        expect(rows.at(-1)).toEqual({
          actor_id: staff.admin.id,
          subject_id: 'r1',
          data: { tickets: 2, calls: 2 },
        });
      });

      it.each<StaffName>(['lead', 'agent', 'technician', 'kiosk', 'integration'])('is refused to %s', async (name) => {
        const res = await as(name).get('/api/v1/residents/r1/export');
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ details: { permission: 'residents.privacy' } });
      });

      it('answers 404 for an unknown resident and 400 for a malformed id', async () => {
        expect((await as('admin').get('/api/v1/residents/nobody/export')).statusCode).toBe(404);
        for (const bad of ['%00', 'x'.repeat(65), '%20']) {
          const res = await as('admin').get(`/api/v1/residents/${bad}/export`);
          expect(res.statusCode, bad).toBe(400);
        }
      });
    });

    describe('erase', () => {
      it.each([
        ['no body', undefined],
        ['no reason', {}],
        ['an empty reason', { reason: '  ' }],
        ['a NUL in the reason', { reason: 'a\u0000b' }],
        ['an unknown field', { reason: 'ok', name: 'x' }],
        ['a reason too long', { reason: 'x'.repeat(501) }],
      ])('answers 400 for %s and changes nothing', async (_label, body) => {
        const before = await countRows(db);
        const res = await as('admin').post('/api/v1/residents/r1/erase', body);
        expect(res.statusCode, res.body).toBe(400);
        expect(await countRows(db)).toEqual(before);
        expect((await exportOf('r1')).resident.name).toBe(NAME);
      });

      it.each<StaffName>(['lead', 'agent', 'technician', 'kiosk', 'integration'])('is refused to %s', async (name) => {
        const res = await as(name).post('/api/v1/residents/r1/erase', { reason: '本人申请' });
        expect(res.statusCode).toBe(403);
        expect((await exportOf('r1')).resident.name).toBe(NAME);
      });

      it('answers 404 for an unknown resident', async () => {
        expect((await as('admin').post('/api/v1/residents/nobody/erase', { reason: '本人申请' })).statusCode).toBe(404);
      });

      describe('of a resident', () => {
        let result: EraseResult;
        let dirSeqBefore: bigint;
        beforeAll(async () => {
          const seq = await db.query<{ s: string }>(`SELECT dir_seq::text AS s FROM residents WHERE id = 'r1'`);
          dirSeqBefore = BigInt(seq.rows[0]!.s);
          const res = await as('admin').post('/api/v1/residents/r1/erase', { reason: '本人书面申请删除' });
          expect(res.statusCode, res.body).toBe(200);
          result = res.json<EraseResult>();
        });

        it('anonymises the record: neutral name, no phones, units or tags, erased_at set', async () => {
          expect(result).toEqual({ residentId: 'r1', erasedAt: expect.any(String), tickets: 2, calls: 2 });
          const data = await exportOf('r1');
          expect(data.resident).toMatchObject({ name: ERASED_RESIDENT_NAME, tags: [], erasedAt: result.erasedAt });
          expect(data.phones).toEqual([]);
          expect(data.units).toEqual([]);
          expect(mentions(data, [NAME, ...NUMBER_FORMS])).toEqual([]);
        });

        it('moves the resident in the directory feed’s change order', async () => {
          const seq = await db.query<{ s: string }>(`SELECT dir_seq::text AS s FROM residents WHERE id = 'r1'`);
          expect(BigInt(seq.rows[0]!.s)).toBeGreaterThan(dirSeqBefore);
        });

        it('sends every console the anonymised tickets, events and calls, history kept', async () => {
          const { changes } = await desk.pullAll(deskCursor);
          const got = (entity: Change['entity'], id: string) =>
            changes.find((c) => c.entity === entity && c.id === id && c.op === 'put')?.data;
          const linked = got('ticket', ids.linked) as Ticket;
          expect(linked).toMatchObject({
            residentId: 'r1',
            residentName: ERASED_RESIDENT_NAME,
            phone: null,
            title: `${ERASED_RESIDENT_NAME}家厨房漏水`,
            description: `业主${ERASED_RESIDENT_NAME}说请回电 ***，楼下也渗水`,
            status: 'new',
            unitId: 'p1-3-1-502',
          });
          // The server never kept the name a client sent for an unlinked contact (it owns resident names).
          expect(got('ticket', ids.contact)).toMatchObject({ residentName: null, phone: null });
          const events = changes.filter((c) => c.entity === 'ticket_event').map((c) => c.data as TicketEvent);
          expect(events.map((e) => e.body).sort()).toEqual(
            [`${ERASED_RESIDENT_NAME}家厨房漏水`, '已电话 *** 联系'].sort(),
          );
          expect(got('call', ids.callLinked)).toMatchObject<Partial<Call>>({
            from: null,
            fromE164: null,
            residentId: 'r1',
            notes: `${ERASED_RESIDENT_NAME}来电催修`,
            ticketId: ids.linked,
          });
          expect(got('call', ids.callUnmatched)).toMatchObject<Partial<Call>>({ from: null, notes: '未识别来电' });
          expect(mentions(changes, [NAME, ...NUMBER_FORMS])).toEqual([]);
          expect(changes.some((c) => c.id === ids.other || c.id === ids.callOther)).toBe(false);
        });

        it('keeps the whole history in a fresh console’s cache, without the name or number', async () => {
          // A first pull today is a snapshot without old history (fetched when a ticket is opened): it too names
          // nobody. The whole history is read as an older console replays it, from the change log (schema 5).
          const snapshot = await as('agent2').pullAll();
          const snapshotOwn = snapshot.changes.filter((c) => c.id !== ids.other && c.id !== ids.callOther);
          expect(snapshotOwn.some((c) => c.id === ids.linked)).toBe(true);
          expect(mentions(snapshotOwn, [NAME, ...NUMBER_FORMS, maskPhone('13800138000')])).toEqual([]);
          const { changes } = await as('agent2').pullAll(null, 5);
          const events = changes.filter(
            (c) => c.entity === 'ticket_event' && (c.data as TicketEvent).ticketId === ids.linked,
          );
          expect(events.map((e) => (e.data as TicketEvent).kind).sort()).toEqual(['comment', 'created']);
          const own = changes.filter((c) => c.id !== ids.other && c.id !== ids.callOther);
          // Numbers travel masked with a keyed hash (issue 11 §4): the erased resident's masked form and hash are
          // gone as well as the whole number, or a console could still tell their rows apart by them.
          const hash = await loadPhoneHasher(db);
          const erasedHash = phoneHashOf(hash, '13800138000');
          expect(erasedHash).not.toBeNull();
          expect(mentions(own, [NAME, ...NUMBER_FORMS, maskPhone('13800138000'), erasedHash!])).toEqual([]);
          // Somebody else's data is untouched: pulled masked with its hash, as every number is…
          const otherHash = phoneHashOf(hash, '021-6234 5678');
          expect(otherHash).not.toBeNull();
          const other = changes.find((c) => c.id === ids.other)?.data as Ticket;
          expect(other).toMatchObject({
            residentName: OTHER_RESIDENT,
            phone: maskPhone('021-6234 5678'),
            phoneHash: otherHash,
          });
          expect(changes.find((c) => c.id === ids.callOther)?.data).toMatchObject<Partial<Call>>({
            from: maskPhone('02162345678'),
            fromHash: otherHash,
            residentId: 'r2',
          });
          // …and still whole on the server (a number typed in full is recorded as E.164, server/privacy/ticket-phone).
          const stored = await db.query<{ resident_name: string | null; phone: string | null }>(
            'SELECT resident_name, phone FROM tickets WHERE id = $1',
            [ids.other],
          );
          expect(stored.rows).toEqual([{ resident_name: OTHER_RESIDENT, phone: '+862162345678' }]);
          const call = await db.query<{ from_raw: string | null }>('SELECT from_raw FROM calls WHERE id = $1', [
            ids.callOther,
          ]);
          expect(call.rows).toEqual([{ from_raw: '02162345678' }]);
        });

        it('is audited with the reason and the counts', async () => {
          expect((await auditOf('resident.erase')).at(-1)).toEqual({
            actor_id: staff.admin.id,
            subject_id: 'r1',
            data: { reason: '本人书面申请删除', tickets: 2, calls: 2 },
          });
        });

        it('can be repeated: nothing more changes, the request is audited again', async () => {
          const before = await countRows(db);
          const res = await as('admin').post('/api/v1/residents/r1/erase', { reason: '重复申请' });
          expect(res.statusCode).toBe(200);
          expect(res.json()).toEqual({ ...result, tickets: 0, calls: 0 });
          expect((await countRows(db)).change_log).toBe(before.change_log);
          expect((await auditOf('resident.erase')).map((r) => r.data.reason)).toEqual(['本人书面申请删除', '重复申请']);
        });

        it('exports the anonymised state afterwards', async () => {
          const data = await exportOf('r1');
          expect(data.tickets.map((t) => t.ticket.id)).toEqual([ids.linked]);
          expect(data.tickets[0]?.ticket.residentName).toBe(ERASED_RESIDENT_NAME);
          expect(data.calls.map((c) => c.id)).toEqual([ids.callLinked]);
        });
      });
    });
  });
}
