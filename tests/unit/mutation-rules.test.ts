/** The per-field conflict rules of sync schema 2 in the shared domain function (DESIGN.md §5). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../common/domain';
import { MutationRejected, applyMutation, conflictNoteId, parseMutation } from '../../common/mutations';

const actorId = randomUUID();
const now = new Date('2026-11-26T02:00:00Z');
/** An agent of the ticket's team: who may act is tested in ticket-access.test.ts. */
const agent = { actorId, actorRole: 'agent', actorTeamId: 'plumbing' } as const;
const id = randomUUID();
const ticket: Ticket = applyMutation(
  parseMutation('ticket.create', {
    id,
    eventId: randomUUID(),
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    title: 'Leak',
    description: 'A',
    teamId: 'plumbing',
  }),
  { ...agent, now, current: undefined, code: null },
).ticket;
const ctx = { ...agent, now, current: ticket, code: null };

describe('ticket.edit', () => {
  it('applies scalars and the description when its base is current', () => {
    const m = parseMutation('ticket.edit', {
      id,
      eventId: randomUUID(),
      title: 'T',
      description: 'B',
      baseDescription: 'A',
    });
    const e = applyMutation(m, ctx);
    expect(e.ticket).toMatchObject({ title: 'T', description: 'B', version: 2 });
    expect(e.events.map((x) => x.kind)).toEqual(['edit']);
  });

  it('keeps the current description and notes the losing text under a derived id', () => {
    const eventId = randomUUID();
    const m = parseMutation('ticket.edit', { id, eventId, description: 'C', baseDescription: 'old' });
    const e = applyMutation(m, ctx);
    expect(e.ticket.description).toBe('A');
    expect(e.events).toMatchObject([{ kind: 'conflict', body: 'C', id: conflictNoteId(eventId) }]);
    expect(conflictNoteId(eventId)).not.toBe(eventId);
  });

  it('refuses an edit that changes nothing', () => {
    const m = parseMutation('ticket.edit', { id, eventId: randomUUID(), title: 'Leak' });
    expect(() => applyMutation(m, ctx)).toThrow(expect.objectContaining({ code: 'no_change' }));
  });
});

describe('ticket.tag', () => {
  it('has set semantics; a repeated add is a no-op without events', () => {
    const add = applyMutation(parseMutation('ticket.tag', { id, eventId: randomUUID(), add: ['b', 'a', 'b'] }), ctx);
    expect(add.ticket.tags).toEqual(['a', 'b']);
    const again = applyMutation(parseMutation('ticket.tag', { id, eventId: randomUUID(), add: ['a'] }), {
      ...ctx,
      current: add.ticket,
    });
    expect(again.ticket).toBe(add.ticket);
    expect(again.events).toEqual([]);
  });
});

describe('ticket.delete and tombstones', () => {
  const del = parseMutation('ticket.delete', { id, eventId: randomUUID(), reason: 'dup' });
  it('is for leads and admins when the role is known', () => {
    expect(() => applyMutation(del, { ...ctx, actorRole: 'agent' })).toThrow(MutationRejected);
    expect(applyMutation(del, { ...ctx, actorRole: 'lead' }).deleted).toEqual({ id, reason: 'dup' });
  });
  it('beats every later mutation, create included, with the reason', () => {
    const tombstone = { reason: 'dup' };
    for (const m of [
      parseMutation('ticket.comment', { id, eventId: randomUUID(), body: 'x' }),
      parseMutation('ticket.create', {
        id,
        eventId: randomUUID(),
        type: 'repair',
        category: 'lift',
        channel: 'app',
        title: 'x',
      }),
    ]) {
      expect(() => applyMutation(m, { ...ctx, current: undefined, tombstone })).toThrow(
        expect.objectContaining({ code: 'deleted', message: expect.stringContaining('dup') as string }),
      );
    }
  });
});

describe('call.log', () => {
  it('produces one call keyed by the desk uuid, stamped with the applier clock', () => {
    const callId = randomUUID();
    const m = parseMutation('call.log', {
      id: callId,
      direction: 'inbound',
      from: '110',
      startedAt: '2020-01-01T00:00:00Z',
    });
    const e = applyMutation(m, { ...agent, now, current: undefined, code: null });
    expect(e.ticket).toBeNull();
    expect(e.calls).toEqual([
      expect.objectContaining({ id: callId, callId, agentId: actorId, loggedAt: now.toISOString(), missed: false }),
    ]);
  });
});
