import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SearchResult } from '../../common/contract';
import type { Ticket } from '../../common/domain';
import type { CacheRepos } from '../../main/cache';
import { migrate } from '../../main/cache/migrate';
import { MIGRATIONS } from '../../main/cache/migrations';
import { highlight, parseQuery } from '../../main/cache/search';
import { openTempCache, testCode, testTicket } from '../support/cache';
import { testPhoneHash } from '../support/phone-hash';

let cache: ReturnType<typeof openTempCache>;
let repos: CacheRepos;
beforeEach(() => {
  cache = openTempCache('desk-search-');
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
const marked = (r: SearchResult, index = 0) =>
  (r.items[index]?.highlights ?? []).flatMap((h) => h.ranges.map(([s, e]) => h.text.slice(s, e)));

describe('tickets.searchTickets', () => {
  it('finds Chinese substrings of two characters (below the trigram minimum) and of three or more', () => {
    const leak = put({ title: '厨房漏水严重', description: '楼上卫生间水管破裂，水顺着吊顶往下滴。' });
    put({ title: '电梯异响', description: '3号梯运行时有异响。' });
    expect(codes(search('漏水'))).toEqual([leak.code]);
    expect(codes(search('水管'))).toEqual([leak.code]);
    expect(codes(search('漏水严重'))).toEqual([leak.code]);
    expect(codes(search('卫生间'))).toEqual([leak.code]);
    expect(codes(search('漏'))).toEqual([leak.code]);
    expect(search('燃气')).toEqual({ total: 0, items: [] });
    expect(marked(search('漏水'))).toEqual(['漏水']);
    // A short and a long term together: the FTS hits filtered by the short one.
    expect(codes(search('卫生间 漏水'))).toEqual([leak.code]);
    expect(codes(search('卫生间 电梯'))).toEqual([]);
  });

  it('finds by ticket code, whole or partial, case-insensitively, exact code first', () => {
    const a = put({ code: 'BX-20260315-0012', title: '客厅插座没电' });
    // Mentions the code in its text (a follow-up of it): matched too, but after the exact code.
    const b = put({ code: 'BX-20260316-0001', title: '返修 BX-20260315-0012', description: '同 BX-20260315-0012' });
    put({ code: 'TS-20260315-0003', title: '噪音投诉' });
    expect(codes(search('BX-20260315-0012'))).toEqual([a.code, b.code]);
    expect(codes(search('bx-20260315-0012'))[0]).toBe(a.code);
    expect(codes(search('20260315')).sort()).toEqual(['BX-20260315-0012', 'BX-20260316-0001', 'TS-20260315-0003']);
    expect(search('BX-2026').total).toBe(2);
  });

  it('finds a whole phone number in any format by its hash, and a partial one by the digits it shows', () => {
    // Pulled tickets come masked with their hash; an optimistic one with the typed number (masked when written).
    const t = put({ phone: '138 **** 5678', phoneHash: testPhoneHash('+8613812345678'), residentName: '王芳' });
    const landline = put({ phone: '021-6123 4567' });
    expect(codes(search('13812345678'))).toEqual([t.code]);
    expect(codes(search('138 1234 5678'))).toEqual([t.code]);
    expect(codes(search('+86 138-1234-5678'))).toEqual([t.code]);
    expect(codes(search('5678'))).toEqual([t.code]);
    expect(codes(search('021-61234567'))).toEqual([landline.code]);
    expect(codes(search('王芳'))).toEqual([t.code]);
    expect(marked(search('138-1234-5678'))).toEqual(['138 **** 5678']);
    // Nothing of a whole number is kept to be found by its middle digits.
    expect(codes(search('1234'))).toEqual([]);
    expect(JSON.stringify(repos.db.prepare('SELECT * FROM tickets_fts').all())).not.toContain('61234567');
  });

  it('finds units by full or partial room number', () => {
    const t = put({ unitCode: '3-1-502' });
    put({ unitCode: '13-1-503' });
    const other = put({ unitCode: '7-1-502' });
    expect(codes(search('3-1-502'))).toEqual([t.code]);
    expect(codes(search('1-502')).sort()).toEqual([t.code, other.code].sort());
    expect(codes(search('502')).sort()).toEqual([t.code, other.code].sort());
  });

  it('never throws on FTS syntax or LIKE wildcards in the input', () => {
    put({ title: '50% 折扣 "特价" (促销)_a' });
    const nasty = [
      '"',
      '""',
      '"漏水',
      '*',
      'a*',
      'NEAR(a b)',
      'title:漏水',
      '-漏水',
      '^abc',
      'AND',
      'OR OR',
      'NOT',
      '(',
      ')))',
      '{code}',
      '\\',
      '%',
      '_',
      '%%%',
      "'; DROP TABLE tickets; --",
      '\u0000',
      '   ',
      '',
      '😀',
      'x'.repeat(5000),
    ];
    for (const q of nasty) expect(() => search(q)).not.toThrow();
    expect(search('%').items).toHaveLength(1);
    expect(search('_').items).toHaveLength(1);
    expect(search('50%').items).toHaveLength(1);
    expect(search('"特价"').items).toHaveLength(1);
    expect(search('(促销)').items).toHaveLength(1);
    expect(search('').items).toEqual([]);
  });

  it('reflects inserts, updates and deletes (the triggers)', () => {
    const t = put({ title: '阳台漏水' });
    expect(codes(search('阳台漏水'))).toEqual([t.code]);
    repos.tickets.put({ ...t, title: '阳台推拉门卡住', version: 2 });
    expect(search('阳台漏水').items).toEqual([]);
    expect(search('漏水').items).toEqual([]);
    expect(codes(search('推拉门'))).toEqual([t.code]);
    // A change that does not touch the searched columns keeps it findable.
    repos.tickets.put({ ...t, title: '阳台推拉门卡住', status: 'closed', version: 3 });
    expect(codes(search('推拉门'))).toEqual([t.code]);
    repos.tickets.delete(t.id);
    expect(search('推拉门')).toEqual({ total: 0, items: [] });
    expect(repos.db.prepare('SELECT count(*) AS n FROM tickets_fts').get()).toEqual({ n: 0 });
  });

  it('leaves both search indexes alone when a write changes no searched text (migration 014)', () => {
    const t = put({ title: '阳台漏水', description: '推拉门轨道积水' });
    const rowsWritten = (write: () => void) => {
      const before = repos.db.prepare('SELECT total_changes() AS n').get() as { n: number };
      write();
      return (repos.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n - before.n;
    };
    // An assignment: the ticket row only (the update triggers would add a delete and an insert per index).
    expect(rowsWritten(() => repos.tickets.put({ ...t, assigneeId: 'u2', version: 2 }))).toBe(1);
    expect(codes(search('漏水'))).toEqual([t.code]);
    expect(codes(search('阳台漏水'))).toEqual([t.code]);
    // A searched column that changed, and one that went from text to none: both indexes follow.
    expect(rowsWritten(() => repos.tickets.put({ ...t, description: '门锁坏了', version: 3 }))).toBeGreaterThan(1);
    expect(codes(search('积水'))).toEqual([]);
    expect(codes(search('轨道积'))).toEqual([]);
    expect(codes(search('门锁'))).toEqual([t.code]);
    repos.tickets.put({ ...t, description: '门锁坏了', residentName: null, version: 4 });
    expect(codes(search('门锁坏了'))).toEqual([t.code]);
  });

  it('ranks by relevance for FTS and open-then-newest for the short-query fallback', () => {
    const inDescription = put({ title: '其他问题', description: '顺便说一下电梯按钮不亮' });
    const inTitle = put({ title: '电梯按钮不亮' });
    expect(codes(search('电梯按钮'))).toEqual([inTitle.code, inDescription.code]);

    const closedNew = put({ title: '窗户漏风', status: 'closed' });
    const openOld = put({ title: '门缝漏风' });
    const openNew = put({ title: '阳台漏风' });
    expect(codes(search('漏风'))).toEqual([openNew.code, openOld.code, closedNew.code]);
    // Pages of the fallback: no overlap, nothing skipped, across the open/closed boundary.
    const pages = [0, 1, 2, 3].map((offset) => codes(search('漏风', 1, offset)));
    expect(pages).toEqual([[openNew.code], [openOld.code], [closedNew.code], []]);
    expect(search('漏风', 1, 0).total).toBeUndefined();
    expect(search('漏风', 10, 0).total).toBe(3);
    expect(search('漏风', 10, 2).total).toBe(3);
  });

  it('pages FTS results with a total', () => {
    for (let i = 0; i < 5; i++) put({ title: `地下车库积水 ${i}` });
    const first = search('地下车库', 2, 0);
    const second = search('地下车库', 2, 2);
    expect(first.total).toBe(5);
    expect(new Set([...codes(first), ...codes(second)]).size).toBe(4);
  });

  it('backfills tickets cached before the index existed (migration 004)', () => {
    const old = new Database(join(cache.dir, 'old.sqlite3'));
    try {
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version < 4),
      );
      const t = ticket({ title: '水表读数异常' });
      // Written as the schema-3 cache held it (today's repository writes columns added later).
      old
        .prepare(
          `INSERT INTO tickets (id, code, type, category, channel, priority, status, title, description, created_at,
             updated_at, version, is_open, updated_ms, tags)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, '[]')`,
        )
        .run(
          t.id,
          t.code,
          t.type,
          t.category,
          t.channel,
          t.priority,
          t.status,
          t.title,
          t.description,
          t.createdAt,
          t.updatedAt,
          t.version,
          Date.parse(t.updatedAt),
        );
      // Up to 009: migration 010 wipes every cached row (they held whole phone numbers, issue 11 §4).
      expect(
        migrate(
          old,
          MIGRATIONS.filter((m) => m.version < 10),
        ),
      ).toBeGreaterThan(0);
      const hits = old.prepare(`SELECT t.code FROM tickets_fts f JOIN tickets t ON t.rowid = f.rowid
        WHERE tickets_fts MATCH '"水表读数"'`);
      expect(hits.all()).toEqual([{ code: t.code }]);
    } finally {
      old.close();
    }
  });
});

describe('search query parsing and highlights', () => {
  it('quotes every long term and normalizes full-width input', () => {
    expect(parseQuery('漏水 "x" OR y*').match).toBe('"""x"""');
    expect(parseQuery('ＢＸ－２０２６').terms).toEqual(['BX-2026']);
    expect(parseQuery('  ').terms).toEqual([]);
    expect(parseQuery('a b a').terms).toEqual(['a', 'b']);
  });

  it('marks ranges inside a snippet of long text', () => {
    const long = `${'前'.repeat(100)}漏水${'后'.repeat(100)}`;
    const [h] = highlight(ticket({ description: long, title: 'x' }), ['漏水']);
    expect(h?.field).toBe('description');
    expect(h?.text.startsWith('…')).toBe(true);
    expect(h?.text.endsWith('…')).toBe(true);
    const [s, e] = h?.ranges[0] ?? [0, 0];
    expect(h?.text.slice(s, e)).toBe('漏水');
  });
});
