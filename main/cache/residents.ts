/**
 * The residents directory in the cache: pages from the server written whole, and the intake lookup (issue 4
 * item 5) by room, phone or name — every branch an index lookup or an index range, never a scan.
 *
 * Phones are kept masked with their keyed hash (issue 11 §4): a whole typed number is found by its hash, a partial
 * one by the digits a masked number still shows at its end. An erased resident's tombstone deletes them.
 */
import {
  isDirectoryTombstone,
  type DirectoryEntry,
  type DirectoryResident,
  type ResidentMatch,
} from '../../common/residents/directory';
import { MIN_PHONE_SUFFIX_DIGITS, maskPhone, maskedSuffix, type PhoneQuery } from '../../common/residents/phone';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import { parseLookupQuery } from '../../common/residents/query';
import type { RoomQuery } from '../../common/residents/room';
import { prefixUpperBound, reverse } from '../../common/residents/text';
import type { CacheDb } from './db';

/** Candidates read per branch before ranking: "502" alone matches a room on every floor of every building. */
const BRANCH_LIMIT = 200;

/** One collator for every sort: `localeCompare(…, 'zh-CN')` builds one per call and dominated the lookup time. */
const byName = new Intl.Collator('zh-CN');

/** Lower ranks first: exact unit or phone, then name equal, then suffixes, then name prefixes. */
const RANK = { exact: 0, nameEqual: 1, phoneSuffix: 2, unitSuffix: 2, namePrefix: 3 } as const;

export interface ResidentRepo {
  /**
   * Writes a downloaded page (each resident replaced whole, each tombstone's resident deleted with their phones
   * and units) and the cursor after it, in one transaction.
   */
  applyPage(items: readonly DirectoryEntry[], cursor: string): void;
  cursor(): string | null;
  /** Counts by scanning: for tests and diagnostics, not for every keystroke. */
  count(): number;
  isEmpty(): boolean;
  get(id: string): DirectoryResident | undefined;
  lookup(text: string, limit: number): ResidentMatch[];
}

interface Hit {
  name: string;
  rank: number;
  matchedBy: ResidentMatch['matchedBy'];
  exact: boolean;
  unitIds: Set<string>;
}

