import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ticket } from '../../common/domain';
import type { DirectoryResident } from '../../common/residents/directory';
import { createRepos, openCache, type CacheDb, type CacheRepos } from '../../main/cache';
import { createDuplicateQuery } from '../../main/cache/duplicates';
import { bindToServer } from '../../main/cache/identity';
import { createResidentRepo, type ResidentRepo } from '../../main/cache/residents';
import { directoryPhone, testPhoneHash } from '../support/phone-hash';

const unit = (id: string, code: string, relation = 'owner') => ({
  id,
  code,
  projectId: id.split('-')[0] ?? 'p1',
  projectName: id.startsWith('p2') ? '翠湖天地' : '锦绣华庭',
  relation,
});

const RESIDENTS: DirectoryResident[] = [
  {
    id: 'r1',
    name: '张伟',
    tags: ['elderly'],
    phones: [directoryPhone('138 0013 8000')],
    units: [unit('p1-3-1-502', '3-1-502')],
  },
  {
    id: 'r2',
    name: '张伟明',
    tags: [],
    phones: [directoryPhone('139-1111-2222')],
    units: [unit('p1-7-1-502', '7-1-502')],
  },
  {
    id: 'r3',
    name: '李娜',
    tags: [],
    phones: [directoryPhone('021-6234 5678')],
    units: [unit('p1-3-2-502', '3-2-502'), unit('p1-3-1-503', '3-1-503', 'tenant')],
  },
  {
    id: 'r4',
    name: '王芳',
    tags: [],
    phones: [directoryPhone('137 0000 8000')],
    units: [unit('p2-3-1-502', '3-1-502')],
  },
  {
    id: 'r5',
    name: '赵敏',
    tags: [],
    phones: [directoryPhone('ext 1502')],
    units: [unit('p1-13-1-1502', '13-1-1502')],
  },
];

