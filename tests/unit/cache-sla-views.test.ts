/**
 * The SLA and queue views of the cache (issue 4 item 3): overdue and at-risk move with `now`, open views are in
 * SLA-urgency order (paused and clock-less last), counts agree with the pages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VIEW_IDS, type ViewId } from '../../common/contract';
import type { Ticket } from '../../common/domain';
import { createRepos, openCache, type CacheRepos } from '../../main/cache';
import { testTicket } from '../support/cache';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function repos(): CacheRepos {
  const dir = mkdtempSync(join(tmpdir(), 'desk-sla-views-'));
  dirs.push(dir);
  return createRepos(openCache(dir));
}

const NOW = Date.UTC(2026, 10, 26, 2, 0);
const iso = (minutesFromNow: number) => new Date(NOW + minutesFromNow * 60_000).toISOString();
const me = '11111111-1111-4111-8111-111111111111';

/** An accepted P2 plumbing repair created 10 h before NOW, its last change `n` minutes before NOW. */
const ticket = (n: number, patch: Partial<Ticket> = {}): Ticket =>
  testTicket(n, {
    priority: 2,
    status: 'accepted',
    teamId: 'plumbing',
    createdAt: iso(-600),
    updatedAt: iso(-n),
    ...patch,
  });

/** A running clock: due in `due` minutes, at risk from `risk` minutes (relative to NOW). */
const clock = (due: number, risk: number): Partial<Ticket> => ({
  slaMilestone: 'respond',
  slaStartedAt: iso(-600),
  slaDueAt: iso(due),
  slaRiskAt: iso(risk),
});

function fill(r: CacheRepos): void {
  r.tickets.put(ticket(1, clock(-30, -60))); // overdue by 30 min
  r.tickets.put(ticket(2, clock(20, -10))); // at risk, 20 min left
  r.tickets.put(ticket(3, { ...clock(300, 200), assigneeId: me, teamId: 'electrical' })); // fine
  r.tickets.put(
    ticket(4, {
      status: 'on_hold',
      slaMilestone: 'respond',
      slaStartedAt: iso(-600),
      slaPausedAt: iso(-5),
      slaRemainingMinutes: 12,
      slaPauses: [{ start: iso(-5), end: null }],
    }),
  ); // paused: neither overdue nor at risk, sorted last
  r.tickets.put(ticket(5, { ...clock(60, 30), status: 'confirmed', slaMilestone: 'followUp' })); // awaiting 回访
  r.tickets.put(ticket(6, { type: 'fee', status: 'promised', teamId: 'finance' })); // waiting on the resident
  r.tickets.put(ticket(7, { status: 'closed', closedAt: iso(-60) }));
  r.tickets.put(ticket(8, { status: 'cancelled', closedAt: iso(-3 * 24 * 60) }));
  r.tickets.put(ticket(9, { status: 'closed', closedAt: iso(-8 * 24 * 60) })); // closed too long ago
  r.tickets.put(ticket(10, { ...clock(-5, -20), status: 'closed', closedAt: iso(-1) })); // closed: never overdue
}