/** `hash` hashes a typed whole number to find it (null without the session's secret: nothing is found). */
export function createResidentRepo(db: CacheDb, hash: PhoneHasher): ResidentRepo {
  const upsertResident = db.prepare<[string, string, string]>(
    `INSERT INTO residents (id, name, tags) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, tags = excluded.tags`,
  );
  const deleteResident = db.prepare<[string]>('DELETE FROM residents WHERE id = ?');
  const deletePhones = db.prepare<[string]>('DELETE FROM resident_phones WHERE resident_id = ?');
  const deleteUnits = db.prepare<[string]>('DELETE FROM resident_units WHERE resident_id = ?');
  const insertPhone = db.prepare<[string, string, string | null, string]>(
    'INSERT OR REPLACE INTO resident_phones (resident_id, shown, hash, digits_rev) VALUES (?, ?, ?, ?)',
  );
  const insertUnit = db.prepare<[string, string, string, string, string, string, string]>(
    `INSERT OR REPLACE INTO resident_units (resident_id, unit_id, code, code_rev, project_id, project_name, relation)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const putState = db.prepare<[string, string]>(
    `INSERT INTO resident_directory_state (key, value) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const getState = db.prepare<[string], { value: string }>('SELECT value FROM resident_directory_state WHERE key = ?');
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM residents');
  const anyResident = db.prepare<[], { one: number }>('SELECT 1 AS one FROM residents LIMIT 1');

  const selectResident = db.prepare<[string], { id: string; name: string; tags: string }>(
    'SELECT id, name, tags FROM residents WHERE id = ?',
  );
  const selectPhones = db.prepare<[string], { shown: string; hash: string | null }>(
    'SELECT shown, hash FROM resident_phones WHERE resident_id = ? ORDER BY shown',
  );
  const selectUnits = db.prepare<
    [string],
    { unit_id: string; code: string; project_id: string; project_name: string; relation: string }
  >(
    `SELECT unit_id, code, project_id, project_name, relation FROM resident_units
      WHERE resident_id = ? ORDER BY code, unit_id`,
  );

  // Each branch reads the name along with the id (by primary key), so ranking needs no further query per hit.
  type IdRow = { resident_id: string; name: string; unit_id?: string };
  const byUnitCode = db.prepare<[string, number], IdRow>(
    `SELECT u.resident_id, r.name, u.unit_id FROM resident_units u JOIN residents r ON r.id = u.resident_id
      WHERE u.code = ? LIMIT ?`,
  );
  const byUnitSuffix = db.prepare<[string, string, number], IdRow>(
    `SELECT u.resident_id, r.name, u.unit_id FROM resident_units u JOIN residents r ON r.id = u.resident_id
      WHERE u.code_rev >= ? AND u.code_rev < ? LIMIT ?`,
  );
  const byHash = db.prepare<[string, number], IdRow>(
    `SELECT p.resident_id, r.name FROM resident_phones p JOIN residents r ON r.id = p.resident_id
      WHERE p.hash = ? LIMIT ?`,
  );
  const byPhoneSuffix = db.prepare<[string, string, number], IdRow>(
    `SELECT p.resident_id, r.name FROM resident_phones p JOIN residents r ON r.id = p.resident_id
      WHERE p.digits_rev >= ? AND p.digits_rev < ? LIMIT ?`,
  );
  const byNameRange = db.prepare<[string, string, number], { id: string; name: string }>(
    'SELECT id, name FROM residents WHERE name >= ? AND name < ? ORDER BY name LIMIT ?',
  );

  const writePage = db.transaction((items: readonly DirectoryEntry[], cursor: string) => {
    for (const r of items) {
      deletePhones.run(r.id);
      deleteUnits.run(r.id);
      if (isDirectoryTombstone(r)) {
        deleteResident.run(r.id);
        continue;
      }
      upsertResident.run(r.id, r.name, JSON.stringify(r.tags));
      for (const p of r.phones) {
        // Masked already; masking again costs nothing and keeps a whole number out whatever the sender did.
        const shown = maskPhone(p.shown);
        insertPhone.run(r.id, shown, p.hash, reverse(maskedSuffix(shown)));
      }
      for (const u of r.units) {
        insertUnit.run(r.id, u.id, u.code, reverse(`-${u.code}`), u.projectId, u.projectName, u.relation);
      }
    }
    putState.run('cursor', cursor);
  });

  function get(id: string): DirectoryResident | undefined {
    const r = selectResident.get(id);
    if (!r) return undefined;
    return {
      id: r.id,
      name: r.name,
      tags: JSON.parse(r.tags) as string[],
      phones: selectPhones.all(id),
      units: selectUnits.all(id).map((u) => ({
        id: u.unit_id,
        code: u.code,
        projectId: u.project_id,
        projectName: u.project_name,
        relation: u.relation,
      })),
    };
  }

  function collectRoom(room: RoomQuery, hits: Map<string, Hit>): void {
    const rows =
      room.kind === 'exact'
        ? byUnitCode.all(room.code, BRANCH_LIMIT)
        : rangeAll(byUnitSuffix, reverse(`-${room.suffix}`));
    const exact = room.kind === 'exact';
    for (const row of rows) {
      const hit = note(hits, row.resident_id, row.name, exact ? RANK.exact : RANK.unitSuffix, 'unit', exact);
      if (row.unit_id) hit.unitIds.add(row.unit_id);
    }
  }

  function collectPhone(phone: PhoneQuery, hits: Map<string, Hit>): void {
    const wanted = phone.kind === 'exact' ? hash(phone.e164) : null;
    if (wanted !== null) {
      for (const row of byHash.all(wanted, BRANCH_LIMIT))
        note(hits, row.resident_id, row.name, RANK.exact, 'phone', true);
      return;
    }
    // Partial, or whole without the session's secret to hash it (signed out): by the digits at its end.
    // A masked number shows its last digits only (maskPhone keeps MIN_PHONE_SUFFIX_DIGITS of a long one).
    for (const row of rangeAll(byPhoneSuffix, reverse(phone.digits.slice(-MIN_PHONE_SUFFIX_DIGITS)))) {
      note(hits, row.resident_id, row.name, RANK.phoneSuffix, 'phone', false);
    }
  }

  function collectName(name: string, hits: Map<string, Hit>): void {
    for (const row of byNameRange.all(name, prefixUpperBound(name), BRANCH_LIMIT)) {
      const equal = row.name === name;
      note(hits, row.id, row.name, equal ? RANK.nameEqual : RANK.namePrefix, 'name', equal);
    }
  }

  return {
    applyPage(items, cursor) {
      // No fsync per page (synchronous=NORMAL): the directory is the server's and its cursor commits with the page,
      // so a power cut can only lose the last pages, which the next refresh downloads again. At 100k residents the
      // 50 fsyncs of a first download held the desk's thread ~1.5 s. FULL is back before any other write.
      db.pragma('synchronous = NORMAL');
      try {
        writePage(items, cursor);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    cursor: () => getState.get('cursor')?.value ?? null,
    count: () => countAll.get()?.n ?? 0,
    isEmpty: () => anyResident.get() === undefined,
    get,
    lookup(text, limit) {
      const query = parseLookupQuery(text);
      const hits = new Map<string, Hit>();
      if (query.room) collectRoom(query.room, hits);
      if (query.phone) collectPhone(query.phone, hits);
      if (query.name) collectName(query.name, hits);
      if (hits.size === 0) return [];
      // Rank on what the branches found plus the name; load the whole record only for the rows returned.
      const ranked = [...hits]
        .map(([id, hit]) => ({ id, hit }))
        .sort((a, b) => a.hit.rank - b.hit.rank || byName.compare(a.hit.name, b.hit.name) || (a.id < b.id ? -1 : 1))
        .slice(0, limit);
      return ranked.flatMap(({ id, hit }) => {
        const resident = get(id);
        return resident ? [{ resident, matchedBy: hit.matchedBy, exact: hit.exact, unitIds: [...hit.unitIds] }] : [];
      });
    },
  };
}

function rangeAll<R>(stmt: { all(lo: string, hi: string, limit: number): R[] }, prefix: string): R[] {
  return stmt.all(prefix, prefixUpperBound(prefix), BRANCH_LIMIT);
}

/** Keeps the best (lowest) rank a resident reached in any branch. */
function note(
  hits: Map<string, Hit>,
  id: string,
  name: string,
  rank: number,
  matchedBy: Hit['matchedBy'],
  exact: boolean,
): Hit {
  const hit = hits.get(id);
  if (!hit) {
    const created: Hit = { name, rank, matchedBy, exact, unitIds: new Set() };
    hits.set(id, created);
    return created;
  }
  if (rank < hit.rank) Object.assign(hit, { rank, matchedBy, exact });
  return hit;
}
