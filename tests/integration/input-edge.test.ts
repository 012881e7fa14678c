/**
 * No input can wedge a console (issue 11 §1), the examples that were found: each of these answered 500 (PostgreSQL
 * refused NUL, lone surrogates, year 0, 2024-02-30, an xid8 beyond 2^64) or stopped a console's outbox. Now each is
 * a 400 with a reason that writes nothing, and a mutation the server cannot apply is rejected with its id consumed.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeKeyset } from '../../common/input';
import { SYNC_SCHEMA_VERSION, type PushResponse } from '../../common/sync';
import { createDbFingerprint, type DbFingerprint } from '../support/db-fingerprint';
import { BACKENDS } from './support/backends';
import { openCtiServer, type CtiServer } from './support/cti';

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const NUL = 'leak\u0000here';

for (const backend of BACKENDS) {
  const suite = backend.skipReason ? describe.skip : describe;

  suite(`input at the edge on ${backend.name}`, () => {
    let s: CtiServer;
    let fingerprint: DbFingerprint;

    beforeAll(async () => {
      s = await openCtiServer(backend);
      fingerprint = await createDbFingerprint(s.db);
    });
    afterAll(async () => s?.close());

    /** A console of agent01: pushes with its own client id and mutation ids. */
    function console01() {
      const clientId = randomUUID();
      let next = 1;
      return {
        async push(mutations: { name: string; args: unknown }[]): Promise<PushResponse> {
          const res = await s.request('agent01', 'POST', '/api/v1/sync/push', {
            clientId,
            schemaVersion: SYNC_SCHEMA_VERSION,
            mutations: mutations.map((m, i) => ({ id: next + i, ...m })),
          });
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json<PushResponse>();
          next = body.lastMutationId + 1;
          return body;
        },
      };
    }
    const create = (title: string) => ({
      name: 'ticket.create',
      args: { id: randomUUID(), eventId: randomUUID(), type: 'repair', category: 'lift', channel: 'phone', title },
    });
    const comment = (id: string, body: string) => ({
      name: 'ticket.comment',
      args: { id, eventId: randomUUID(), body },
    });
    const eventCount = async (ticketId: string) =>
      Number(
        (await s.db.query<{ n: unknown }>('SELECT count(*) AS n FROM ticket_events WHERE ticket_id = $1', [ticketId]))
          .rows[0]?.n,
      );

    it('a comment with U+0000 is rejected with its reason, consumes its id, and the next batch applies', async () => {
      const desk = console01();
      const created = create('电梯异响');
      const ticketId = created.args.id;
      const first = await desk.push([created, comment(ticketId, NUL), comment(ticketId, 'after the bad one')]);
      expect(first.lastMutationId).toBe(3);
      expect(first.results.map((r) => r.outcome)).toEqual(['applied', 'rejected', 'applied']);
      expect(first.results[1]?.error).toMatchObject({ code: 'invalid_args', message: expect.stringContaining('NUL') });
      const next = await desk.push([comment(ticketId, 'next batch')]);
      expect(next).toMatchObject({ lastMutationId: 4, results: [{ id: 4, outcome: 'applied' }] });
      expect(await eventCount(ticketId)).toBe(3); // created + 2 comments, never the NUL one
    });

    it('lone surrogates, year 0 and 2024-02-30 in mutation args are rejected the same way', async () => {
      const desk = console01();
      const res = await desk.push([
        create('lone \ud800 surrogate'),
        {
          name: 'call.log',
          args: { id: randomUUID(), direction: 'inbound', from: '13800138000', startedAt: '0000-01-01T00:00:00Z' },
        },
        {
          name: 'call.log',
          args: { id: randomUUID(), direction: 'inbound', from: '13800138000', startedAt: '2024-02-30T08:00:00Z' },
        },
        create('a normal one'),
      ]);
      expect(res.results.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'rejected', 'applied']);
      expect(res.results[0]?.error?.message).toMatch(/Unicode/);
      expect(res.results[1]?.error?.message).toMatch(/2000/);
    });

    it('a mutation that fails in the database for a reason no rule names is rejected, and the rest of its batch applies', async () => {
      // Stands in for any failure while applying (a constraint, a trigger, a bug): a trigger that refuses one text.
      await s.db.query(`
        CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.body = 'poison' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF;
          IF NEW.body = 'transient' THEN RAISE EXCEPTION 'try later' USING ERRCODE = 'serialization_failure'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_poison BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
      try {
        const desk = console01();
        const created = create('水管爆裂');
        const id = created.args.id;
        const res = await desk.push([created, comment(id, 'before'), comment(id, 'poison'), comment(id, 'after')]);
        expect(res.lastMutationId).toBe(4);
        expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'rejected', 'applied']);
        expect(res.results[2]?.error).toEqual({
          code: 'cannot_apply',
          message: 'The server could not apply this change (SQLSTATE P0001)',
        });
        expect(await eventCount(id)).toBe(3);
        const { rows } = await s.db.query<{ outcome: string; error_code: string | null }>(
          `SELECT outcome, error_code FROM sync_mutations m JOIN sync_clients c USING (client_id)
            WHERE c.client_id = (SELECT client_id FROM sync_mutations ORDER BY processed_at DESC, mutation_id DESC LIMIT 1)
            ORDER BY mutation_id`,
        );
        expect(rows.map((r) => r.error_code)).toEqual([null, null, 'cannot_apply', null]);
        expect((await desk.push([comment(id, 'next batch')])).results[0]?.outcome).toBe('applied');

        // The database's own trouble (here a serialization failure) is not the mutation's fault: the whole push
        // fails, nothing is written and no id is consumed, so the console simply tries again.
        const before = await fingerprint.current();
        const transient = await s.request('agent01', 'POST', '/api/v1/sync/push', {
          clientId: randomUUID(),
          schemaVersion: SYNC_SCHEMA_VERSION,
          mutations: [create('x'), { ...comment(id, 'transient'), id: 2 }].map((m, i) => ({ id: i + 1, ...m })),
        });
        expect(transient.statusCode).toBe(500);
        expect(await fingerprint.current()).toBe(before);
      } finally {
        await s.db.query('DROP TRIGGER refuse_poison ON ticket_events; DROP FUNCTION refuse_poison()');
      }
    });

    describe('cursors, dates and numbers in requests are refused with 400 and a reason, writing nothing', () => {
      const TICKET = '0b6c8f4e-2f57-4b43-9d55-5d1e8d0f6a11';
      const pull = (cursor: unknown, limit?: unknown) => ({
        clientId: randomUUID(),
        schemaVersion: SYNC_SCHEMA_VERSION,
        cursor,
        ...(limit === undefined ? {} : { limit }),
      });
      const cases: Array<[string, string | null, 'GET' | 'POST' | 'PUT' | 'DELETE', string, unknown?]> = [
        ['pull cursor beyond xid8', 'agent01', 'POST', '/api/v1/sync/pull', pull(b64('99999999999999999999:1'))],
        ['pull cursor beyond bigint', 'agent01', 'POST', '/api/v1/sync/pull', pull(b64('1:9223372036854775808'))],
        ['negative pull cursor', 'agent01', 'POST', '/api/v1/sync/pull', pull(b64('-1:-1'))],
        ['non-numeric pull cursor', 'agent01', 'POST', '/api/v1/sync/pull', pull('not-a-cursor')],
        ['huge pull limit', 'agent01', 'POST', '/api/v1/sync/pull', pull(null, 1e300)],
        ['directory cursor beyond xid8', 'agent01', 'GET', '/api/v1/residents/directory?cursor=99999999999999999999:1'],
        ['directory limit of 30 digits', 'agent01', 'GET', `/api/v1/residents/directory?limit=${'9'.repeat(30)}`],
        ['ticket list limit 1e3', 'agent01', 'GET', '/api/v1/tickets?limit=1e3'],
        [
          'ticket list cursor on 0000-01-01',
          'agent01',
          'GET',
          `/api/v1/tickets?cursor=${encodeKeyset({ at: '0000-01-01 00:00:00+00', id: TICKET })}`,
        ],
        [
          'ticket list cursor on 2024-02-30',
          'agent01',
          'GET',
          `/api/v1/tickets?cursor=${encodeKeyset({ at: '2024-02-30 00:00:00+00', id: TICKET })}`,
        ],
        ['ticket list cursor of garbage', 'agent01', 'GET', `/api/v1/tickets?cursor=${b64('["x",1]')}`],
        ['ticket list assignee not a user id', 'agent01', 'GET', '/api/v1/tickets?assignee=%00'],
        ['ticket id with NUL', 'agent01', 'GET', '/api/v1/tickets/%00'],
        ['call list since 0000-01-01', 'lead01', 'GET', '/api/v1/calls?since=0000-01-01T00:00:00Z'],
        ['call list since 2024-02-30', 'lead01', 'GET', '/api/v1/calls?since=2024-02-30T00:00:00Z'],
        ['call list limit over-long', 'lead01', 'GET', `/api/v1/calls?limit=${'1'.repeat(400)}`],
        ['call list cursor beyond bigint', 'lead01', 'GET', `/api/v1/calls?cursor=${b64('99999999999999999999:1')}`],
        ['login with NUL', null, 'POST', '/api/v1/auth/login', { username: NUL, password: 'x' }],
        ['resident search with NUL', 'agent01', 'GET', '/api/v1/residents?q=%E5%BC%A0%00'],
        [
          'intake with a lone surrogate',
          'kiosk01',
          'POST',
          '/api/v1/tickets',
          { type: 'repair', category: 'lift', channel: 'kiosk', title: 'ok', phone: '138\udc00' },
        ],
        [
          'intake with NUL',
          'kiosk01',
          'POST',
          '/api/v1/tickets',
          { type: 'repair', category: 'lift', channel: 'kiosk', title: NUL },
        ],
        [
          'block expiring on 2024-02-30',
          'lead01',
          'POST',
          '/api/v1/cti/blocks',
          { number: '13800138000', reason: 'spam', expiresAt: '2024-02-30T00:00:00Z' },
        ],
        ['block reason with NUL', 'lead01', 'POST', '/api/v1/cti/blocks', { number: '13800138000', reason: NUL }],
        [
          'calendar with 2027-02-30',
          'admin',
          'PUT',
          '/api/v1/settings/sla/calendar',
          { year: 2027, holidays: ['2027-02-30'], workdays: [] },
        ],
        [
          'calendar of year 0',
          'admin',
          'PUT',
          '/api/v1/settings/sla/calendar',
          { year: 0, holidays: [], workdays: [] },
        ],
        [
          'caller-ID rule note with NUL',
          'admin',
          'PUT',
          '/api/v1/cti/caller-id-rules',
          { rules: [{ pattern: '021*', callerId: '02112345678', note: NUL }] },
        ],
        [
          'CTI event at 0000-01-01',
          'pbx',
          'POST',
          '/api/v1/cti/events',
          {
            v: 1,
            type: 'call.ringing',
            eventId: 'e-0',
            callId: 'c-0',
            ts: '0000-01-01T00:00:00Z',
            source: 'pbx',
            direction: 'inbound',
            from: '138',
          },
        ],
      ];

      for (const [label, username, method, url, payload] of cases) {
        it(label, async () => {
          const before = await fingerprint.current();
          const res: LightMyRequestResponse = await s.request(username, method, url, payload);
          expect(res.statusCode, res.body).toBe(400);
          expect(res.json<{ error: string; details?: unknown }>().error).toMatch(/^invalid_/);
          expect(await fingerprint.current()).toBe(before);
        });
      }

      it('Zammad parameters with NUL, as JSON, form and multipart', async () => {
        await s.request('admin', 'PUT', '/api/v1/cti/settings', { enabled: true });
        const before = await fingerprint.current();
        const form = new URLSearchParams({ event: 'newCall', direction: 'in', callId: 'z1', from: NUL }).toString();
        const boundary = 'fuzzboundary';
        const multipart = [
          ...Object.entries({ event: 'newCall', direction: 'in', callId: 'z2', from: '138\u0000' }).map(
            ([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
          ),
          `--${boundary}--\r\n`,
        ].join('');
        for (const res of [
          await s.zammad({ event: 'newCall', direction: 'in', callId: 'z0', from: NUL }),
          await s.zammad(form, 'application/x-www-form-urlencoded'),
          await s.zammad(multipart, `multipart/form-data; boundary=${boundary}`),
        ]) {
          expect(res.statusCode, res.body).toBe(400);
        }
        expect(await fingerprint.current()).toBe(before);
      });
    });
  });
}
