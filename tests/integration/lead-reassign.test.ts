/**
 * Reassignment from the lead board (issue 12 item 1), as the server enforces it: an agent may not move a ticket
 * someone else holds nor a whole queue (not even its unassigned tickets); a lead may, with a reason; every move is
 * audited in the SAME transaction as the change, so a change that fails leaves no audit row behind.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';
import { actingAs, seedStaff, type Staff, type StaffName } from './support/staff';

const create = (id: string) => ({
  name: 'ticket.create',
  args: {
    id,
    eventId: randomUUID(),
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    title: '厨房漏水',
    teamId: 'plumbing',
  },
});
const assign = (id: string, assigneeId: string | null, extra: { reason?: string; scope?: string } = {}) => ({
  name: 'ticket.assign',
  args: { id, eventId: randomUUID(), assigneeId, ...extra },
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`lead reassignment on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let staff: Staff;
    let tokens: Record<StaffName, string>;
    const as = (name: StaffName) => actingAs(app, tokens[name]);

    const assigneeOf = async (id: string) =>
      (await db.query<{ assignee_id: string | null }>('SELECT assignee_id::text FROM tickets WHERE id = $1', [id]))
        .rows[0]?.assignee_id;
    const reassignRows = async (id: string) =>
      (
        await db.query<{ actor_id: string; data: Record<string, unknown> }>(
          `SELECT actor_id::text, data FROM audit_log WHERE action = 'ticket.reassign' AND subject_id = $1 ORDER BY id`,
          [id],
        )
      ).rows;

    /** A ticket of the plumbing queue, held by agent01 (who took it: no audit row for that). */
    async function heldByAgent(): Promise<string> {
      const id = randomUUID();
      expect(await as('agent').push(create(id), assign(id, staff.agent.id))).toMatchObject([
        { outcome: 'applied' },
        { outcome: 'applied' },
      ]);
      return id;
    }

    beforeAll(async () => {
      ({ db, dispose } = await backend.open());
      ({ staff, tokens } = await seedStaff(db));
      app = buildServer({ db });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await dispose?.();
    });

    it("refuses an agent moving another agent's ticket, even with a reason: nothing changes, nothing audited", async () => {
      const id = await heldByAgent();
      const results = await as('agent2').push(assign(id, staff.agent2.id, { reason: '我来', scope: 'selection' }));
      expect(results).toMatchObject([{ outcome: 'rejected', error: { code: 'forbidden' } }]);
      expect(await assigneeOf(id)).toBe(staff.agent.id);
      expect(await reassignRows(id)).toEqual([]);
    });

    it('refuses an agent moving a whole queue, its unassigned tickets included', async () => {
      const id = randomUUID();
      await as('agent2').push(create(id));
      const results = await as('agent2').push(assign(id, staff.agent.id, { reason: '分给同事', scope: 'queue' }));
      expect(results).toMatchObject([{ outcome: 'rejected', error: { code: 'forbidden' } }]);
      expect(await assigneeOf(id)).toBeNull();
      // The same ticket, one at a time, is still an agent's to dispatch (issue 11 rules are unchanged).
      expect(await as('agent2').push(assign(id, staff.agent.id))).toMatchObject([{ outcome: 'applied' }]);
    });

    it('lets a lead move a queue with a reason, and refuses it without one', async () => {
      const ids = [await heldByAgent(), randomUUID()];
      await as('agent').push(create(ids[1]!));
      const lead = as('lead');
      expect(await lead.push(...ids.map((id) => assign(id, staff.agent2.id, { scope: 'queue' })))).toMatchObject([
        { outcome: 'rejected', error: { code: 'reason_required' } },
        { outcome: 'rejected', error: { code: 'reason_required' } },
      ]);
      const results = await lead.push(
        ...ids.map((id) => assign(id, staff.agent2.id, { scope: 'queue', reason: '王芳下班' })),
      );
      expect(results).toMatchObject([{ outcome: 'applied' }, { outcome: 'applied' }]);
      for (const [n, id] of ids.entries()) {
        expect(await assigneeOf(id)).toBe(staff.agent2.id);
        expect(await reassignRows(id)).toEqual([
          {
            actor_id: staff.lead.id,
            data: { from: n === 0 ? staff.agent.id : null, to: staff.agent2.id, reason: '王芳下班', scope: 'queue' },
          },
        ]);
      }
    });

    it('leaves no audit row when the change itself fails after the audit insert (same transaction)', async () => {
      const id = await heldByAgent();
      // The ticket's row refuses the UPDATE: the audit row goes in first (executeMutation), the write fails later.
      await db.query(`CREATE FUNCTION refuse_ticket_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
      await db.query(`CREATE TRIGGER refuse_one_ticket BEFORE UPDATE ON tickets FOR EACH ROW
        WHEN (OLD.id = '${id}'::uuid) EXECUTE FUNCTION refuse_ticket_update()`);
      try {
        const results = await as('lead').push(assign(id, staff.agent2.id, { reason: '调班' }));
        expect(results).toMatchObject([{ outcome: 'rejected' }]);
      } finally {
        await db.query('DROP TRIGGER refuse_one_ticket ON tickets');
        await db.query('DROP FUNCTION refuse_ticket_update()');
      }
      expect(await assigneeOf(id)).toBe(staff.agent.id);
      expect(await reassignRows(id)).toEqual([]);
      // Without the fault the same move applies and is audited once: the test's fault was what stopped it.
      expect(await as('lead').push(assign(id, staff.agent2.id, { reason: '调班' }))).toMatchObject([
        { outcome: 'applied' },
      ]);
      expect(await reassignRows(id)).toHaveLength(1);
    });
  });
}
