/**
 * The sync protocol of DESIGN.md §5, complete: idempotent replay, the per-field conflict rules (description
 * conflict note, tag ops, delete tombstones), retention + forced resync, schema versions in the handshake, and
 * through real desk hosts: offline call logging, rollback of an edit beaten by a delete, fresh installs,
 * client clock skew, two windows on one profile and a schema-1 cache upgrading with a pending outbox.
 * Runs on PGlite always and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatchDeskCall, type MethodInput, type MethodName, type MethodOutput } from '../../common/contract';
import { Ticket, V1_TICKET_EVENT_KINDS } from '../../common/domain';
import {
  SYNC_SCHEMA_VERSION,
  TICKET_ROW_FIELDS,
  ticketFromWire,
  type Change,
  type PullResponse,
  type PushResponse,
} from '../../common/sync';
import { isPlainSqliteFile } from '../../main/cache/cipher';
import { CACHE_FILE } from '../../main/cache/db';
import { migrate as migrateCache, schemaVersion } from '../../main/cache/migrate';
import { migration001 } from '../../main/cache/migrations/001_init';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { compactTombstones } from '../../server/sync/compact';
import { BACKENDS } from './support/backends';
import { openProfileCache } from '../support/cache-file';
import { PASSWORD, seedFixtures, type Fixtures } from './support/fixtures';

const DAY = 86_400_000;
/** The server's clock: never the (possibly faked) Date of this process unless a test pins it. */
const realNow = () => new Date(performance.timeOrigin + performance.now());

