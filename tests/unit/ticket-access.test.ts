/**
 * Who may do what to a ticket (issue 11 §2), through applyMutation — the rules the desk and the server both run —
 * and through checkTicketAction, which the renderer asks before it calls the desk.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NO_SLA, ROLES, type Role, type Ticket } from '../../common/domain';
import { MutationRejected, applyMutation, parseMutation, type MutationName } from '../../common/mutations';
import { checkTicketAction, inReach, type Actor } from '../../common/ticket-access';

const now = new Date('2026-11-26T02:00:00Z');
const ids = { agent01: randomUUID(), agent02: randomUUID(), tech05: randomUUID(), lead01: randomUUID() };
const agent01: Actor = { id: ids.agent01, role: 'agent', teamId: 'cs' };
const lead01: Actor = { id: ids.lead01, role: 'lead', teamId: 'cs' };
const tech05: Actor = { id: ids.tech05, role: 'technician', teamId: 'plumbing' };

function ticket(extra: Partial<Ticket> = {}): Ticket {
  return {
    id: randomUUID(),
    code: 'BX-20261126-0001',
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    priority: 3,
    status: 'accepted',
    title: '厨房漏水',
    description: '',
    unitId: null,
    unitCode: null,
    residentId: null,
    residentName: null,
    phone: null,
    phoneHash: null,
    teamId: 'plumbing',
    assigneeId: null,
    createdBy: ids.agent01,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    closedAt: null,
    version: 1,
    tags: [],
    ...NO_SLA,
    ...extra,
  };
}

/** Runs one mutation on `t` as `actor` (undefined: nobody's role is known); returns the ticket or the refusal code. */
function run(actor: Actor | undefined, t: Ticket | undefined, name: MutationName, args: Record<string, unknown>) {
  const m = parseMutation(name, { id: t?.id ?? randomUUID(), eventId: randomUUID(), ...args });
  try {
    return applyMutation(m, {
      actorId: actor?.id ?? randomUUID(),
      actorRole: actor?.role,
      actorTeamId: actor?.teamId,
      now,
      current: t,
      code: null,
    });
  } catch (err) {
    if (err instanceof MutationRejected) return err.code;
    throw err;
  }
}

const createArgs = { type: 'repair', category: 'plumbing', channel: 'kiosk', title: '门禁坏了' };
const held = (assigneeId: string, extra: Partial<Ticket> = {}) => ticket({ assigneeId, ...extra });

describe('fails closed', () => {
  it('refuses every ticket mutation without a role, or with a role it does not know', () => {
    const t = held(ids.agent01);
    const unknown = { ...agent01, role: 'janitor' as Role };
    for (const actor of [undefined, unknown]) {
      expect(run(actor, undefined, 'ticket.create', createArgs)).toBe('forbidden');
      expect(run(actor, t, 'ticket.comment', { body: 'x' })).toBe('forbidden');
      expect(run(actor, t, 'ticket.setStatus', { status: 'dispatched' })).toBe('forbidden');
      expect(run(actor, t, 'ticket.assign', { assigneeId: null })).toBe('forbidden');
      expect(run(actor, t, 'ticket.edit', { title: 'y' })).toBe('forbidden');
      expect(run(actor, t, 'ticket.tag', { add: ['a'] })).toBe('forbidden');
    }
  });

  it('lets the kiosk file a ticket and nothing else; the PBX account not even that', () => {
    const kiosk: Actor = { id: randomUUID(), role: 'kiosk', teamId: null };
    const pbx: Actor = { id: randomUUID(), role: 'integration', teamId: null };
    expect(run(kiosk, undefined, 'ticket.create', createArgs)).toMatchObject({ ticket: { status: 'new' } });
    const filed = ticket({ createdBy: kiosk.id });
    expect(run(kiosk, filed, 'ticket.comment', { body: 'x' })).toBe('forbidden');
    expect(run(kiosk, filed, 'ticket.setStatus', { status: 'dispatched' })).toBe('forbidden');
    expect(run(pbx, undefined, 'ticket.create', createArgs)).toBe('forbidden');
  });
});