const dirs: string[] = [];
let db: CacheDb;
let repos: CacheRepos;
let residents: ResidentRepo;

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'desk-residents-'));
  dirs.push(dir);
  db = openCache(dir);
  repos = createRepos(db);
  residents = createResidentRepo(db, testPhoneHash);
  residents.applyPage(RESIDENTS, '7:5');
});
afterEach(() => {
  db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const ids = (q: string) => residents.lookup(q, 20).map((m) => m.resident.id);

describe('residents directory in the cache', () => {
  it('stores pages whole and remembers the cursor', () => {
    expect(residents.count()).toBe(5);
    expect(residents.isEmpty()).toBe(false);
    expect(residents.cursor()).toBe('7:5');
    // A resident that moved and changed number arrives again, whole: the old phone and unit are gone.
    residents.applyPage(
      [
        {
          ...RESIDENTS[0]!,
          phones: [directoryPhone('186 0000 0001')],
          units: [unit('p1-9-9-909', '9-9-909')],
        },
      ],
      '8:1',
    );
    expect(residents.cursor()).toBe('8:1');
    expect(ids('13800138000')).toEqual([]);
    expect(ids('3-1-502')).toEqual(['r4']);
    expect(ids('18600000001')).toEqual(['r1']);
    expect(residents.get('r1')?.units.map((u) => u.code)).toEqual(['9-9-909']);
  });

  it('finds a unit by its full code in every project, exact matches first', () => {
    const matches = residents.lookup('3栋1单元502室', 20);
    expect(matches.map((m) => m.resident.id)).toEqual(['r4', 'r1']); // 王 < 张 in zh-CN order
    expect(matches.every((m) => m.matchedBy === 'unit' && m.exact)).toBe(true);
    expect(matches.find((m) => m.resident.id === 'r1')?.unitIds).toEqual(['p1-3-1-502']);
  });

  it('finds partial room numbers by suffix at a dash boundary', () => {
    expect(new Set(ids('1-502'))).toEqual(new Set(['r1', 'r2', 'r4']));
    expect(new Set(ids('502'))).toEqual(new Set(['r1', 'r2', 'r3', 'r4']));
    // "1502" is not "…-502": the suffix stops at a dash.
    expect(ids('502')).not.toContain('r5');
    const r3 = residents.lookup('2-502', 20);
    expect(r3.map((m) => [m.resident.id, m.exact, m.unitIds])).toEqual([['r3', false, ['p1-3-2-502']]]);
  });

  it('finds phones in any format exactly, and partial numbers by their last digits', () => {
    expect(ids('+86 138-0013-8000')).toEqual(['r1']);
    expect(ids('8613800138000')).toEqual(['r1']);
    expect(ids('(021) 62345678')).toEqual(['r3']);
    expect(residents.lookup('138 0013 8000', 20)[0]).toMatchObject({ matchedBy: 'phone', exact: true });
    expect(new Set(ids('8000'))).toEqual(new Set(['r1', 'r4']));
    // The cache shows a number's last 4 digits only: a longer partial number matches on those.
    expect(new Set(ids('0013 8000'))).toEqual(new Set(['r1', 'r4']));
    expect(ids('5678')).toEqual(['r3']);
  });

  it('ranks an exact unit before a phone suffix for ambiguous digits', () => {
    // "1502": room 1502 of building 13 (unit suffix); the short number "ext 1502" shows only its last 2 digits.
    const [first] = residents.lookup('1502', 20);
    expect(first?.resident.id).toBe('r5');
  });

  it('finds names by prefix, the exact name first, and respects the limit', () => {
    expect(ids('张伟')).toEqual(['r1', 'r2']);
    expect(residents.lookup('张伟', 20)[0]).toMatchObject({ matchedBy: 'name', exact: true });
    expect(ids('张')).toEqual(['r1', 'r2']);
    expect(residents.lookup('张', 1)).toHaveLength(1);
    expect(ids('钱')).toEqual([]);
    expect(ids('')).toEqual([]);
  });

  it('answers phone and unit lookups from indexes, never by scanning', () => {
    const plans = [
      `SELECT resident_id, unit_id FROM resident_units WHERE code = '3-1-502'`,
      `SELECT resident_id, unit_id FROM resident_units WHERE code_rev >= '205-' AND code_rev < '205.'`,
      `SELECT resident_id FROM resident_phones WHERE hash = '${testPhoneHash('+8613800138000')}'`,
      `SELECT resident_id FROM resident_phones WHERE digits_rev >= '0008' AND digits_rev < '0009'`,
      `SELECT id, name FROM residents WHERE name >= '张' AND name < '张' ORDER BY name`,
    ].map((sql) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; '),
    );
    for (const plan of plans) {
      expect(plan).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY/);
      expect(plan).not.toMatch(/^SCAN/);
    }
  });

  it('keeps phones masked with their hash, never whole', () => {
    const stored = JSON.stringify(db.prepare('SELECT * FROM resident_phones').all());
    for (const whole of ['13800138000', '0013', '62345678', '+86']) expect(stored).not.toContain(whole);
    expect(residents.get('r1')?.phones).toEqual([{ shown: '138 **** 8000', hash: testPhoneHash('+8613800138000') }]);
  });

  it('finds a whole number by its last digits when the desk holds no secret (signed out)', () => {
    const unkeyed = createResidentRepo(db, () => null);
    expect(new Set(unkeyed.lookup('13800138000', 20).map((m) => m.resident.id))).toEqual(new Set(['r1', 'r4']));
  });

  it('deletes an erased resident (a tombstone) with their phones and units', () => {
    residents.applyPage([{ id: 'r3', deleted: true }], '9:1');
    expect(residents.get('r3')).toBeUndefined();
    expect(residents.count()).toBe(4);
    expect(residents.cursor()).toBe('9:1');
    expect(ids('(021) 62345678')).toEqual([]);
    expect(ids('2-502')).toEqual([]);
    expect(ids('李娜')).toEqual([]);
    const left = (table: string) =>
      db.prepare(`SELECT count(*) AS n FROM ${table} WHERE resident_id = 'r3'`).get() as { n: number };
    expect(left('resident_phones').n + left('resident_units').n).toBe(0);
    // A tombstone for a resident this desk never had is nothing to delete.
    residents.applyPage([{ id: 'nobody', deleted: true }], '9:2');
    expect(residents.count()).toBe(4);
  });

  it('is wiped with the rest of the cache when the desk moves to another server', () => {
    bindToServer(db, repos.meta, 'http://a.example');
    repos.phoneHash.set(Buffer.alloc(32, 1).toString('base64'));
    expect(repos.phoneHash.hash('+8613800138000')).toMatch(/^[0-9a-f]{32}$/);
    bindToServer(db, repos.meta, 'http://b.example');
    expect(residents.isEmpty()).toBe(true);
    expect(residents.cursor()).toBeNull();
    // The other server's phone hash secret goes with the session.
    expect(repos.phoneHash.has()).toBe(false);
    expect(repos.phoneHash.hash('+8613800138000')).toBeNull();
  });
});

describe('duplicate query on the cache', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  let n = 0;
  const put = (over: Partial<Ticket>): Ticket => {
    n++;
    // parse fills the fields this test does not care about (SLA clocks) with their defaults.
    const t = Ticket.parse({
      id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      code: `BX-20261126-${String(n).padStart(4, '0')}`,
      type: 'repair',
      category: 'plumbing',
      channel: 'phone',
      priority: 2,
      status: 'new',
      title: '漏水',
      description: '',
      unitId: 'p1-3-1-502',
      unitCode: '3-1-502',
      residentId: 'r1',
      residentName: '张伟',
      phone: null,
      teamId: 'plumbing',
      assigneeId: null,
      createdBy: null,
      createdAt: '2026-11-26T07:00:00Z',
      updatedAt: '2026-11-26T07:00:00Z',
      closedAt: null,
      version: 1,
      tags: [],
      ...over,
    });
    repos.tickets.put(t);
    return t;
  };

  it('offers only open tickets of the same unit and category from the last 72 h, newest first', () => {
    const hit = put({});
    const older = put({ createdAt: '2026-11-23T12:00:00Z' }); // exactly 72 h
    put({ createdAt: '2026-11-23T11:59:59Z' }); // too old
    put({ unitId: 'p1-3-1-503', unitCode: '3-1-503' });
    put({ category: 'electrical' });
    put({ status: 'closed', closedAt: '2026-11-26T08:00:00Z' });
    const found = createDuplicateQuery(db, repos.tickets).find({ unitId: 'p1-3-1-502', category: 'plumbing' }, now);
    expect(found.map((t) => t.id)).toEqual([hit.id, older.id]);
  });
});
