/**
 * The lead board's desk path end to end (issue 12 item 1): three desks on one server (PGlite) — a lead, the agent
 * who holds a queue's tickets and the agent who gets them. The lead's `lead.board` counts the queue, `lead.reassign`
 * moves it (reason required) through the outbox; the server applies and audits each move; both agents' consoles
 * hear of it live (`lead.reassigned`, through the poke and pull) and the ticket's timeline shows the move; `z`'s undo
 * puts the tickets back. Agents' desks refuse the lead methods.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dispatchDeskCall,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../common/contract';
import { undoGroups } from '../../common/lead/board';
import { createDesk } from '../../main/desk';
import type { DeskHost } from '../../main/host';
import { buildServer } from '../../server/app';
import { createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';

const PASSWORD = 'correct horse battery';
const dirs: string[] = [];
const desks: DeskHost[] = [];

interface Console {
  call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodOutput<M>>;
  notices: EventPayload<'lead.reassigned'>[];
}

async function openConsole(serverUrl: string, username: string): Promise<Console> {
  const profileDir = mkdtempSync(join(tmpdir(), 'desk-lead-'));
  dirs.push(profileDir);
  // A 60 s poll: only the live poke can explain a change seen within seconds.
  const desk = await createDesk({ profileDir, serverUrl, sync: { intervalMs: 60_000 }, requestTimeoutMs: 5_000 });
  desks.push(desk);
  const notices: EventPayload<'lead.reassigned'>[] = [];
  desk.subscribe((event, payload) => {
    if (event === 'lead.reassigned') notices.push(payload as EventPayload<'lead.reassigned'>);
  });
  const c: Console = {
    notices,
    async call(method, input) {
      const res = await dispatchDeskCall(desk.handlers, method, input ?? {});
      if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
      return res.value as MethodOutput<typeof method>;
    },
  };
  await c.call('session.login', { username, password: PASSWORD });
  await waitUntil(10_000, async () => (await c.call('sync.status')).state === 'online');
  return c;
}

async function waitUntil(limitMs: number, probe: () => Promise<boolean> | boolean): Promise<void> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const synced = async (c: Console) => {
  await c.call('sync.now');
  await waitUntil(5_000, async () => (await c.call('sync.status')).pending === 0);
};

afterAll(async () => {
  for (const desk of desks) await desk.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('lead board through the desk', () => {
  let db: Db;
  let server: FastifyInstance;
  let lead: Console;
  let holder: Console;
  let taker: Console;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory' });
    await migrate(db);
    await db.query(
      `INSERT INTO teams (id, name_zh, name_en) VALUES ('cs', '客服', 'Customer service'), ('plumbing', '水电', 'Plumbing')`,
    );
    for (const [username, role, name] of [
      ['lead01', 'lead', '陈组长'],
      ['agent01', 'agent', '王芳'],
      ['agent02', 'agent', '李强'],
    ] as const) {
      ids[username] = (await createUser(db, { username, name, role, teamId: 'cs', password: PASSWORD })).id;
    }
    server = buildServer({ db, loginRateLimit: { max: 1000, timeWindow: '1 minute' } });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    [lead, holder, taker] = await Promise.all([
      openConsole(url, 'lead01'),
      openConsole(url, 'agent01'),
      openConsole(url, 'agent02'),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const desk of desks.splice(0)) await desk.close();
    await server?.close();
    await db?.close();
  });

  it('a lead moves a queue with a reason; both agents hear of it live; the timeline shows it; undo restores', async () => {
    const created: string[] = [];
    for (const title of ['厨房漏水', '卫生间堵塞']) {
      const t = await holder.call('tickets.create', {
        type: 'repair',
        category: 'plumbing',
        channel: 'phone',
        title,
        teamId: 'plumbing',
      });
      await holder.call('tickets.assign', { id: t.id, assigneeId: ids.agent01! });
      created.push(t.id);
    }
    await synced(holder);
    await waitUntil(5_000, async () => {
      const q = (await lead.call('lead.board')).queues.find((x) => x.teamId === 'plumbing');
      return q?.open === 2;
    });
    const board = await lead.call('lead.board');
    expect(board.agents.find((a) => a.userId === ids.agent01)).toMatchObject({ openLoad: 2, name: '王芳' });

    const target = { kind: 'queue', teamId: 'plumbing' } as const;
    await expect(lead.call('lead.reassign', { target, assigneeId: ids.agent02! })).rejects.toMatchObject({
      code: 'reason_required',
    });
    const result = await lead.call('lead.reassign', { target, assigneeId: ids.agent02!, reason: '王芳下班' });
    expect(result.moved.map((m) => m.id).sort()).toEqual([...created].sort());
    await synced(lead);

    await waitUntil(5_000, () => taker.notices.length === 2 && holder.notices.length === 2);
    // In the queue's order (deadline first), not creation order.
    const byTicket = [...taker.notices].sort((a, b) => created.indexOf(a.ticketId) - created.indexOf(b.ticketId));
    expect(byTicket).toEqual(
      created.map((id) =>
        expect.objectContaining({ ticketId: id, direction: 'received', byName: '陈组长', reason: '王芳下班' }),
      ),
    );
    expect(holder.notices.map((n) => n.direction)).toEqual(['lost', 'lost']);
    const detail = await taker.call('tickets.get', { id: created[0]! });
    expect(detail?.ticket.assigneeId).toBe(ids.agent02);
    expect(detail?.events.at(-1)).toMatchObject({
      kind: 'assign',
      authorId: ids.lead01,
      data: { from: ids.agent01, to: ids.agent02, reason: '王芳下班', scope: 'queue' },
    });
    const audited = await db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'ticket.reassign' AND actor_id = $1`,
      [ids.lead01],
    );
    expect(Number(audited.rows[0]?.n)).toBe(2);

    // `z`: each ticket back with the agent it came from, with a reason of its own.
    for (const group of undoGroups(result.moved)) {
      await lead.call('lead.reassign', {
        target: { kind: 'tickets', ids: group.ids },
        assigneeId: group.assigneeId,
        reason: '撤销：王芳下班',
      });
    }
    await synced(lead);
    await waitUntil(5_000, () => holder.notices.length === 4);
    expect(holder.notices.slice(2).map((n) => n.direction)).toEqual(['received', 'received']);
  }, 60_000);

  it("an agent's desk refuses the lead board and its moves", async () => {
    await expect(holder.call('lead.board')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      holder.call('lead.reassign', {
        target: { kind: 'queue', teamId: 'plumbing' },
        assigneeId: ids.agent01!,
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});