describe('agents', () => {
  it('take unassigned tickets and hand their own on; reassigning a ticket someone else holds is refused', () => {
    const open = ticket();
    expect(run(agent01, open, 'ticket.assign', { assigneeId: ids.agent01 })).toMatchObject({
      ticket: { assigneeId: ids.agent01 },
    });
    // Dispatching an unassigned ticket to a technician, and passing one's own ticket on, need nobody's say.
    expect(run(agent01, open, 'ticket.assign', { assigneeId: ids.tech05 })).toMatchObject({
      ticket: { assigneeId: ids.tech05 },
    });
    expect(run(agent01, held(ids.agent01), 'ticket.assign', { assigneeId: ids.agent02 })).toMatchObject({
      ticket: { assigneeId: ids.agent02 },
    });
    // Someone else's — a colleague's of the same team too — even with a reason, and unassigning it.
    for (const t of [held(ids.agent02, { teamId: 'cs' }), held(ids.tech05)]) {
      for (const assigneeId of [ids.agent01, ids.lead01, null]) {
        expect(run(agent01, t, 'ticket.assign', { assigneeId, reason: '他休假了' })).toBe('forbidden');
      }
    }
  });

  it("act on unassigned tickets, their own and their team's; a note goes on any ticket", () => {
    const theirs = held(ids.tech05, { status: 'acknowledged' }); // a technician's step of the plumbing team
    expect(run(agent01, theirs, 'ticket.setStatus', { status: 'on_site' })).toBe('forbidden');
    expect(run(agent01, theirs, 'ticket.edit', { priority: 2 })).toBe('forbidden');
    expect(run(agent01, theirs, 'ticket.tag', { add: ['催办'] })).toBe('forbidden');
    expect(run(agent01, theirs, 'ticket.comment', { body: '住户来电催办' })).toMatchObject({
      events: [{ kind: 'comment' }],
    });
    // The technician holding it, and their team, may.
    expect(run(tech05, theirs, 'ticket.setStatus', { status: 'on_site' })).toMatchObject({
      ticket: { status: 'on_site' },
    });
    const teammate: Actor = { id: randomUUID(), role: 'technician', teamId: 'plumbing' };
    expect(run(teammate, theirs, 'ticket.edit', { priority: 2 })).toMatchObject({ ticket: { priority: 2 } });
    // A colleague of the agent's own team holds it: the team's ticket.
    const team = held(ids.agent02, { teamId: 'cs', type: 'complaint', status: 'investigating' });
    expect(run(agent01, team, 'ticket.tag', { add: ['VIP'] })).toMatchObject({ ticket: { tags: ['VIP'] } });
  });

  it("work the desk's SOP steps whoever holds the ticket: the follow-up call after a technician's repair", () => {
    const awaiting = held(ids.tech05, { status: 'done' }); // responsible: agent (the follow-up)
    expect(inReach(awaiting, agent01)).toBe(true);
    expect(run(agent01, awaiting, 'ticket.setStatus', { status: 'confirmed' })).toMatchObject({
      ticket: { status: 'confirmed' },
    });
    // …which is the desk's (agents'), not every staff member's.
    const electrician: Actor = { id: randomUUID(), role: 'technician', teamId: 'electrical' };
    expect(inReach(awaiting, electrician)).toBe(false);
  });
});

describe('leads and admins', () => {
  it('reassign tickets others hold, with a reason; their own and unassigned ones without', () => {
    const t = held(ids.agent02);
    expect(run(lead01, t, 'ticket.assign', { assigneeId: ids.agent01 })).toBe('reason_required');
    expect(run(lead01, t, 'ticket.assign', { assigneeId: ids.agent01, reason: '   ' })).toBe('reason_required');
    const done = run(lead01, t, 'ticket.assign', { assigneeId: ids.agent01, reason: ' 王芳请假 ' });
    expect(done).toMatchObject({
      ticket: { assigneeId: ids.agent01 },
      events: [{ kind: 'assign', body: '王芳请假', data: { from: ids.agent02, to: ids.agent01, reason: '王芳请假' } }],
    });
    const admin: Actor = { id: randomUUID(), role: 'admin', teamId: null };
    expect(run(admin, t, 'ticket.assign', { assigneeId: null, reason: '重新排队' })).toMatchObject({
      ticket: { assigneeId: null },
    });
    expect(run(lead01, ticket(), 'ticket.assign', { assigneeId: ids.agent01 })).toMatchObject({
      ticket: { assigneeId: ids.agent01 },
    });
  });
});

