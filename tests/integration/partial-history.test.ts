/**
 * Partial history (issue 13, sync schema 6): a console's first pull is a snapshot with every ticket but only the
 * events of the tickets agents work on (open, or changed within HOT_TICKET_DAYS); a closed older ticket arrives
 * marked "history not downloaded", its events are fetched when it is opened (GET /api/v1/tickets/:id/events) and
 * then work offline; events written later reach the console through the log as before, and the mark stays until
 * the fetch. Older consoles (schema 5) still get the whole change log. On PGlite and PostgreSQL.
 */
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../common/domain';
import { SYNC_SCHEMA_VERSION, type Change, type PullResponse } from '../../common/sync';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { PASSWORD, seedFixtures } from './support/fixtures';
import { openProfileCache } from '../support/cache-file';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`partial history (${backend.name})`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let server: FastifyInstance | null = null;
    let port = 0;
    let baseUrl = '';
    const dirs: string[] = [];
    const desks: DeskHost[] = [];
    /** Tickets: `hot` open, `cold` closed 60 days ago, `coldLater` closed long ago too (gets a comment later). */
    const ids = {
      hot: randomUUID(),
      cold: randomUUID(),
      coldLater: randomUUID(),
      coldOffline: randomUUID(),
      coldGone: randomUUID(),
    };

    async function startServer(): Promise<void> {
      server = buildServer({ db, loginRateLimit: { max: 10_000, timeWindow: '1 minute' } });
      await server.listen({ host: '127.0.0.1', port });
      port = (server.server.address() as AddressInfo).port;
      baseUrl = `http://127.0.0.1:${port}`;
    }
    async function stopServer(): Promise<void> {
      const stopping = server;
      server = null;
      if (!stopping) return;
      const closed = stopping.close();
      stopping.server.closeAllConnections();
      await closed;
    }
    async function token(username: string): Promise<string> {
      const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      return ((await res.json()) as { token: string }).token;
    }
    async function api(path: string, username: string, body?: unknown) {
      const res = await fetch(baseUrl + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${await token(username)}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    }
    let nextMutation = 1;
    const pusher = randomUUID();
    async function push(name: string, args: Record<string, unknown>): Promise<void> {
      const res = await api('/api/v1/sync/push', 'lead01', {
        clientId: pusher,
        schemaVersion: SYNC_SCHEMA_VERSION,
        mutations: [{ id: nextMutation++, name, args: { eventId: randomUUID(), ...args } }],
      });
      expect(res.status).toBe(200);
      expect((res.body as { results: Array<{ outcome: string }> }).results[0]?.outcome).toBe('applied');
    }
    const createTicket = (id: string) =>
      push('ticket.create', { id, type: 'repair', category: 'plumbing', channel: 'phone', title: `漏水 ${id}` });
    /** Closed 60 days ago: outside HOT_TICKET_DAYS (the wire column follows through its trigger). */
    const closeLongAgo = (id: string) =>
      db.query(
        `UPDATE tickets SET status = 'closed', closed_at = now() - interval '60 days',
                            updated_at = now() - interval '60 days' WHERE id = $1`,
        [id],
      );

    /** A desk on a fresh profile, not signed in; `extra` adds to (or replaces) its options. */
    async function newDesk(extra: { pullLimit?: number; fetch?: typeof fetch } = {}): Promise<DeskHost> {
      const profileDir = mkdtempSync(join(tmpdir(), 'desk-partial-history-'));
      dirs.push(profileDir);
      const desk = await createDesk({
        profileDir,
        serverUrl: baseUrl,
        live: false,
        sync: { intervalMs: 60_000, ...(extra.pullLimit && { pullLimit: extra.pullLimit }) },
        requestTimeoutMs: 5_000,
        ...(extra.fetch && { fetch: extra.fetch }),
      });
      desks.push(desk);
      return desk;
    }

    async function openDesk(): Promise<DeskHost> {
      const desk = await newDesk();
      await desk.handlers['session.login']({ username: 'agent01', password: PASSWORD });
      const status = await desk.handlers['sync.now']({});
      expect(status.state).toBe('online');
      return desk;
    }
    const detail = async (desk: DeskHost, id: string) => {
      const d = await desk.handlers['tickets.get']({ id });
      if (!d) throw new Error(`ticket ${id} not in the cache`);
      return d;
    };
    /** Opens the ticket until its history is in (the fetch runs in the background after the first open). */
    async function openUntilLoaded(desk: DeskHost, id: string) {
      for (let i = 0; i < 200; i++) {
        const d = await detail(desk, id);
        if (!d.historyMissing) return d;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`the history of ${id} was never fetched`);
    }
    const heldBackPause = () => new Promise((resolve) => setTimeout(resolve, 100));
    const kinds = (events: readonly TicketEvent[]) => events.map((e) => e.kind);

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      await seedFixtures(db);
      await startServer();
      for (const id of Object.values(ids)) {
        await createTicket(id);
        await push('ticket.comment', { id, body: '已联系住户' });
      }
      for (const id of [ids.cold, ids.coldLater, ids.coldOffline, ids.coldGone]) await closeLongAgo(id);
      await horizonPastSetup();
    }, 60_000);

    /**
     * A transaction elsewhere on a shared PostgreSQL cluster (another test file) can hold the snapshot horizon
     * below this setup's writes: a snapshot begun then starts before them and sends them again from the log after
     * it, events of closed tickets included — right, but not what the first case checks. Wait until it has passed.
     */
    async function horizonPastSetup(): Promise<void> {
      for (let i = 0; i < 300; i++) {
        const { rows } = await db.query<{ past: boolean }>(
          `SELECT pg_snapshot_xmin(pg_current_snapshot()) > (SELECT max(xid) FROM change_log) AS past`,
        );
        if (rows[0]?.past) return;
        await heldBackPause();
      }
      throw new Error('the snapshot horizon never passed the setup: a transaction on the cluster stays open');
    }

    afterAll(async () => {
      for (const desk of desks) await desk.close();
      await stopServer();
      await dispose?.();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('the first pull is a snapshot: every ticket, the events of hot tickets only, then the log from where it began', async () => {
      const clientId = randomUUID();
      const changes: Change[] = [];
      const omitted: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const res = await api('/api/v1/sync/pull', 'agent01', {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor,
          limit: 2,
        });
        expect(res.status).toBe(200);
        const page = res.body as PullResponse;
        changes.push(...page.changes);
        if (page.historyOmitted) {
          const sent = new Set(page.historyOmitted.except);
          for (const c of page.changes) if (c.entity === 'ticket' && !sent.has(c.id)) omitted.push(c.id);
        }
        if (pages++ === 1) await push('ticket.comment', { id: ids.hot, body: '快照期间的新记录' }); // mid-snapshot
        cursor = page.cursor;
        if (page.heldBack) await heldBackPause();
        else if (!page.more) break;
        expect(pages).toBeLessThan(1000);
      }
      const ticketIds = changes.filter((c) => c.entity === 'ticket').map((c) => c.id);
      expect(new Set(ticketIds)).toEqual(new Set(Object.values(ids)));
      expect(omitted.sort()).toEqual([ids.cold, ids.coldLater, ids.coldOffline, ids.coldGone].sort());
      const eventTickets = new Set(
        changes.filter((c) => c.entity === 'ticket_event').map((c) => (c.data as TicketEvent).ticketId),
      );
      expect(eventTickets).toEqual(new Set([ids.hot]));
      // The comment written mid-snapshot arrives (from the log after the snapshot, or in it): nothing is skipped.
      const bodies = changes.filter((c) => c.entity === 'ticket_event').map((c) => (c.data as TicketEvent).body);
      expect(bodies).toContain('快照期间的新记录');
      expect(changes.some((c) => c.entity === 'user')).toBe(true);
      expect(changes.some((c) => c.entity === 'team')).toBe(true);
    });

    it('a schema-5 console still gets the whole change log, events of closed tickets included', async () => {
      const changes: Change[] = [];
      let cursor: string | null = null;
      for (;;) {
        const res = await api('/api/v1/sync/pull', 'agent01', {
          clientId: randomUUID(),
          schemaVersion: 5,
          cursor,
          limit: 1000,
        });
        const page = res.body as PullResponse;
        expect(page.historyOmitted).toBeUndefined();
        changes.push(...page.changes);
        cursor = page.cursor;
        if (page.heldBack)
          await heldBackPause(); // a transaction elsewhere on the cluster holds the horizon
        else if (!page.more) break;
      }
      const eventTickets = new Set(
        changes.filter((c) => c.entity === 'ticket_event').map((c) => (c.data as TicketEvent).ticketId),
      );
      expect(eventTickets).toEqual(new Set(Object.values(ids)));
    });

    it('a console: hot history at once, a cold ticket fetched on open and then readable offline', async () => {
      const desk = await openDesk();
      const hot = await detail(desk, ids.hot);
      expect(hot.historyMissing).toBeUndefined();
      expect(kinds(hot.events)).toContain('comment');

      const cold = await detail(desk, ids.cold);
      expect(cold.historyMissing).toBe(true);
      expect(cold.events).toEqual([]);
      const loaded = await openUntilLoaded(desk, ids.cold);
      expect(kinds(loaded.events)).toEqual(expect.arrayContaining(['created', 'comment']));

      await stopServer();
      try {
        const offline = await detail(desk, ids.cold);
        expect(offline.historyMissing).toBeUndefined();
        expect(offline.events).toEqual(loaded.events);
        // Never opened while online: still marked, and stays so while the server cannot be reached.
        expect((await detail(desk, ids.coldOffline)).historyMissing).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const still = await detail(desk, ids.coldOffline);
        expect(still.historyMissing).toBe(true);
        expect(still.events).toEqual([]);
      } finally {
        await startServer();
      }
      expect(kinds((await openUntilLoaded(desk, ids.coldOffline)).events)).toContain('comment');
    });

    it('a later event on a partial ticket arrives by the log; the mark stays until the fetch', async () => {
      const desk = await openDesk();
      await push('ticket.comment', { id: ids.coldLater, body: '住户再次来电' });
      // Read from the cache file beside the desk: opening the ticket would fetch its history.
      const cache = openProfileCache(dirs.at(-1)!, { readonly: true });
      try {
        const bodies = cache.prepare<[string], { body: string }>('SELECT body FROM ticket_events WHERE ticket_id = ?');
        const marked = cache.prepare<[string], { one: number }>(
          'SELECT 1 AS one FROM ticket_history_missing WHERE ticket_id = ?',
        );
        // Pulled as soon as the horizon lets it (a transaction elsewhere on a shared cluster can hold it back).
        for (let i = 0; i < 300 && bodies.all(ids.coldLater).length === 0; i++) {
          await desk.handlers['sync.now']({});
          await heldBackPause();
        }
        expect(bodies.all(ids.coldLater).map((r) => r.body)).toEqual(['住户再次来电']);
        expect(marked.get(ids.coldLater)).toBeDefined();
      } finally {
        cache.close();
      }
      const partial = await detail(desk, ids.coldLater);
      expect(partial.historyMissing).toBe(true);
      const whole = await openUntilLoaded(desk, ids.coldLater);
      expect(whole.events.map((e) => e.body)).toEqual(expect.arrayContaining(['已联系住户', '住户再次来电']));
      expect(kinds(whole.events)).toContain('created');
      // Each event once, whichever way it came.
      expect(new Set(whole.events.map((e) => e.id)).size).toBe(whole.events.length);
    });

    it('a history the server refuses: the detail says so (and why) and the open detail is told, once', async () => {
      const desk = await openDesk();
      // Deleted on the server after this console pulled it (no pull since): its history is a 404.
      await push('ticket.delete', { id: ids.coldGone, reason: '重复工单' });
      const changed: string[] = [];
      const unsubscribe = desk.subscribe((event, payload) => {
        if (event === 'tickets.changed') changed.push(...(payload as { ids: string[] }).ids);
      });
      try {
        const first = await detail(desk, ids.coldGone);
        expect(first.historyMissing).toBe(true);
        expect(first.historyRefused).toBeUndefined(); // asked, not answered yet
        for (let i = 0; i < 200 && !changed.includes(ids.coldGone); i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(changed).toEqual([ids.coldGone]);
        const refused = await detail(desk, ids.coldGone);
        expect(refused).toMatchObject({ historyMissing: true, historyRefused: 'not_found', events: [] });
        // Read again (as the announcement makes the console do): not asked again, nothing more announced.
        await detail(desk, ids.coldGone);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(changed).toEqual([ids.coldGone]);
      } finally {
        unsubscribe();
      }
    });

    it('the events route: same access as reading the ticket, bad input 400, unknown or deleted 404', async () => {
      const ok = await api(`/api/v1/tickets/${ids.cold}/events`, 'agent01');
      expect(ok.status).toBe(200);
      expect((ok.body as { ticketId: string; events: TicketEvent[] }).events.length).toBeGreaterThanOrEqual(2);
      expect((await api(`/api/v1/tickets/${ids.cold}/events`, 'kiosk01')).status).toBe(403);
      expect((await api('/api/v1/tickets/not-a-uuid/events', 'agent01')).status).toBe(400);
      expect((await api(`/api/v1/tickets/${randomUUID()}/events`, 'agent01')).status).toBe(404);
      const gone = randomUUID();
      await createTicket(gone);
      await push('ticket.delete', { id: gone, reason: '重复工单' });
      expect((await api(`/api/v1/tickets/${gone}/events`, 'agent01')).status).toBe(404);
      const unauthenticated = await fetch(`${baseUrl}/api/v1/tickets/${ids.cold}/events`);
      expect(unauthenticated.status).toBe(401);
    });

    /** A snapshot pulled page by page (`limit` changes each); `between` runs once after the page that says so. */
    async function pullSnapshot(opts: { limit: number; between?: (page: PullResponse) => Promise<void> | null }) {
      const clientId = randomUUID();
      const pages: PullResponse[] = [];
      let cursor: string | null = null;
      let betweenDone = false;
      for (;;) {
        const res = await api('/api/v1/sync/pull', 'agent01', {
          clientId,
          schemaVersion: SYNC_SCHEMA_VERSION,
          cursor,
          limit: opts.limit,
        });
        expect(res.status).toBe(200);
        const page = res.body as PullResponse;
        pages.push(page);
        if (!betweenDone && opts.between) {
          const ran = opts.between(page);
          if (ran) {
            betweenDone = true;
            await ran;
          }
        }
        cursor = page.cursor;
        if (page.heldBack) await heldBackPause();
        else if (!page.more) break;
        expect(pages.length).toBeLessThan(1000);
      }
      return pages;
    }
    const ticketsOf = (page: PullResponse) => page.changes.filter((c) => c.entity === 'ticket').map((c) => c.id);

    it('the working set comes first: every hot ticket with its events before any cold one, and the page that completes it says so', async () => {
      const pages = await pullSnapshot({ limit: 1 });
      // Still cold after the tests above (coldLater got a comment, coldGone was deleted).
      const coldIds = new Set<string>([ids.cold, ids.coldOffline]);
      const firstIn = pages.findIndex((p) => p.workingSetIn === true);
      expect(firstIn).toBeGreaterThan(0);
      expect(pages.slice(0, firstIn).some((p) => p.workingSetIn)).toBe(false);
      const upToIn = pages.slice(0, firstIn + 1);
      expect(upToIn.flatMap(ticketsOf)).toEqual(expect.arrayContaining([ids.hot, ids.coldLater]));
      expect(upToIn.flatMap(ticketsOf).filter((id) => coldIds.has(id))).toEqual([]);
      expect(
        upToIn
          .flatMap((p) => p.changes)
          .some((c) => c.entity === 'ticket_event' && (c.data as TicketEvent).ticketId === ids.hot),
      ).toBe(true);
      // The cold ones all come after it, without their events.
      expect(
        new Set(
          pages
            .slice(firstIn + 1)
            .flatMap(ticketsOf)
            .filter((id) => coldIds.has(id)),
        ),
      ).toEqual(coldIds);
    });

    it('a ticket cold when the hot phase passed it and worked on before the cold phase: its earlier events are sent, or it is marked', async () => {
      const late = randomUUID();
      await createTicket(late);
      await push('ticket.comment', { id: late, body: '快照之前的记录' });
      await closeLongAgo(late);
      const beforeEvents = (
        (await api(`/api/v1/tickets/${late}/events`, 'agent01')).body as { events: TicketEvent[] }
      ).events.map((e) => e.id);
      expect(beforeEvents.length).toBeGreaterThanOrEqual(2);
      // Worked on again once the working set is in (the hot phase is over, the cold phase has not reached it).
      const pages = await pullSnapshot({
        limit: 1,
        between: (page) => (page.workingSetIn ? push('ticket.comment', { id: late, body: '住户又来电' }) : null),
      });
      const changes = pages.flatMap((p) => p.changes);
      const omitted = pages.flatMap((p) => {
        const sent = new Set(p.historyOmitted?.except ?? []);
        return p.historyOmitted ? ticketsOf(p).filter((id) => !sent.has(id)) : [];
      });
      const sentEvents = new Set(changes.filter((c) => c.entity === 'ticket_event').map((c) => c.id));
      expect(changes.some((c) => c.entity === 'ticket' && c.id === late)).toBe(true);
      // Either every event from before the snapshot came, or the ticket is marked (fetched on open): never neither.
      const complete = beforeEvents.every((id) => sentEvents.has(id));
      expect(complete || omitted.includes(late)).toBe(true);
      expect(complete).toBe(true); // hot by the cold phase: sent with its events
    });

    it('a first sync: once the working set is in, search and tickets not cached yet are answered by the server', async () => {
      // The pulls after the page that says the working set is in wait until released: the desk stays mid-sync.
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let workingSetSeen = false;
      const gatedFetch: typeof fetch = async (input, init) => {
        const isPull = String(input).endsWith('/api/v1/sync/pull');
        if (isPull && workingSetSeen) await held;
        const res = await fetch(input, init);
        if (isPull && ((await res.clone().json()) as PullResponse).workingSetIn) workingSetSeen = true;
        return res;
      };
      const desk = await newDesk({ pullLimit: 2, fetch: gatedFetch });
      let workingSet = false;
      const announced: string[] = [];
      desk.subscribe((event, payload) => {
        if (event === 'tickets.changed') announced.push(...(payload as { ids: string[] }).ids);
        if (event === 'sync.status' && (payload as { progress: { workingSet?: boolean } | null }).progress?.workingSet)
          workingSet = true;
      });
      try {
        await desk.handlers['session.login']({ username: 'agent01', password: PASSWORD });
        for (let i = 0; i < 500 && !workingSet; i++) await new Promise((resolve) => setTimeout(resolve, 10));
        expect(workingSet).toBe(true);
        // Announced at once, counts fresh: the inbox lists the hot ticket while the rest is still held back.
        expect(announced).toContain(ids.hot);
        const inbox = (await desk.handlers['tickets.views']({})).find((v) => v.id === 'inbox');
        expect(inbox?.count).toBeGreaterThan(0);

        // The hot ticket is cached; the cold one is not yet, and opens from the server, read-only, with its history.
        expect((await desk.handlers['tickets.get']({ id: ids.hot }))?.fromServer).toBeUndefined();
        const cold = await desk.handlers['tickets.get']({ id: ids.cold });
        expect(cold?.fromServer).toBe(true);
        expect(cold?.ticket.id).toBe(ids.cold);
        expect(kinds(cold?.events ?? [])).toEqual(expect.arrayContaining(['created', 'comment']));
        const jumped = await desk.handlers['tickets.jump']({ id: ids.cold, view: 'inbox', pageSize: 50 });
        expect(jumped).toMatchObject({ detail: { fromServer: true }, place: null });
        expect(await desk.handlers['tickets.get']({ id: randomUUID() })).toBeNull();
        await expect(desk.handlers['tickets.comment']({ id: ids.cold, body: '同步中' })).rejects.toMatchObject({
          code: 'not_synced_yet',
        });

        // Search: the server's matches, with highlights, said to come from the server.
        const found = await desk.handlers['tickets.search']({ q: ids.cold, limit: 20, offset: 0 });
        expect(found.fromServer).toBe(true);
        expect(found.items.map((i) => i.ticket.id)).toEqual([ids.cold]);
        expect(found.items[0]?.highlights.some((h) => h.field === 'title' && h.ranges.length > 0)).toBe(true);
      } finally {
        release();
      }
      const status = await desk.handlers['sync.now']({});
      expect(status.progress).toBeNull();
      // Whole now: the cache answers alone, and the ticket can be worked on.
      const cached = await desk.handlers['tickets.get']({ id: ids.cold });
      expect(cached?.fromServer).toBeUndefined();
      expect(cached?.historyMissing).toBe(true);
      const local = await desk.handlers['tickets.search']({ q: ids.cold, limit: 20, offset: 0 });
      expect(local.fromServer).toBeUndefined();
      expect(local.items.map((i) => i.ticket.id)).toEqual([ids.cold]);
    });

    it('the server search the desk asks meanwhile: every term, in what an agent sees, a whole phone number exactly', async () => {
      const id = randomUUID();
      await push('ticket.create', {
        id,
        type: 'complaint',
        category: 'noise',
        channel: 'phone',
        title: '楼上深夜噪音',
        description: '住户欧阳反映已持续一周',
        phone: '13912345678',
      });
      const search = async (q: string) => {
        const res = await api(`/api/v1/tickets?q=${encodeURIComponent(q)}&limit=50`, 'agent01');
        expect(res.status).toBe(200);
        return (res.body as { items: Array<{ id: string; phone: string | null }> }).items.map((t) => t.id);
      };
      expect(await search('噪音 欧阳')).toEqual([id]); // terms in different fields, all required
      expect(await search('噪音 欧阳娜娜')).toEqual([]);
      expect(await search('TS- 欧阳')).toEqual([id]); // and the code
      const { ticket } = (await api(`/api/v1/tickets/${id}`, 'agent01')).body as { ticket: { code: string } };
      expect(await search(` ${ticket.code.toLowerCase()} `)).toEqual([id]); // a whole code, by its index
      expect(await search('5678')).toEqual([id]); // the digits the mask shows
      expect(await search('1234')).toEqual([]); // hidden digits are never searched
      expect(await search('139 1234 5678')).toEqual([id]); // the whole number
      const [found] = (
        (await api(`/api/v1/tickets?q=${encodeURIComponent('欧阳')}`, 'agent01')).body as {
          items: Array<{ phone: string | null }>;
        }
      ).items;
      expect(found?.phone).not.toContain('1234');
    });
  });
}