type Mut = { name: string; args: Record<string, unknown> };
const create = (id: string, extra: Record<string, unknown> = {}): Mut => ({
  name: 'ticket.create',
  args: { id, eventId: randomUUID(), type: 'repair', category: 'plumbing', channel: 'phone', title: 'Leak', ...extra },
});
const comment = (id: string, body = 'note'): Mut => ({
  name: 'ticket.comment',
  args: { id, eventId: randomUUID(), body },
});
const edit = (id: string, fields: Record<string, unknown>): Mut => ({
  name: 'ticket.edit',
  args: { id, eventId: randomUUID(), ...fields },
});
const tag = (id: string, add: string[], remove: string[] = []): Mut => ({
  name: 'ticket.tag',
  args: { id, eventId: randomUUID(), add, remove },
});
const del = (id: string, reason: string): Mut => ({
  name: 'ticket.delete',
  args: { id, eventId: randomUUID(), reason },
});
const callLog = (id: string, extra: Record<string, unknown> = {}): Mut => ({
  name: 'call.log',
  args: { id, direction: 'inbound', from: '138 0013 8000', startedAt: '2026-11-26T02:00:00.000Z', ...extra },
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`sync protocol (${backend.name})`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let fx: Fixtures;
    let server: FastifyInstance | null = null;
    let port = 0;
    let baseUrl = '';
    let serverNow: () => Date = realNow;
    const tokens = new Map<string, string>();
    const dirs: string[] = [];
    const desks = new Set<DeskHost>();

    async function startServer({ loseNextPushReply = false } = {}): Promise<void> {
      server = buildServer({ db, now: () => serverNow(), loginRateLimit: { max: 10_000, timeWindow: '1 minute' } });
      let lose = loseNextPushReply;
      server.addHook('onSend', async (request, reply, payload) => {
        if (lose && request.url === '/api/v1/sync/push') {
          lose = false; // committed; the reply never arrives
          reply.raw.socket?.destroy();
        }
        return payload;
      });
      await server.listen({ host: '127.0.0.1', port });
      port = (server.server.address() as AddressInfo).port;
      baseUrl = `http://127.0.0.1:${port}`;
    }
    /** An outage, not a graceful drain: cut every open connection (a kept-alive one could hold close() up). */
    async function stopServer(): Promise<void> {
      const stopping = server;
      server = null;
      if (!stopping) return;
      const closed = stopping.close();
      stopping.server.closeAllConnections();
      await closed;
    }

    async function http<T>(path: string, username: string | null, body?: unknown, method = 'POST') {
      const res = await fetch(baseUrl + path, {
        method,
        headers: {
          ...(username ? { authorization: `Bearer ${await token(username)}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    }
    async function token(username: string): Promise<string> {
      const known = tokens.get(username);
      if (known) return known;
      const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      const { token: t } = (await res.json()) as { token: string };
      tokens.set(username, t);
      return t;
    }

    /** A raw sync client: its own client id and mutation counter. */
    function client(username: string, schemaVersion = SYNC_SCHEMA_VERSION) {
      const clientId = randomUUID();
      let next = 1;
      return {
        clientId,
        numbered: (muts: Mut[]) => muts.map((m) => ({ id: next++, ...m })),
        send: (mutations: Array<Mut & { id: number }>) =>
          http<PushResponse>('/api/v1/sync/push', username, { clientId, schemaVersion, mutations }),
        async push(...muts: Mut[]): Promise<PushResponse> {
          const res = await this.send(this.numbered(muts));
          expect(res.status).toBe(200);
          return res.body;
        },
        pull: (cursor: string | null, version = schemaVersion) =>
          http<PullResponse>('/api/v1/sync/pull', username, { clientId, schemaVersion: version, cursor }),
        /** Every change from `cursor` on, following `more`. */
        async pullAll(cursor: string | null = null): Promise<{ changes: Change[]; cursor: string }> {
          const changes: Change[] = [];
          for (;;) {
            const res = await this.pull(cursor);
            expect(res.status).toBe(200);
            expect(res.body.reset).toBeFalsy();
            changes.push(...res.body.changes);
            cursor = res.body.cursor;
            if (!res.body.more) return { changes, cursor };
          }
        },
      };
    }

    const count = async (sql: string, params: unknown[] = []) =>
      Number((await db.query<{ n: unknown }>(sql, params)).rows[0]?.n);
    const serverTicket = async (id: string) =>
      (await db.query<Record<string, unknown>>('SELECT * FROM tickets WHERE id = $1', [id])).rows[0];
    const eventsOf = async (id: string) =>
      (
        await db.query<{ kind: string; body: string }>(
          'SELECT kind, body FROM ticket_events WHERE ticket_id = $1 ORDER BY created_at, kind',
          [id],
        )
      ).rows;

    // ---- desk hosts -------------------------------------------------------------------------------------
    function profile(): string {
      const dir = mkdtempSync(join(tmpdir(), 'desk-sync-'));
      dirs.push(dir);
      return dir;
    }
    interface Console {
      desk: DeskHost;
      call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
      close(): Promise<void>;
    }
    async function openConsole(dir: string, login?: string): Promise<Console> {
      const desk = await createDesk({
        profileDir: dir,
        serverUrl: baseUrl,
        sync: { intervalMs: 600_000 },
        requestTimeoutMs: 5_000,
        live: false,
      });
      desks.add(desk);
      const c: Console = {
        desk,
        async call(method, input) {
          const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
          if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
          return res.value as MethodOutput<typeof method>;
        },
        async close() {
          desks.delete(desk);
          await desk.close();
        },
      };
      if (login) {
        await c.call('session.login', { username: login, password: PASSWORD });
        await c.call('sync.now');
      }
      return c;
    }

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      fx = await seedFixtures(db);
      await startServer();
    });
    afterAll(async () => {
      for (const desk of desks) await desk.close();
      await stopServer();
      await dispose?.();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    // ---- protocol, at the wire ---------------------------------------------------------------------------

    it('replays the same push batch 5 times with one effect', async () => {
      const c = client('agent01');
      const id = randomUUID();
      const callId = randomUUID();
      const batch = c.numbered([
        create(id, { description: 'A' }),
        comment(id),
        tag(id, ['leak']),
        edit(id, { title: 'Leak in kitchen', description: 'B', baseDescription: 'A' }),
        callLog(callId, { ticketId: id }),
      ]);
      const tables = ['tickets', 'ticket_events', 'calls', 'change_log', 'sync_mutations'];
      const snapshot = async () => Promise.all(tables.map((t) => count(`SELECT count(*) AS n FROM ${t}`)));
      const before = await snapshot();
      let afterFirst: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await c.send(batch);
        expect(res.status).toBe(200);
        expect(res.body.lastMutationId).toBe(5);
        expect(res.body.results.map((r) => r.outcome)).toEqual(Array(5).fill(i === 0 ? 'applied' : 'duplicate'));
        if (i === 0) afterFirst = await snapshot();
        else expect(await snapshot()).toEqual(afterFirst);
      }
      // one ticket, four events (created, comment, tags, edit), one call, five processed mutations
      expect(afterFirst.map((n, i) => n - (before[i] ?? 0)).filter((_, i) => i !== 3)).toEqual([1, 4, 1, 5]);
      expect(await serverTicket(id)).toMatchObject({ title: 'Leak in kitchen', description: 'B', tags: ['leak'] });
      expect(await count('SELECT count(*) AS n FROM calls WHERE call_id = $1 AND ticket_id = $2', [callId, id])).toBe(
        1,
      );
    });

    it('description: keeps the server text and saves the losing one as a conflict note', async () => {
      const x = client('agent01');
      const y = client('agent02');
      const id = randomUUID();
      await x.push(create(id, { description: 'Tap drips' }));
      // Both edit from "Tap drips"; y reaches the server first.
      expect(
        (await y.push(edit(id, { description: 'Tap drips, kitchen', baseDescription: 'Tap drips' }))).results[0],
      ).toMatchObject({ outcome: 'applied' });
      const lost = await x.push(
        edit(id, { title: 'Kitchen tap', description: 'Tap drips badly', baseDescription: 'Tap drips' }),
      );
      expect(lost.results[0]?.outcome).toBe('applied'); // not a rejection: the title still applies
      expect(await serverTicket(id)).toMatchObject({ description: 'Tap drips, kitchen', title: 'Kitchen tap' });
      expect(await eventsOf(id)).toContainEqual({ kind: 'conflict', body: 'Tap drips badly' });
      // Editing from the current text is no conflict.
      await x.push(edit(id, { description: 'Final', baseDescription: 'Tap drips, kitchen' }));
      expect((await serverTicket(id))?.description).toBe('Final');
      expect((await eventsOf(id)).filter((e) => e.kind === 'conflict')).toHaveLength(1);
    });

    it('tags: concurrent adds merge, a repeated add is a quiet no-op, removes apply', async () => {
      const x = client('agent01');
      const y = client('agent02');
      const id = randomUUID();
      await x.push(create(id));
      const [rx, ry] = await Promise.all([x.push(tag(id, ['leak'])), y.push(tag(id, ['urgent', 'elderly']))]);
      expect([rx.results[0]?.outcome, ry.results[0]?.outcome]).toEqual(['applied', 'applied']);
      expect((await serverTicket(id))?.tags).toEqual(['elderly', 'leak', 'urgent']);
      const version = Number((await serverTicket(id))?.version);
      expect((await y.push(tag(id, ['leak']))).results[0]?.outcome).toBe('applied');
      expect(Number((await serverTicket(id))?.version)).toBe(version); // nothing written
      await x.push(tag(id, [], ['urgent']));
      expect((await serverTicket(id))?.tags).toEqual(['elderly', 'leak']);
    });

    it('delete: lead only; the tombstone beats every later mutation, with the reason', async () => {
      const agent = client('agent01');
      const lead = client('lead01');
      const id = randomUUID();
      await agent.push(create(id), comment(id));
      expect((await agent.push(del(id, 'spam'))).results[0]).toMatchObject({
        outcome: 'rejected',
        error: { code: 'forbidden' },
      });
      // A concurrent edit and delete: whichever the server orders first, the ticket ends deleted.
      const [e1, d1] = await Promise.all([
        agent.push(edit(id, { title: 'Edited' })),
        lead.push(del(id, 'Duplicate of BX-1')),
      ]);
      expect(d1.results[0]?.outcome).toBe('applied');
      expect(['applied', 'rejected']).toContain(e1.results[0]?.outcome);
      for (const m of [edit(id, { title: 'Again' }), comment(id), tag(id, ['x']), create(id), del(id, 'again')]) {
        const r = (await (m.name === 'ticket.delete' ? lead : agent).push(m)).results[0];
        expect(r).toMatchObject({ outcome: 'rejected', error: { code: 'deleted' } });
        expect(r?.error?.message).toContain('Duplicate of BX-1');
      }
      expect(await serverTicket(id)).toMatchObject({ deleted_by: fx.lead.id, delete_reason: 'Duplicate of BX-1' });
      expect((await http(`/api/v1/tickets/${id}`, 'agent01', undefined, 'GET')).status).toBe(404);
      // A fresh install pulling from the start never sees it (nor its events).
      const { changes } = await client('agent02').pullAll();
      expect(changes.filter((c) => c.op === 'put' && c.id === id)).toEqual([]);
      expect(
        changes.filter(
          (c) => c.entity === 'ticket_event' && (c.data as { ticketId?: string } | undefined)?.ticketId === id,
        ),
      ).toEqual([]);
    });

    it('schema versions 1 to 4 accepted, others refused; a v1 pull omits what v1 cannot parse; before 3 tickets are objects', async () => {
      for (const version of [0, SYNC_SCHEMA_VERSION + 1, 99]) {
        const res = await http<{ error: string }>('/api/v1/sync/pull', 'agent01', {
          clientId: randomUUID(),
          schemaVersion: version,
          cursor: null,
        });
        expect(res.status).toBe(400);
        if (version > 0) expect(res.body.error).toBe('unsupported_schema_version');
      }
      const v1 = client('agent01', 1);
      const id = randomUUID();
      const res = await v1.push(create(id), comment(id), tag(id, ['x']));
      expect(res.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'rejected']);
      expect(res.results[2]?.error?.code).toBe('unsupported_mutation');

      const v1Changes = (await v1.pullAll()).changes;
      const v2Changes = (await client('agent01', 2).pullAll()).changes;
      // Schema 5, the last whose first pull replays the change log in its order (6 starts with a snapshot).
      const v3Changes = (await client('agent01', 5).pullAll()).changes;
      // Schema 3 sends ticket rows, the older schemas objects: the same tickets once spread over the field names.
      const tickets = (changes: Change[]) => changes.filter((c) => c.entity === 'ticket' && c.op === 'put');
      expect(tickets(v3Changes).length).toBeGreaterThan(0);
      for (const c of tickets(v3Changes)) expect(c.data).toHaveLength(TICKET_ROW_FIELDS.length);
      for (const c of [...tickets(v2Changes), ...tickets(v1Changes)]) expect(Ticket.parse(c.data)).toEqual(c.data);
      expect(tickets(v2Changes)).toEqual(tickets(v3Changes).map((c) => ({ ...c, data: ticketFromWire(c.data) })));
      // Earlier tests logged calls and conflict notes: v2 sees them, v1 does not.
      expect(v2Changes.some((c) => c.entity === 'call')).toBe(true);
      expect(v2Changes.some((c) => (c.data as { kind?: string } | undefined)?.kind === 'conflict')).toBe(true);
      expect(v1Changes.some((c) => c.id === id)).toBe(true);
      for (const c of v1Changes) {
        expect(['ticket', 'ticket_event', 'user', 'team']).toContain(c.entity);
        if (c.entity === 'ticket_event' && c.op === 'put') {
          expect(V1_TICKET_EVENT_KINDS).toContain((c.data as { kind: string }).kind);
        }
      }
    });

    it('retention: compaction purges old tombstones and a cursor older than the horizon must resync', async () => {
      const agent = client('agent01');
      const lead = client('lead01');
      const id = randomUUID();
      await agent.push(create(id), comment(id));
      const { cursor: stale } = await agent.pullAll();
      await lead.push(del(id, 'Entered twice'));
      const { cursor: current } = await agent.pullAll(stale);

      const at = realNow();
      expect(
        (await compactTombstones(db, { retentionDays: 30, now: new Date(at.getTime() + 29 * DAY) })).purgedTickets,
      ).toBe(0);
      expect((await agent.pull(stale)).body.reset).toBeFalsy();
      const r = await compactTombstones(db, { retentionDays: 30, now: new Date(at.getTime() + 31 * DAY) });
      expect(r.purgedTickets).toBeGreaterThanOrEqual(1);
      expect(r.horizon).not.toBeNull();
      expect(await serverTicket(id)).toBeUndefined();
      expect(await count(`SELECT count(*) AS n FROM change_log WHERE entity_id = $1`, [id])).toBe(0);

      const reset = await agent.pull(stale);
      expect(reset.body).toMatchObject({ reset: true, changes: [], more: true });
      expect((await agent.pull(current)).body.reset).toBeFalsy(); // it had seen the deletion
      expect((await agent.pull(null)).body.reset).toBeFalsy();
      // Still no resurrection: the old client id's edit is refused (the row is gone).
      expect((await agent.push(edit(id, { title: 'x' }))).results[0]?.outcome).toBe('rejected');
      expect(await serverTicket(id)).toBeUndefined();
    });

    // ---- through desk hosts ------------------------------------------------------------------------------

    it('call.log offline: logged while the server is down, arrives exactly once (even after a lost reply)', async () => {
      const a = await openConsole(profile(), 'agent01');
      await stopServer();
      const logged = [];
      for (let i = 0; i < 3; i++) {
        logged.push(
          await a.call('calls.log', {
            direction: 'inbound',
            from: '138 0013 8000',
            startedAt: new Date().toISOString(),
            notes: `call ${i}`,
            residentId: 'r1',
          }),
        );
      }
      expect((await a.call('sync.now')).state).toBe('offline');
      expect((await a.call('calls.recent', { limit: 10 })).map((c) => c.id)).toEqual(
        expect.arrayContaining(logged.map((c) => c.id)),
      );
      await startServer({ loseNextPushReply: true });
      await a.call('sync.now'); // the server commits, the reply is lost
      const status = await a.call('sync.now');
      expect(status).toMatchObject({ pending: 0, rejected: [] });
      const ids = logged.map((c) => c.id);
      expect(await count('SELECT count(*) AS n FROM calls WHERE id = ANY($1::uuid[])', [ids])).toBe(3);
      expect(await count('SELECT count(*) AS n FROM calls WHERE call_id = ANY($1::text[])', [ids])).toBe(3);
      expect(
        await count('SELECT count(*) AS n FROM calls WHERE agent_id = $1 AND id = ANY($2::uuid[])', [fx.agent.id, ids]),
      ).toBe(3);
      const recent = await a.call('calls.recent', { limit: 10 });
      expect(recent.filter((c) => ids.includes(c.id))).toHaveLength(3);
      await a.close();
    });

    it('an edit beaten by a delete is rejected with the reason and rolled back; a fresh install never sees it', async () => {
      const a = await openConsole(profile(), 'agent01');
      const t = await a.call('tickets.create', { type: 'repair', category: 'lift', channel: 'phone', title: 'Lift' });
      await a.call('sync.now');
      const lead = client('lead01');
      await lead.push(del(t.id, 'Reported twice'));
      // a has not pulled yet: its edit applies locally, then loses on the server.
      expect((await a.call('tickets.edit', { id: t.id, title: 'Lift stuck' })).title).toBe('Lift stuck');
      const status = await a.call('sync.now');
      expect(status.pending).toBe(0);
      expect(status.rejected[0]).toMatchObject({ name: 'ticket.edit', code: 'deleted' });
      expect(status.rejected[0]?.message).toContain('Reported twice');
      expect(await a.call('tickets.get', { id: t.id })).toBeNull();
      expect((await a.call('tickets.list', { view: 'all', limit: 500 })).items.some((x) => x.id === t.id)).toBe(false);

      const fresh = await openConsole(profile(), 'agent02');
      expect(await fresh.call('tickets.get', { id: t.id })).toBeNull();
      await a.close();
      await fresh.close();
    });

    it('a reinstall gets a new client id; its mutation ids start at 1 without clashing', async () => {
      const first = await openConsole(profile(), 'agent01');
      const t = await first.call('tickets.create', { type: 'repair', category: 'lift', channel: 'phone', title: 'R' });
      await first.call('tickets.comment', { id: t.id, body: 'one' });
      await first.call('sync.now');
      const second = await openConsole(profile(), 'agent01');
      await second.call('tickets.comment', { id: t.id, body: 'two' });
      await second.call('sync.now');
      await first.call('tickets.comment', { id: t.id, body: 'three' });
      await first.call('sync.now');
      const { rows } = await db.query<{ client_id: string; last_mutation_id: unknown }>(
        `SELECT client_id, last_mutation_id FROM sync_clients WHERE client_id IN
           (SELECT client_id FROM sync_mutations WHERE name = 'ticket.comment') AND user_id = $1
           ORDER BY created_at DESC LIMIT 2`,
        [fx.agent.id],
      );
      expect(new Set(rows.map((r) => r.client_id)).size).toBe(2);
      expect(rows.map((r) => Number(r.last_mutation_id)).sort()).toEqual([1, 3]);
      expect(
        (await eventsOf(t.id))
          .filter((e) => e.kind === 'comment')
          .map((e) => e.body)
          .sort(),
      ).toEqual(['one', 'three', 'two']);
      await first.close();
      await second.close();
    });

    it('two windows on one profile share one outbox: 2 × 100 comments arrive exactly once', async () => {
      const dir = profile();
      const w1 = await openConsole(dir, 'agent01');
      const w2 = await openConsole(dir); // same profile: the stored session resumes
      const t = await w1.call('tickets.create', { type: 'repair', category: 'lift', channel: 'phone', title: 'W' });
      const warn = vi.spyOn(console, 'warn');
      try {
        const burst = async (w: Console, tagName: string) => {
          for (let i = 0; i < 100; i++) {
            await w.call('tickets.comment', { id: t.id, body: `${tagName}-${i}` });
            if (i % 10 === 0) await new Promise((r) => setTimeout(r, 5)); // let pushes interleave
          }
        };
        await Promise.all([burst(w1, 'w1'), burst(w2, 'w2')]);
        await Promise.all([w1.call('sync.now'), w2.call('sync.now')]);
        await w1.call('sync.now');
        const s2 = await w2.call('sync.now');
        expect(s2).toMatchObject({ pending: 0, rejected: [] });
        const comments = (await eventsOf(t.id)).filter((e) => e.kind === 'comment');
        expect(comments).toHaveLength(200);
        expect(new Set(comments.map((c) => c.body)).size).toBe(200);
        expect(warn.mock.calls.flat().join(' ')).not.toMatch(/mutation_gap|cycle failed|push refused/);
        const cached = await w2.call('tickets.get', { id: t.id });
        expect(cached?.events.filter((e) => e.kind === 'comment')).toHaveLength(200);
      } finally {
        warn.mockRestore();
        await w1.close();
        await w2.close();
      }
    });

    it('a schema-1 cache with a pending outbox migrates and drains', async () => {
      const dir = profile();
      // Written as that version wrote it: no key, a plain SQLite file (the desk encrypts it on open).
      const old = new Database(join(dir, CACHE_FILE));
      migrateCache(old, [migration001]);
      const id = randomUUID();
      const user = {
        id: fx.agent.id,
        username: 'agent01',
        name: 'agent01',
        role: 'agent',
        extension: '8001',
        teamId: 'cs',
      };
      const meta = old.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      meta.run('client_id', randomUUID());
      meta.run('server_url', baseUrl);
      meta.run('session_token', await token('agent01'));
      meta.run('session_user', JSON.stringify(user));
      meta.run('client_user', fx.agent.id);
      const outbox = old.prepare('INSERT INTO outbox (name, args, created_at) VALUES (?, ?, ?)');
      for (const m of [create(id, { title: 'Queued before the upgrade' }), comment(id, 'also queued')]) {
        outbox.run(m.name, JSON.stringify(m.args), new Date().toISOString());
      }
      expect(schemaVersion(old)).toBe(1);
      old.close();
      expect(isPlainSqliteFile(join(dir, CACHE_FILE))).toBe(true);

      const c = await openConsole(dir); // migrates, resumes the stored session, pushes
      const status = await c.call('sync.now');
      expect(status).toMatchObject({ pending: 0, rejected: [] });
      expect(await serverTicket(id)).toMatchObject({ title: 'Queued before the upgrade' });
      expect((await eventsOf(id)).map((e) => e.kind).sort()).toEqual(['comment', 'created']);
      expect((await c.call('tickets.get', { id }))?.ticket).toMatchObject({
        tags: [],
        code: expect.any(String) as string,
      });
      await c.close();
      expect(isPlainSqliteFile(join(dir, CACHE_FILE))).toBe(false);
      const reopened = openProfileCache(dir);
      expect(schemaVersion(reopened)).toBeGreaterThanOrEqual(3);
      reopened.close();
    });

    it('forced resync: beyond the horizon the cache is rebuilt to equal the server; the pending outbox survives', async () => {
      const dir = profile();
      let a = await openConsole(dir, 'agent01');
      const keep = await a.call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: 'Keep',
      });
      const gone = await a.call('tickets.create', {
        type: 'repair',
        category: 'lift',
        channel: 'phone',
        title: 'Gone',
      });
      await a.call('sync.now');
      // The console is off while the ticket is deleted and its tombstone compacted away (left running, a cycle
      // still due — the push debounce of the creates — could pull the deletion first).
      await a.close();
      await client('lead01').push(del(gone.id, 'Test ticket'));
      await compactTombstones(db, { retentionDays: 30, now: new Date(realNow().getTime() + 31 * DAY) });
      await stopServer();
      a = await openConsole(dir); // the stored session resumes; the server is down
      await a.call('tickets.comment', { id: keep.id, body: 'written offline' });
      expect(await a.call('tickets.get', { id: gone.id })).not.toBeNull(); // it missed the deletion
      await startServer();
      await a.call('sync.now'); // may meet a connection the old server closed: offline once
      const status = await a.call('sync.now');
      expect(status).toMatchObject({ state: 'online', pending: 0, rejected: [] });
      expect(await a.call('tickets.get', { id: gone.id })).toBeNull();
      expect((await eventsOf(keep.id)).filter((e) => e.body === 'written offline')).toHaveLength(1);
      const cached = (await a.call('tickets.list', { view: 'all', limit: 500 })).items
        .map((t) => `${t.id}:${t.version}`)
        .sort();
      const { rows } = await db.query<{ id: string; version: unknown }>(
        'SELECT id::text AS id, version FROM tickets WHERE deleted_at IS NULL',
      );
      expect(cached).toEqual(rows.map((r) => `${r.id}:${Number(r.version)}`).sort());
      await a.close();
    });

    it('a client clock skewed ±3 days changes nothing on the server', async () => {
      /** One scenario at pinned server times; returns what the server recorded, ids and codes left out. */
      async function scenario(skewMs: number) {
        const base = Date.UTC(2026, 10, 26, 2, 0, 0);
        const at = (minute: number) => () => new Date(base + minute * 60_000);
        const realStart = realNow().getTime();
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(realStart + skewMs);
        try {
          serverNow = at(0);
          const a = await openConsole(profile(), 'agent01');
          serverNow = at(1);
          const t = await a.call('tickets.create', {
            type: 'repair',
            category: 'plumbing',
            channel: 'phone',
            title: 'Skew',
            description: 'A',
          });
          await a.call('sync.now');
          serverNow = at(2);
          await client('agent02').push(edit(t.id, { description: 'B', baseDescription: 'A' }));
          serverNow = at(3);
          await a.call('tickets.edit', { id: t.id, description: 'C' }); // from 'A': loses
          await a.call('tickets.comment', { id: t.id, body: 'called back' });
          await a.call('tickets.setStatus', { id: t.id, status: 'accepted' });
          await a.call('calls.log', {
            direction: 'outbound',
            from: '8001',
            startedAt: new Date().toISOString(),
            ticketId: t.id,
          });
          const status = await a.call('sync.now');
          await a.close();
          const ticket = await serverTicket(t.id);
          const { rows: events } = await db.query<{ kind: string; body: string; created_at: Date }>(
            'SELECT kind, body, created_at FROM ticket_events WHERE ticket_id = $1 ORDER BY created_at, kind, body',
            [t.id],
          );
          const { rows: calls } = await db.query<{ logged_at: Date; started_at: Date }>(
            'SELECT logged_at, started_at FROM calls WHERE ticket_id = $1',
            [t.id],
          );
          return {
            outcome: { pending: status.pending, rejected: status.rejected.length },
            ticket: {
              status: ticket?.status,
              description: ticket?.description,
              version: ticket?.version,
              created: (ticket?.created_at as Date).toISOString(),
              updated: (ticket?.updated_at as Date).toISOString(),
            },
            events: events.map((e) => `${e.created_at.toISOString()} ${e.kind} ${e.body}`),
            calls: calls.map((c) => c.logged_at.toISOString()),
            startedSkew: calls.map((c) => c.started_at.getTime() - realStart),
          };
        } finally {
          vi.useRealTimers();
          serverNow = realNow;
        }
      }
      const straight = await scenario(0);
      expect(straight.ticket).toMatchObject({
        description: 'B',
        status: 'accepted',
        created: '2026-11-26T02:01:00.000Z',
      });
      expect(straight.events).toContain('2026-11-26T02:03:00.000Z conflict C');
      for (const skew of [3 * DAY, -3 * DAY]) {
        const skewed = await scenario(skew);
        const { startedSkew, ...rest } = skewed;
        const { startedSkew: _s, ...expected } = straight;
        expect(rest).toEqual(expected);
        // The call's own start time is the agent's clock, informational only: it is the one thing that moves.
        expect(Math.abs((startedSkew[0] ?? 0) - skew)).toBeLessThan(60_000);
      }
    });
  });
}