describe('reasons', () => {
  it('raising to P0 or P1 needs one, from any role; lowering or P2 and below does not', () => {
    const mine = held(ids.agent01, { priority: 3 });
    for (const actor of [agent01, lead01]) {
      expect(run(actor, mine, 'ticket.edit', { priority: 1 })).toBe('reason_required');
      expect(run(actor, mine, 'ticket.edit', { priority: 0, reason: '' })).toBe('reason_required');
      expect(run(actor, mine, 'ticket.edit', { priority: 1, reason: '水漫到楼下' })).toMatchObject({
        ticket: { priority: 1 },
        events: [{ kind: 'edit', body: '水漫到楼下', data: { reason: '水漫到楼下' } }],
      });
      expect(run(actor, mine, 'ticket.edit', { priority: 2 })).toMatchObject({ ticket: { priority: 2 } });
    }
    const p1 = held(ids.agent01, { priority: 1 });
    expect(run(agent01, p1, 'ticket.edit', { priority: 3 })).toMatchObject({ ticket: { priority: 3 } });
    expect(run(agent01, p1, 'ticket.edit', { priority: 0 })).toBe('reason_required');
    // An edit of other fields of a P0/P1 ticket raises nothing.
    expect(run(agent01, p1, 'ticket.edit', { title: '卫生间漏水' })).toMatchObject({ ticket: { title: '卫生间漏水' } });
  });

  it('cancelling needs one, kept on the status event', () => {
    const mine = held(ids.agent01, { status: 'new' });
    expect(run(agent01, mine, 'ticket.setStatus', { status: 'cancelled' })).toBe('reason_required');
    expect(run(lead01, mine, 'ticket.setStatus', { status: 'cancelled', note: '  ' })).toBe('reason_required');
    expect(run(agent01, mine, 'ticket.setStatus', { status: 'cancelled', reason: '住户已自行修好' })).toMatchObject({
      ticket: { status: 'cancelled' },
      events: [{ kind: 'status', body: '住户已自行修好', data: { to: 'cancelled', reason: '住户已自行修好' } }],
    });
  });
});

describe('checkTicketAction (what the renderer asks first)', () => {
  it('says whether a reason is needed, and why something is refused, in both languages', () => {
    const t = held(ids.agent02);
    expect(checkTicketAction(lead01, t, { kind: 'assign', assigneeId: ids.agent01 })).toEqual({
      ok: true,
      reasonRequired: true,
    });
    const refused = checkTicketAction(agent01, t, { kind: 'assign', assigneeId: ids.agent01 });
    expect(refused).toMatchObject({ ok: false, code: 'forbidden' });
    if (!refused.ok) expect(refused.message.zh).toMatch(/主管/);
    expect(checkTicketAction(agent01, ticket(), { kind: 'status', to: 'cancelled' })).toEqual({
      ok: true,
      reasonRequired: true,
    });
    expect(checkTicketAction(agent01, ticket(), { kind: 'status', to: 'dispatched' })).toEqual({
      ok: true,
      reasonRequired: false,
    });
  });

  it('knows every role of the domain (none falls through as allowed by accident)', () => {
    for (const role of ROLES) {
      const check = checkTicketAction({ id: randomUUID(), role, teamId: null }, ticket(), { kind: 'tag' });
      expect(check.ok, role).toBe(['agent', 'lead', 'technician', 'admin'].includes(role));
    }
  });
});
