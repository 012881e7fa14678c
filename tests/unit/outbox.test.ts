import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MutationRejected, parseMutation } from '../../common/mutations';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import { createOutbox, type OutboxHooks } from '../../main/sync/outbox';
import { createRebaser } from '../../main/sync/rebase';
import { createTicketShadow } from '../../main/sync/shadow';

const ACTOR = '11111111-1111-4111-8111-111111111111';
const dirs: string[] = [];
const open: CacheRepos[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-outbox-'));
  dirs.push(dir);
  return dir;
}
/** The signed-in agent the shared ticket rules check (common/ticket-access). */
const SIGNED_IN = { id: ACTOR, role: 'agent', teamId: 'cs' } as const;
function setup(dir: string, hooks: OutboxHooks = {}) {
  const repos = createRepos(openCache(dir));
  open.push(repos);
  const shadow = createTicketShadow(repos.db, repos.tickets);
  const outbox = createOutbox(repos.db, repos.tickets, shadow, { actor: () => SIGNED_IN, ...hooks });
  return { repos, outbox, rebaser: createRebaser(repos, outbox, shadow) };
}
afterEach(() => {
  for (const r of open.splice(0)) if (r.db.open) r.db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const create = (id = uuid()) =>
  parseMutation('ticket.create', {
    id,
    eventId: uuid(),
    type: 'repair',
    category: 'plumbing',
    channel: 'phone',
    title: 'Leak under the sink',
  });
const countRows = (repos: CacheRepos, table: string) =>
  (repos.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('outbox', () => {
  it('writes the optimistic ticket, its event and the outbox row together', () => {
    const { repos, outbox } = setup(tempDir());
    const m = create();
    const { mutationId, effect } = outbox.enqueue(m, ACTOR);
    expect(repos.tickets.get(m.args.id)).toEqual(effect.ticket);
    expect(repos.tickets.events(m.args.id).map((e) => e.kind)).toEqual(['created']);
    expect(outbox.pending()).toEqual([
      { mutationId, name: 'ticket.create', args: m.args, createdAt: expect.any(String) as string },
    ]);
  });

  it('refuses a mutation whose text the server could not store, however it was built (issue 11 §1)', () => {
    const { repos, outbox } = setup(tempDir());
    const ticket = create();
    outbox.enqueue(ticket, ACTOR);
    // Built by hand, past the schemas (as a bug in some desk service might): the outbox's door parses it anyway.
    for (const body of ['a\u0000b', 'lone \ud800 half']) {
      const bad = { name: 'ticket.comment' as const, args: { id: ticket.args.id, eventId: uuid(), body } };
      expect(() => outbox.enqueue(bad, ACTOR)).toThrow(/NUL|Unicode/);
    }
    expect(outbox.count()).toBe(1);
    expect(repos.tickets.events(ticket.args.id)).toHaveLength(1);
  });

  it('leaves neither the ticket change nor the outbox row when the write fails midway', () => {
    let fail = false;
    const { repos, outbox } = setup(tempDir(), {
      afterTicketWrite: () => {
        if (fail) throw new Error('disk full (simulated)');
      },
    });
    const first = create();
    outbox.enqueue(first, ACTOR);
    const before = repos.tickets.get(first.args.id);

    fail = true;
    const second = create();
    expect(() => outbox.enqueue(second, ACTOR)).toThrow('disk full');
    const comment = parseMutation('ticket.comment', { id: first.args.id, eventId: uuid(), body: 'hello' });
    expect(() => outbox.enqueue(comment, ACTOR)).toThrow('disk full');

    expect(repos.tickets.get(second.args.id)).toBeUndefined();
    expect(repos.tickets.get(first.args.id)).toEqual(before); // the comment's version bump rolled back too
    expect(repos.tickets.events(first.args.id)).toHaveLength(1);
    expect(outbox.count()).toBe(1);
    expect(countRows(repos, 'ticket_shadow')).toBe(1);
  });

  it('refuses a mutation the domain rules reject, writing nothing', () => {
    const { repos, outbox } = setup(tempDir());
    const m = create();
    outbox.enqueue(m, ACTOR);
    const illegal = parseMutation('ticket.setStatus', { id: m.args.id, eventId: uuid(), status: 'closed' });
    expect(() => outbox.enqueue(illegal, ACTOR)).toThrow(MutationRejected);
    expect(repos.tickets.get(m.args.id)?.status).toBe('new');
    expect(outbox.count()).toBe(1);
  });

  it('keeps mutation ids strictly increasing across reopen, even after the outbox drained', () => {
    const dir = tempDir();
    const a = setup(dir);
    const id1 = a.outbox.enqueue(create(), ACTOR).mutationId;
    const id2 = a.outbox.enqueue(create(), ACTOR).mutationId;
    expect(id2).toBeGreaterThan(id1);
    a.outbox.dropThrough(id2); // the server acknowledged everything
    a.repos.db.close();

    const b = setup(dir);
    expect(b.outbox.count()).toBe(0);
    const id3 = b.outbox.enqueue(create(), ACTOR).mutationId;
    expect(id3).toBe(id2 + 1); // gap-free for the server, never reused
  });

  it('rebase rolls back a rejected mutation and keeps the still-pending ones applied once', () => {
    const { repos, outbox, rebaser } = setup(tempDir());
    const m = create();
    const created = outbox.enqueue(m, ACTOR);
    const accept = parseMutation('ticket.setStatus', { id: m.args.id, eventId: uuid(), status: 'accepted' });
    const accepted = outbox.enqueue(accept, ACTOR);
    const note = parseMutation('ticket.comment', { id: m.args.id, eventId: uuid(), body: 'on my way' });
    outbox.enqueue(note, ACTOR);

    // The server applied the create, rejected the status change; the comment is not pushed yet.
    outbox.settle({
      lastMutationId: accepted.mutationId,
      results: [
        { id: created.mutationId, outcome: 'applied' },
        { id: accepted.mutationId, outcome: 'rejected', error: { code: 'illegal_transition', message: 'no' } },
      ],
    });
    expect(outbox.rejected()).toMatchObject([{ mutationId: accepted.mutationId, code: 'illegal_transition' }]);

    const serverTicket = { ...created.effect.ticket, code: 'BX-20260101-0001' };
    const result = rebaser.applyPage(
      {
        cursor: 'c1',
        lastMutationId: accepted.mutationId,
        more: false,
        changes: [
          { entity: 'ticket', op: 'put', id: m.args.id, data: serverTicket },
          { entity: 'ticket_event', op: 'put', id: m.args.eventId, data: created.effect.events[0] },
        ],
      },
      ACTOR,
    );
    expect(result.ticketIds).toContain(m.args.id);
    const t = repos.tickets.get(m.args.id);
    expect(t?.status).toBe('new'); // the rejected change is gone
    expect(t?.code).toBe('BX-20260101-0001'); // server fields arrived
    expect(t?.version).toBe(serverTicket.version + 1); // the pending comment applied exactly once
    expect(repos.tickets.events(m.args.id).map((e) => e.kind)).toEqual(['created', 'comment']);
    expect(outbox.pending().map((e) => e.name)).toEqual(['ticket.comment']);
    expect(repos.meta.get('pull_cursor')).toBe('c1');

    // Re-running the rebase with no news changes nothing.
    rebaser.rebase(ACTOR);
    expect(repos.tickets.get(m.args.id)).toEqual(t);
    expect(repos.tickets.events(m.args.id)).toHaveLength(2);
  });

  it('an acknowledged change stays on screen, never sent again, until a pull carries it (DESIGN §5)', () => {
    const { repos, outbox, rebaser } = setup(tempDir());
    const m = create();
    const created = outbox.enqueue(m, ACTOR);
    const note = parseMutation('ticket.comment', { id: m.args.id, eventId: uuid(), body: 'on my way' });
    const noted = outbox.enqueue(note, ACTOR);
    const serverTicket = { ...created.effect.ticket, code: 'BX-20260101-0001' };
    const createdOnServer = [
      { entity: 'ticket' as const, op: 'put' as const, id: m.args.id, data: serverTicket },
      { entity: 'ticket_event' as const, op: 'put' as const, id: m.args.eventId, data: created.effect.events[0] },
    ];
    rebaser.applyPage(
      { cursor: 'c1', lastMutationId: created.mutationId, more: false, changes: createdOnServer },
      ACTOR,
    );

    // The push of the comment is answered; the next pull ends below the push's transaction (an older one was open
    // on the server when it took its horizon): the page neither carries the comment nor acknowledges it.
    outbox.settle({ lastMutationId: noted.mutationId, results: [{ id: noted.mutationId, outcome: 'applied' }] });
    expect(outbox.count()).toBe(0); // nothing left to send: "online", not "syncing 1"
    expect(outbox.pending()).toEqual([]);
    rebaser.applyPage({ cursor: 'c2', lastMutationId: created.mutationId, more: false, changes: [] }, ACTOR);
    const bodies = () => repos.tickets.events(m.args.id).map((e) => e.body);
    expect(bodies()).toContain('on my way'); // it was dropped here before: gone until a later pull, lost on a crash
    expect(outbox.size()).toBe(1);

    // The pull that carries the comment acknowledges it: the server's copy replaces the optimistic one, once.
    rebaser.applyPage(
      {
        cursor: 'c3',
        lastMutationId: noted.mutationId,
        more: false,
        changes: [
          { entity: 'ticket', op: 'put', id: m.args.id, data: { ...serverTicket, version: serverTicket.version + 1 } },
          { entity: 'ticket_event', op: 'put', id: note.args.eventId, data: noted.effect.events[0] },
        ],
      },
      ACTOR,
    );
    expect(bodies().filter((b) => b === 'on my way')).toHaveLength(1);
    expect(outbox.size()).toBe(0);
    expect(countRows(repos, 'ticket_events')).toBe(2);
    expect(
      (repos.db.prepare('SELECT COUNT(*) AS n FROM ticket_events WHERE pending = 1').get() as { n: number }).n,
    ).toBe(0);
  });

  it('a push answer acknowledges rows processed by an earlier push whose answer was lost', () => {
    const { outbox } = setup(tempDir());
    const first = outbox.enqueue(create(), ACTOR);
    const second = outbox.enqueue(create(), ACTOR);
    const third = outbox.enqueue(create(), ACTOR);
    // The server had processed the first two already; this answer lists the second only.
    outbox.settle({ lastMutationId: second.mutationId, results: [{ id: second.mutationId, outcome: 'applied' }] });
    expect(outbox.pending().map((e) => e.mutationId)).toEqual([third.mutationId]);
    expect(outbox.queued().map((e) => e.mutationId)).toEqual([first.mutationId, second.mutationId, third.mutationId]);
  });

  it('a locally created ticket the server never accepted disappears on rebase', () => {
    const { repos, outbox, rebaser } = setup(tempDir());
    const m = create();
    const { mutationId } = outbox.enqueue(m, ACTOR);
    outbox.settle({
      lastMutationId: mutationId,
      results: [{ id: mutationId, outcome: 'rejected', error: { code: 'forbidden', message: 'no' } }],
    });
    rebaser.applyPage({ cursor: 'c', lastMutationId: mutationId, more: false, changes: [] }, ACTOR);
    expect(repos.tickets.get(m.args.id)).toBeUndefined();
    expect(repos.tickets.events(m.args.id)).toEqual([]);
  });
});
