/**
 * The short-term search index (migration 007, main/cache/short-search.ts): 1–2 character terms answered through
 * the bigram index must give exactly what the LIKE fallback gives, and the index must follow every write.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../common/contract';
import type { Ticket } from '../../common/domain';
import { isOpen } from '../../common/workflows';
import type { CacheRepos } from '../../main/cache';
import { createBulkLoad } from '../../main/cache/bulk-load';
import { parseQuery } from '../../main/cache/search';
import { SHORT_SORTED_MAX, SHORT_WALK_MAX, shortMatch } from '../../main/cache/short-search';
import { openTempCache, testCode, testTicket } from '../support/cache';

let cache: ReturnType<typeof openTempCache>;
let repos: CacheRepos;
beforeEach(() => {
  cache = openTempCache('desk-search-short-');
  repos = cache.repos;
});
afterEach(() => cache.dispose());

let n = 0;
const ticket = (patch: Partial<Ticket> = {}): Ticket => {
  n++;
  return testTicket(n, { code: testCode(n), title: '门禁卡失灵', ...patch });
};

const put = (patch: Partial<Ticket> = {}) => {
  const t = ticket(patch);
  repos.tickets.put(t);
  return t;
};
const search = (q: string, limit = 20, offset = 0): SearchResult => repos.tickets.searchTickets(q, { limit, offset });
const codes = (r: SearchResult) => r.items.map((i) => i.ticket.code);
/** Rowids the bigram index itself proposes for a MATCH expression (the candidates, before the LIKE check). */
const indexed = (match: string) =>
  repos.db
    .prepare<[string], { rowid: number }>('SELECT rowid FROM tickets_fts_short WHERE tickets_fts_short MATCH ?')
    .all(match).length;