describe('SLA views in the cache', () => {
  const titles = (r: CacheRepos, view: ViewId, now = NOW) =>
    r.tickets.list(view, me, 0, 100, new Date(now)).items.map((t) => t.title);

  it('overdue and at risk hold open tickets by deadline, and move with the clock', () => {
    const r = repos();
    fill(r);
    expect(titles(r, 'overdue')).toEqual(['t1']);
    expect(titles(r, 'at_risk')).toEqual(['t2']);
    // 25 minutes later t2 is overdue too and t5 (risk at +30) is not yet at risk.
    expect(titles(r, 'overdue', NOW + 25 * 60_000)).toEqual(['t1', 't2']);
    expect(titles(r, 'at_risk', NOW + 25 * 60_000)).toEqual([]);
    // 45 minutes later t5 is at risk.
    expect(titles(r, 'at_risk', NOW + 45 * 60_000)).toEqual(['t5']);
    r.db.close();
  });

  it('orders open views by urgency: earliest deadline first, paused and clock-less last, then id', () => {
    const r = repos();
    fill(r);
    expect(titles(r, 'inbox')).toEqual(['t1', 't2', 't5', 't3', 't4', 't6']);
    expect(titles(r, 'team.plumbing')).toEqual(['t1', 't2', 't5', 't4']);
    expect(titles(r, 'team.electrical')).toEqual(['t3']);
    expect(titles(r, 'mine')).toEqual(['t3']);
    expect(titles(r, 'unassigned')).toEqual(['t1', 't2', 't5', 't4', 't6']);
    expect(titles(r, 'awaiting_follow_up')).toEqual(['t5']);
    expect(titles(r, 'waiting_on_resident')).toEqual(['t4', 't6']);
    expect(titles(r, 'recently_closed')).toEqual(['t10', 't7', 't8']);
    r.db.close();
  });

  it('counts every view at the given time, matching the pages', () => {
    const r = repos();
    fill(r);
    for (const now of [NOW, NOW + 25 * 60_000, NOW + 9 * 24 * 3600_000]) {
      const counts = r.tickets.counts(me, new Date(now));
      expect(counts.map((c) => c.id)).toEqual([...VIEW_IDS]);
      // The bulk load's one-scan counts say the same.
      expect(r.tickets.countsInOneScan(me, new Date(now))).toEqual(counts);
      for (const { id, count } of counts) {
        expect(count, `${id} at ${now}`).toBe(r.tickets.list(id, me, 0, 100, new Date(now)).total);
        expect(count, `${id} at ${now}`).toBe(titles(r, id, now).length);
      }
    }
    const at = (now: number) => Object.fromEntries(r.tickets.counts(me, new Date(now)).map((c) => [c.id, c.count]));
    expect(at(NOW)).toMatchObject({ overdue: 1, at_risk: 1, recently_closed: 3, all: 10 });
    // Nine days on: every running clock is overdue and nothing closed recently.
    expect(at(NOW + 9 * 24 * 3600_000)).toMatchObject({ overdue: 4, at_risk: 0, recently_closed: 0 });
    r.db.close();
  });

  it('locates every ticket at its row in each view that holds it, and nowhere else (the cursor follows a jump)', () => {
    const r = repos();
    fill(r);
    // Equal deadlines and equal update times too, so the id tie-break decides some rows.
    r.tickets.put(ticket(11, clock(-30, -60)));
    r.tickets.put(ticket(12, { ...clock(300, 200), updatedAt: iso(-3) }));
    const all = r.tickets.list('all', me, 0, 100, new Date(NOW)).items;
    for (const now of [NOW, NOW + 25 * 60_000]) {
      for (const view of VIEW_IDS) {
        const rows = r.tickets.list(view, me, 0, 100, new Date(now)).items.map((t) => t.id);
        for (const t of all) {
          const index = rows.indexOf(t.id);
          expect(r.tickets.position(view, me, t.id, new Date(now)), `${t.title} in ${view}`).toBe(
            index < 0 ? null : index,
          );
        }
      }
    }
    expect(r.tickets.position('all', me, '00000000-0000-4000-8000-000000000000')).toBeNull();
    r.db.close();
  });

  it('gives the same pages read from either end, and places each ticket on the page that holds it', () => {
    const r = repos();
    fill(r);
    r.tickets.put(ticket(11, clock(-30, -60)));
    r.tickets.put(ticket(12, { ...clock(300, 200), updatedAt: iso(-3) }));
    for (const now of [NOW, NOW + 25 * 60_000]) {
      for (const view of VIEW_IDS) {
        const whole = r.tickets.list(view, me, 0, 100, new Date(now)).items.map((t) => t.id);
        for (const size of [1, 3, 4]) {
          // Every page, the back half's read from the end: the same rows in the same order, the same total.
          for (let offset = 0; offset <= whole.length + size; offset += size) {
            const page = r.tickets.list(view, me, offset, size, new Date(now));
            expect(page.total, `${view} total`).toBe(whole.length);
            expect(
              page.items.map((t) => t.id),
              `${view} page ${offset}+${size}`,
            ).toEqual(whole.slice(offset, offset + size));
          }
          for (const [index, id] of whole.entries()) {
            const offset = Math.floor(index / size) * size;
            expect(r.tickets.place(view, me, id, size, new Date(now)), `${view} place ${index}/${size}`).toEqual({
              index,
              offset,
              page: r.tickets.list(view, me, offset, size, new Date(now)),
            });
          }
        }
      }
    }
    expect(r.tickets.place('all', me, '00000000-0000-4000-8000-000000000000', 3)).toBeNull();
    r.db.close();
  });

  it("counts a view again after any write, its own or another connection's", () => {
    const r = repos();
    fill(r);
    const total = () => r.tickets.list('all', me, 0, 2).total;
    expect(total()).toBe(10);
    r.tickets.put(ticket(11));
    expect(total()).toBe(11);
    r.tickets.delete(ticket(11).id);
    expect(total()).toBe(10);
    // A write rolled back leaves the count where it was.
    expect(() =>
      r.db.transaction(() => {
        r.tickets.put(ticket(12));
        expect(total()).toBe(11);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(total()).toBe(10);
    // Another connection to the same file (the kind of writer total_changes() does not see).
    const other = createRepos(openCache(dirs.at(-1) as string));
    other.tickets.put(ticket(13));
    expect(total()).toBe(11);
    other.db.close();
    r.db.close();
  });

  it('round-trips the SLA fields; a resumed ticket leaves the paused tail', () => {
    const r = repos();
    fill(r);
    const paused = r.tickets.get(ticket(4).id);
    expect(paused).toMatchObject({ slaPausedAt: iso(-5), slaRemainingMinutes: 12, slaDueAt: null });
    expect(paused?.slaPauses).toEqual([{ start: iso(-5), end: null }]);
    r.tickets.put(ticket(4, { ...clock(-1, -3), slaPauses: [{ start: iso(-5), end: iso(0) }] }));
    expect(titles(r, 'overdue')).toEqual(['t1', 't4']);
    expect(titles(r, 'waiting_on_resident')).toEqual(['t6']);
    r.db.close();
  });
});
