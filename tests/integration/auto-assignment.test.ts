/**
 * Auto-assignment and escalation on the server (issue 12 item 2): queue modes, the skills filter, capacity and the
 * waiting queue (oldest first), presence, permissions (only leads and admins change settings; bad input is a 4xx
 * that writes nothing), the system's assignment as a ticket event with its audit row in the same transaction, and
 * escalation (once per step, optional reassignment to the lead's pick, acknowledged by a lead).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LIVE_PATH } from '../../common/live';
import type { AssignmentOverview, Escalation, QueueSettings } from '../../common/assignment';
import { buildServer } from '../../server/app';
import { drainQueue } from '../../server/assignment/engine';
import { sweepAssignments } from '../../server/assignment/escalation';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { countRows } from './support/fixtures';
import { actingAs, seedStaff, type Staff, type StaffName } from './support/staff';

const create = (id: string, category = 'other', teamId: string | null = 'cs') => ({
  name: 'ticket.create',
  args: { id, eventId: randomUUID(), type: 'repair', category, channel: 'phone', title: '报修', teamId },
});
const cancel = (id: string) => ({
  name: 'ticket.setStatus',
  args: { id, eventId: randomUUID(), status: 'cancelled', reason: '重复报修' },
});

const MANUAL: Omit<QueueSettings, 'teamId'> = {
  mode: 'manual',
  skillsFilter: true,
  escalateAfterMinutes: null,
  escalateToId: null,
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`auto-assignment on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let staff: Staff;
    let tokens: Record<StaffName, string>;
    const as = (name: StaffName) => actingAs(app, tokens[name]);
    const put = (name: StaffName, url: string, payload: unknown) =>
      app.inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${tokens[name]}` },
        payload: payload as object,
      });
    const setQueue = (settings: Partial<typeof MANUAL>, name: StaffName = 'lead') =>
      put(name, '/api/v1/assignment/queues/cs', { ...MANUAL, ...settings });
    const assigneeOf = async (id: string) =>
      (await db.query<{ a: string | null }>('SELECT assignee_id::text AS a FROM tickets WHERE id = $1', [id])).rows[0]
        ?.a ?? null;
    const setPresence = (userId: string, state: string) =>
      db.query(
        `INSERT INTO agent_presence (user_id, state, since) VALUES ($1, $2, now())
         ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state`,
        [userId, state],
      );
    const setAgent = (userId: string, skills: string[], capacity: number) =>
      db.query('UPDATE users SET skills = $2, capacity = $3 WHERE id = $1', [userId, skills, capacity]);

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      ({ staff, tokens } = await seedStaff(db));
      app = buildServer({ db });
      await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });
    beforeEach(async () => {
      // Each test starts from a manual queue with no open tickets, both agents available with room.
      await db.query(`UPDATE tickets SET closed_at = now(), status = 'cancelled' WHERE closed_at IS NULL`);
      await db.query('DELETE FROM assignment_rotation');
      expect((await setQueue({})).statusCode).toBe(200);
      for (const a of [staff.agent, staff.agent2]) {
        await setAgent(a.id, [], 10);
        await setPresence(a.id, 'available');
      }
    });

    it('leaves tickets alone in a manual queue', async () => {
      const id = randomUUID();
      await as('lead').push(create(id));
      expect(await assigneeOf(id)).toBeNull();
    });

    it('round robin gives each new ticket to the next agent, as a ticket event and an audit row', async () => {
      expect((await setQueue({ mode: 'round_robin' })).statusCode).toBe(200);
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await as('lead').push(...ids.map((id) => create(id)));
      const assignees = await Promise.all(ids.map(assigneeOf));
      expect(new Set(assignees)).toEqual(new Set([staff.agent.id, staff.agent2.id]));
      expect(assignees.filter((a) => a === staff.agent.id)).toHaveLength(2);
      // Alternating: never the same agent twice in a row.
      for (let i = 1; i < assignees.length; i++) expect(assignees[i]).not.toBe(assignees[i - 1]);

      const events = await db.query<{ author_id: string | null; body: string; data: Record<string, unknown> }>(
        `SELECT author_id, body, data FROM ticket_events WHERE ticket_id = $1 AND kind = 'assign'`,
        [ids[0]],
      );
      expect(events.rows).toEqual([
        {
          author_id: null,
          body: '系统自动分派（轮流分派）/ Assigned by the system (round robin)',
          data: expect.objectContaining({ to: assignees[0], rule: 'round_robin' }),
        },
      ]);
      const audit = await db.query<{ actor_id: string | null; data: Record<string, unknown> }>(
        `SELECT actor_id, data FROM audit_log WHERE action = 'ticket.reassign' AND subject_id = $1`,
        [ids[0]],
      );
      expect(audit.rows).toEqual([
        { actor_id: null, data: expect.objectContaining({ to: assignees[0], reason: 'auto:round_robin' }) },
      ]);
      // The assignment syncs: a console's pull brings the ticket with its assignee.
      const { changes } = await as('agent').pullAll();
      const pulled = changes.filter((c) => c.entity === 'ticket' && c.id === ids[0]).at(-1);
      expect(pulled?.op === 'put' && (pulled.data as { assigneeId: string }).assigneeId).toBe(assignees[0]);
    });

    it('writes the assignment and its audit row in one transaction: a rollback leaves neither', async () => {
      const id = randomUUID();
      await as('lead').push(create(id));
      await db.query(`UPDATE assignment_queues SET mode = 'least_loaded' WHERE team_id = 'cs'`);
      const audits = async () =>
        Number((await db.query<{ n: unknown }>('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);
      const before = await audits();
      await expect(
        db.tx(async (q) => {
          expect(await drainQueue(q, 'cs', new Date())).toHaveLength(1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await assigneeOf(id)).toBeNull();
      expect(await audits()).toBe(before);
    });

    it('with the skills filter, only an agent with the category receives', async () => {
      await setAgent(staff.agent.id, ['plumbing'], 10);
      await setAgent(staff.agent2.id, ['electrical'], 10);
      expect((await setQueue({ mode: 'round_robin' })).statusCode).toBe(200);
      const plumbing = [randomUUID(), randomUUID()];
      const cleaning = randomUUID();
      await as('lead').push(...plumbing.map((id) => create(id, 'plumbing')), create(cleaning, 'cleaning'));
      expect(await Promise.all(plumbing.map(assigneeOf))).toEqual([staff.agent.id, staff.agent.id]);
      expect(await assigneeOf(cleaning)).toBeNull(); // nobody has the skill: it waits
      // Without the filter, any agent of the team takes it.
      expect((await setQueue({ mode: 'round_robin', skillsFilter: false })).statusCode).toBe(200);
      expect(await assigneeOf(cleaning)).toBe(staff.agent2.id);
    });

    it('least loaded respects capacity; the waiting queue is served oldest first as capacity frees', async () => {
      await setAgent(staff.agent.id, [], 1);
      await setAgent(staff.agent2.id, [], 1);
      expect((await setQueue({ mode: 'least_loaded' })).statusCode).toBe(200);
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await as('lead').push(create(id)); // one push each: distinct creation times
      const [first, second, third, fourth] = await Promise.all(ids.map(assigneeOf));
      expect(new Set([first, second])).toEqual(new Set([staff.agent.id, staff.agent2.id]));
      expect([third, fourth]).toEqual([null, null]);

      const overview = (await as('lead').get('/api/v1/assignment')).json<AssignmentOverview>();
      const cs = overview.queues.find((q) => q.settings.teamId === 'cs');
      expect(cs?.waiting.map((w) => w.id)).toEqual([ids[2], ids[3]]);
      expect(cs?.agents.find((a) => a.id === staff.agent.id)).toMatchObject({ load: 1, capacity: 1 });

      // Closing a ticket frees its agent: the oldest waiting ticket goes to them, the newer one still waits.
      await as('lead').push(cancel(ids[0]!));
      expect(await assigneeOf(ids[2]!)).toBe(first);
      expect(await assigneeOf(ids[3]!)).toBeNull();
      // Raising a capacity drains the rest.
      const raised = await put('lead', `/api/v1/assignment/agents/${staff.agent2.id}/capacity`, { capacity: 2 });
      expect(raised.statusCode).toBe(200);
      expect(await assigneeOf(ids[3]!)).toBe(staff.agent2.id);
    });

    it('gives nothing to an agent on a break, and serves them when they are back', async () => {
      await setPresence(staff.agent2.id, 'break');
      expect((await setQueue({ mode: 'round_robin' })).statusCode).toBe(200);
      await setAgent(staff.agent.id, [], 1);
      const ids = [randomUUID(), randomUUID()];
      await as('lead').push(...ids.map((id) => create(id)));
      expect(await Promise.all(ids.map(assigneeOf))).toEqual([staff.agent.id, null]);
      // Back to available through the console (presence.set): their own push drains the queue.
      const back = await as('agent2').push({ name: 'presence.set', args: { state: 'available' } });
      expect(back).toMatchObject([{ outcome: 'applied' }]);
      expect(await assigneeOf(ids[1]!)).toBe(staff.agent2.id);
    });

    it('lets only leads and admins read or change assignment settings; bad input is a 4xx that writes nothing', async () => {
      for (const name of ['agent', 'technician', 'kiosk', 'integration'] as const) {
        expect((await as(name).get('/api/v1/assignment')).statusCode).toBe(403);
        expect((await setQueue({ mode: 'round_robin' }, name)).statusCode).toBe(403);
        expect((await as(name).get('/api/v1/escalations')).statusCode).toBe(403);
      }
      expect((await app.inject({ method: 'GET', url: '/api/v1/assignment' })).statusCode).toBe(401);
      expect((await as('admin').get('/api/v1/assignment')).statusCode).toBe(200);
      const before = await countRows(db);
      const bad: [string, unknown][] = [
        ['/api/v1/assignment/queues/cs', { ...MANUAL, mode: 'random' }],
        ['/api/v1/assignment/queues/cs', { ...MANUAL, escalateAfterMinutes: 0 }],
        ['/api/v1/assignment/queues/cs', { ...MANUAL, extra: 1 }],
        ['/api/v1/assignment/queues/cs', { ...MANUAL, escalateToId: 'not-a-uuid' }],
        [`/api/v1/assignment/agents/${staff.agent.id}/capacity`, { capacity: -1 }],
        [`/api/v1/assignment/agents/${staff.agent.id}/capacity`, { capacity: 1.5 }],
        ['/api/v1/assignment/agents/nope/capacity', { capacity: 3 }],
      ];
      for (const [url, body] of bad) {
        const res = await put('lead', url, body);
        expect(res.statusCode, url).toBe(400);
        expect(res.json<{ error: string }>().error).toBe('invalid_request');
      }
      expect((await put('lead', '/api/v1/assignment/queues/nope', MANUAL)).statusCode).toBe(404);
      expect((await setQueue({ escalateToId: randomUUID() })).statusCode).toBe(422);
      expect(
        (await put('lead', `/api/v1/assignment/agents/${staff.lead.id}/capacity`, { capacity: 3 })).statusCode,
      ).toBe(404); // a lead is not an agent: no capacity to set
      expect(await countRows(db)).toEqual(before);
      const settings = await db.query(`SELECT mode FROM assignment_queues WHERE team_id = 'cs'`);
      expect(settings.rows).toEqual([{ mode: 'manual' }]);
    });

    it('escalates an overdue step once, reassigns to the lead’s pick, and a lead acknowledges it', async () => {
      expect((await setQueue({ escalateAfterMinutes: 30, escalateToId: staff.lead.id })).statusCode).toBe(200);
      const id = randomUUID();
      await as('lead').push(create(id));
      const { rows } = await db.query<{ due: string }>('SELECT sla_due_at AS due FROM tickets WHERE id = $1', [id]);
      const due = new Date(rows[0]!.due);
      expect(await sweepAssignments(db, new Date(due.getTime() + 29 * 60_000))).toEqual([]);
      const created = await sweepAssignments(db, new Date(due.getTime() + 31 * 60_000));
      expect(created).toHaveLength(1);
      expect(await sweepAssignments(db, new Date(due.getTime() + 60 * 60_000))).toEqual([]); // once per step
      expect(await assigneeOf(id)).toBe(staff.lead.id);

      const list = (await as('lead').get('/api/v1/escalations')).json<{ items: Escalation[] }>().items;
      const mine = list.filter((e) => e.ticketId === id);
      expect(mine).toMatchObject([{ id: created[0], step: 'new', reassignedTo: staff.lead.id, acknowledgedAt: null }]);
      expect((await as('agent').post(`/api/v1/escalations/${created[0]}/acknowledge`)).statusCode).toBe(403);
      const ack = await as('lead').post(`/api/v1/escalations/${created[0]}/acknowledge`);
      expect(ack.statusCode).toBe(200);
      expect(ack.json<Escalation>()).toMatchObject({ acknowledgedBy: staff.lead.id });
      const open = (await as('lead').get('/api/v1/escalations')).json<{ items: Escalation[] }>().items;
      expect(open.some((e) => e.id === created[0])).toBe(false);
      expect((await as('lead').post(`/api/v1/escalations/${randomUUID()}/acknowledge`)).statusCode).toBe(404);
      expect((await as('lead').post('/api/v1/escalations/bad/acknowledge')).statusCode).toBe(400);
      expect((await as('lead').get('/api/v1/escalations?open=maybe')).statusCode).toBe(400);
    });

    it('saving a limit escalates the steps already overdue past it at once, not at the next minute’s sweep', async () => {
      const id = randomUUID();
      await as('lead').push(create(id));
      await db.query(`UPDATE tickets SET sla_due_at = now() - interval '10 minutes' WHERE id = $1`, [id]);
      const escalationsOf = async () =>
        (await db.query('SELECT 1 FROM escalations WHERE ticket_id = $1', [id])).rows.length;
      expect(await escalationsOf()).toBe(0);
      expect((await setQueue({ escalateAfterMinutes: 15 })).statusCode).toBe(200);
      expect(await escalationsOf()).toBe(0); // overdue by 10 minutes: not past 15
      expect((await setQueue({ escalateAfterMinutes: 5 })).statusCode).toBe(200);
      expect(await escalationsOf()).toBe(1);
    });

    it('pushes a new escalation live to the leads’ and admins’ sockets, not to agents’', async () => {
      expect((await setQueue({ escalateAfterMinutes: 5 })).statusCode).toBe(200);
      const id = randomUUID();
      await as('lead').push(create(id));
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const open = (name: StaffName) =>
        new Promise<{ ws: WebSocket; messages: unknown[] }>((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}${LIVE_PATH}`, {
            headers: { authorization: `Bearer ${tokens[name]}` },
          });
          const messages: unknown[] = [];
          ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
          ws.on('open', () => resolve({ ws, messages }));
          ws.on('error', reject);
        });
      const lead = await open('lead');
      const agent = await open('agent');
      try {
        const { rows } = await db.query<{ due: string }>('SELECT sla_due_at AS due FROM tickets WHERE id = $1', [id]);
        const [escalationId] = await sweepAssignments(db, new Date(new Date(rows[0]!.due).getTime() + 6 * 60_000));
        expect(escalationId).toBeDefined();
        await expect
          .poll(() => lead.messages, { timeout: 5_000 })
          .toContainEqual({ type: 'escalation', id: escalationId });
        expect(agent.messages.filter((m) => (m as { type: string }).type === 'escalation')).toEqual([]);
      } finally {
        lead.ws.close();
        agent.ws.close();
      }
    });
  });
}