/** What the LIKE fallback means, computed by hand: every term a substring (ASCII case folded) of some field. */
function reference(tickets: readonly Ticket[], terms: readonly string[]): string[] {
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const fields = (t: Ticket) => [t.code, t.title, t.description, t.residentName, t.phone, t.unitCode];
  return tickets
    .filter((t) => terms.every((term) => fields(t).some((f) => f !== null && fold(f).includes(fold(term)))))
    .sort(
      (a, b) =>
        Number(isOpen(b.status)) - Number(isOpen(a.status)) ||
        Date.parse(b.updatedAt) - Date.parse(a.updatedAt) ||
        (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .map((t) => t.code ?? '');
}

describe('short-term search index (migration 007)', () => {
  it('answers Chinese 1- and 2-character terms from the index, exactly as LIKE would', () => {
    const leak = put({ title: '厨房漏水严重', description: '楼上卫生间水管破裂。' });
    const end = put({ title: '阳台漏水' }); // the term at the very end of a column
    const whole = put({ title: '其他', description: '漏' }); // a column of one character
    put({ title: '漏，水' }); // the characters apart: proposed by "漏"*, never by "漏水"
    expect(indexed('"漏水"')).toBe(2);
    expect(codes(search('漏水')).sort()).toEqual([leak.code, end.code].sort());
    expect(codes(search('漏')).length).toBe(4);
    expect(codes(search('重'))).toEqual([leak.code]);
    expect(codes(search('漏')).includes(whole.code)).toBe(true);
    expect(codes(search('严重 厨房'))).toEqual([leak.code]);
    expect(search('燃气')).toEqual({ total: 0, items: [] });
    // Highlights still come from the terms.
    expect(search('水管').items[0]?.highlights.find((h) => h.field === 'description')?.ranges).toEqual([[5, 7]]);
  });

  it('answers digits and Latin letters, case-insensitively', () => {
    const a = put({ phone: '+8613812345678', unitCode: '3-1-502' });
    const b = put({ code: 'TS-20260101-7788', residentName: 'Li Lei' });
    expect(codes(search('56'))).toEqual([a.code]);
    expect(codes(search('7'))).toEqual([b.code, a.code]);
    expect(codes(search('ts'))).toEqual([b.code]);
    expect(codes(search('LI'))).toEqual([b.code]);
    // "-5" holds a separator: not the index's to answer, still found by the LIKE walk.
    expect(shortMatch(['-5'])).toBeNull();
    expect(codes(search('-5'))).toEqual([a.code]);
  });

  it('follows updates and deletes', () => {
    const t = put({ title: '阳台漏水' });
    expect(indexed('"漏水"')).toBe(1);
    repos.tickets.put({ ...t, title: '阳台推拉门卡住', version: 2 });
    expect(indexed('"漏水"')).toBe(0);
    expect(search('漏水').items).toEqual([]);
    expect(codes(search('卡住'))).toEqual([t.code]);
    // A status change leaves the searched columns (and the index row) alone, and the order follows is_open.
    const other = put({ title: '推拉门坏了' });
    repos.tickets.put({ ...other, status: 'cancelled', version: 2 });
    expect(codes(search('拉门'))).toEqual([t.code, other.code]);
    repos.tickets.delete(t.id);
    expect(codes(search('拉门'))).toEqual([other.code]);
    repos.tickets.delete(other.id);
    expect(repos.db.prepare('SELECT count(*) AS n FROM tickets_fts_short').get()).toEqual({ n: 0 });
  });

  it('pages like the LIKE walk: open then closed, newest first, a total on the last page', () => {
    const closedNew = put({ title: '窗户漏风', status: 'closed' });
    const openOld = put({ title: '门缝漏风' });
    const openNew = put({ title: '阳台漏风' });
    const pages = [0, 1, 2, 3].map((offset) => codes(search('漏风', 1, offset)));
    expect(pages).toEqual([[openNew.code], [openOld.code], [closedNew.code], []]);
    expect(search('漏风', 1, 0).total).toBeUndefined();
    expect(search('漏风', 10, 0).total).toBe(3);
    expect(search('漏风', 10, 2).total).toBe(3);
    expect(search('漏风', 10, 5)).toEqual({ total: 3, items: [] });
  });

  it('gives the same pages whether candidates are sorted, walked, or left to the LIKE walk', () => {
    const all: Ticket[] = [];
    repos.db.transaction(() => {
      for (let i = 0; i < SHORT_WALK_MAX + 50; i++) {
        // 电梯 in every ticket (many), 异响 in half (some), 停运 in every eighth (few), "7" in the codes.
        const title = `电梯${i % 2 === 0 ? '异响' : '故障'}${i % 8 === 0 ? '停运' : ''}`;
        all.push(put({ title, status: i % 3 === 0 ? 'closed' : 'new' }));
      }
    })();
    expect(indexed('"电梯"')).toBeGreaterThan(SHORT_WALK_MAX);
    expect(indexed('"异响"')).toBeGreaterThan(SHORT_SORTED_MAX);
    expect(indexed('"异响"')).toBeLessThanOrEqual(SHORT_WALK_MAX);
    expect(indexed('"停运"')).toBeLessThanOrEqual(SHORT_SORTED_MAX);
    for (const terms of [['电梯'], ['异响'], ['停运'], ['异响', '梯'], ['7'], ['停运', '7']]) {
      const expected = reference(all, terms);
      const openCount = expected.filter((code) => all.find((t) => t.code === code)?.status !== 'closed').length;
      // First page, a page across the open/closed boundary, the last page, and one past the end.
      for (const offset of [0, Math.max(0, openCount - 10), Math.max(0, expected.length - 5), expected.length + 3]) {
        const page = search(terms.join(' '), 30, offset);
        expect(codes(page)).toEqual(expected.slice(offset, offset + 30));
        if (page.items.length < 30) expect(page.total).toBe(expected.length);
      }
    }
  });

  it('matches a hand-computed LIKE search for random text and terms (property)', () => {
    const alphabet = ['漏', '水', '电', '梯', 'a', 'B', '1', '2', '-', '，', ' ', '%'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }).map((cs) => cs.join(''));
    const term = fc
      .array(fc.constantFrom(...alphabet.filter((c) => c !== ' ')), { minLength: 1, maxLength: 2 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, description: text, closed: fc.boolean() }), { maxLength: 12 }),
        fc.array(term, { minLength: 1, maxLength: 2 }),
        (rows, terms) => {
          repos.db.exec('DELETE FROM tickets');
          const tickets = rows.map((r) =>
            put({ title: r.title, description: r.description, status: r.closed ? 'closed' : 'new' }),
          );
          // The query's terms as the search sees them (NFKC: "，" is searched as ",").
          const query = terms.join(' ');
          expect(codes(search(query, 50))).toEqual(reference(tickets, parseQuery(query).terms));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is filled after a bulk load, in slices, like the trigram index', async () => {
    const bulk = createBulkLoad(repos.db, repos.meta);
    expect(bulk.begin()).toBe(true);
    const loaded = [put({ title: '地漏堵塞' }), put({ title: '水表读数异常' })];
    // Without its triggers the index is empty; search answers by LIKE meanwhile.
    expect(indexed('"地漏"')).toBe(0);
    expect(codes(search('地漏'))).toEqual([loaded[0]?.code]);
    await bulk.finish();
    const after = put({ title: '地漏反味' }); // indexed by the restored trigger
    await bulk.completeInBackground();
    expect(indexed('"地漏"')).toBe(2);
    expect(indexed('"水表"')).toBe(1);
    expect(codes(search('地漏'))).toEqual([after.code, loaded[0]?.code]);
  });
});
