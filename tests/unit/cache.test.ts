import Database from 'better-sqlite3-multiple-ciphers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ViewId } from '../../common/contract';
import { createRepos, openCache } from '../../main/cache';
import { migrate, schemaVersion } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';
import { expectEveryViewIndexed, testTicket } from '../support/cache';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'desk-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ticket = testTicket;

describe('cache migrations', () => {
  it('apply to an empty database, then re-run as no-ops', () => {
    const db = new Database(':memory:');
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db, MIGRATIONS)).toBe(MIGRATIONS.length);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)?.version);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['meta', 'tickets', 'ticket_events', 'users', 'teams', 'outbox', 'rejected_mutations']),
    );
    expect(migrate(db, MIGRATIONS)).toBe(0);
    db.close();
  });

  it('opens with WAL, synchronous=FULL and foreign keys, and reopens without migrating again', () => {
    const dir = tempDir();
    const db = openCache(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    createRepos(db).tickets.put(ticket(1));
    db.close();

    const again = openCache(dir);
    expect(migrate(again, MIGRATIONS)).toBe(0);
    expect(createRepos(again).tickets.get(ticket(1).id)?.title).toBe('t1');
    again.close();
  });

  it('refuses a cache written by a newer schema', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 999');
    expect(() => migrate(db, MIGRATIONS)).toThrow(/newer/);
    db.close();
  });

  it('keeps one client id per profile: stable across reopen, new for a new profile dir', () => {
    const dir = tempDir();
    const first = createRepos(openCache(dir));
    const id = first.meta.clientId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    first.db.close();

    const reopened = createRepos(openCache(dir));
    expect(reopened.meta.clientId()).toBe(id);
    reopened.db.close();

    const other = createRepos(openCache(tempDir()));
    expect(other.meta.clientId()).not.toBe(id);
    other.db.close();
  });
});

describe('ticket repository', () => {
  const me = '11111111-1111-4111-8111-111111111111';

  it('lists each view in its order with totals, and counts views', () => {
    const repos = createRepos(openCache(tempDir()));
    repos.tickets.put(ticket(1));
    repos.tickets.put(ticket(2, { assigneeId: me }));
    repos.tickets.put(ticket(3, { status: 'closed', closedAt: new Date().toISOString() }));
    // Closed 10 days ago: in "all", no longer in "recently closed".
    repos.tickets.put(
      ticket(4, { status: 'cancelled', closedAt: new Date(Date.now() - 10 * 86_400_000).toISOString() }),
    );
    repos.tickets.put(ticket(5, { assigneeId: '22222222-2222-4222-8222-222222222222' }));

    const ids = (view: ViewId) => repos.tickets.list(view, me, 0, 100).items.map((t) => t.title);
    // No SLA deadlines here: open views fall back to id order.
    expect(ids('inbox')).toEqual(['t1', 't2', 't5']);
    expect(ids('mine')).toEqual(['t2']);
    expect(ids('unassigned')).toEqual(['t1']);
    expect(ids('recently_closed')).toEqual(['t3']);
    expect(ids('all')).toEqual(['t5', 't4', 't3', 't2', 't1']);

    const page = repos.tickets.list('all', me, 1, 2);
    expect(page.total).toBe(5);
    expect(page.items.map((t) => t.title)).toEqual(['t4', 't3']);

    expect(Object.fromEntries(repos.tickets.counts(me).map((v) => [v.id, v.count]))).toMatchObject({
      inbox: 3,
      mine: 1,
      unassigned: 1,
      recently_closed: 1,
      all: 5,
    });
    expect(repos.tickets.counts(null).find((v) => v.id === 'mine')?.count).toBe(0);
    repos.db.close();
  });

  it('round-trips a ticket and returns its events oldest first; delete removes both', () => {
    const repos = createRepos(openCache(tempDir()));
    const t = ticket(7, { code: 'BX-20260101-0001', phone: '13800000000', teamId: 'plumbing' });
    repos.tickets.put(t);
    const ev = (n: number, minute: number) => ({
      id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
      ticketId: t.id,
      kind: 'comment' as const,
      body: `c${n}`,
      data: { n },
      authorId: me,
      createdAt: new Date(Date.UTC(2026, 0, 2, 0, minute)).toISOString(),
    });
    repos.tickets.putEvent(ev(2, 5));
    repos.tickets.putEvent(ev(1, 1));
    // The cache keeps the phone masked (issue 11 §4); everything else as it came.
    expect(repos.tickets.get(t.id)).toEqual({ ...t, phone: '138 **** 0000' });
    expect(repos.tickets.events(t.id).map((e) => e.body)).toEqual(['c1', 'c2']);
    expect(repos.tickets.events(t.id)[0]?.data).toEqual({ n: 1 });
    repos.tickets.delete(t.id);
    expect(repos.tickets.get(t.id)).toBeUndefined();
    expect(repos.tickets.events(t.id)).toEqual([]);
    repos.db.close();
  });

  it('answers every view page and count from an index, without sorting or scanning the table', () => {
    const repos = createRepos(openCache(tempDir()));
    expectEveryViewIndexed(repos.db, me);
    repos.db.close();
  });
});
