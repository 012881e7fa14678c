/**
 * Caller-ID at the desk (DESIGN.md §6, issue 10 item 5): who the caller may be, from the desk's own cache so it
 * works offline. `known`: the number is one of the resident's phones in the directory. `maybe`: the number was on
 * an earlier ticket or call linked to the resident. Known first (by name), then maybe (latest sighting first), each
 * resident once, at most CANDIDATE_CAP. Several candidates are for the agent to choose from: a caller is never
 * linked to every match.
 *
 * The cache holds numbers masked (issue 11 §4): every source is matched by the number's keyed hash
 * (common/residents/phone-hash), computed here from the whole number the PBX or the softphone reports, or taken
 * from a cached call that carries it.
 *
 * Every read is an index lookup by hash (migrations 006, 009 and 010) or by primary key: budget p95 ≤ 2 ms at 200k
 * residents (`npm run bench -- --only cti`).
 */
import { parseCallerNumber, type ParsedCaller } from '../../common/calls/caller-id';
import type { CallerCandidate } from '../../common/calls/pop';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import type { CacheDb } from '../cache/db';

export const CANDIDATE_CAP = 10;
/** Rows read per source before merging: a shared switchboard number may be on hundreds of residents' records. */
const READ_LIMIT = 50;

export interface CallerLookup {
  number: ParsedCaller;
  candidates: CallerCandidate[];
}

export interface CallerIdLookup {
  /** A whole number as reported (the PBX, a softphone, typed). */
  lookup(raw: string | null | undefined): CallerLookup;
  /** A cached (masked) number, by its hash: the candidates only. */
  byHash(hash: string | null): CallerCandidate[];
}

type Sighting = { resident_id: string; seen: number };
type Fallback = { name: string | null; unit_id: string | null; unit_code: string | null };

const byName = new Intl.Collator('zh-CN');

/** Every read the lookup makes, each an index lookup (tests/unit/caller-id-lookup.test.ts checks the plans). */
export const CALLER_ID_SQL = {
  knownIds: 'SELECT DISTINCT resident_id FROM resident_phones WHERE hash = ? LIMIT ?',
  // Both covered by migration 009's indexes: the number's range, grouped by resident, never the table.
  ticketSightings: `SELECT resident_id, MAX(updated_ms) AS seen FROM tickets
    WHERE phone_hash = ? AND resident_id IS NOT NULL GROUP BY resident_id ORDER BY seen DESC LIMIT ?`,
  callSightings: `SELECT resident_id, MAX(started_ms) AS seen FROM calls
    WHERE from_hash = ? AND resident_id IS NOT NULL GROUP BY resident_id ORDER BY seen DESC LIMIT ?`,
  resident: 'SELECT name, tags FROM residents WHERE id = ?',
  units: 'SELECT unit_id AS id, code FROM resident_units WHERE resident_id = ? ORDER BY code, unit_id',
  // A resident not (yet) in the directory is shown as their latest ticket from this number names them.
  ticketFallback: `SELECT resident_name AS name, unit_id, unit_code FROM tickets
    WHERE phone_hash = ? AND resident_id = ? ORDER BY updated_ms DESC LIMIT 1`,
} as const;

/** `hash` hashes a reported number (null without the session's secret: no candidates). */
export function createCallerIdLookup(db: CacheDb, hash: PhoneHasher): CallerIdLookup {
  const knownIds = db.prepare<[string, number], { resident_id: string }>(CALLER_ID_SQL.knownIds);
  const ticketSightings = db.prepare<[string, number], Sighting>(CALLER_ID_SQL.ticketSightings);
  const callSightings = db.prepare<[string, number], Sighting>(CALLER_ID_SQL.callSightings);
  const resident = db.prepare<[string], { name: string; tags: string }>(CALLER_ID_SQL.resident);
  const units = db.prepare<[string], { id: string; code: string }>(CALLER_ID_SQL.units);
  const ticketFallback = db.prepare<[string, string], Fallback>(CALLER_ID_SQL.ticketFallback);

  function candidate(id: string, confidence: CallerCandidate['confidence'], key: string): CallerCandidate | null {
    const row = resident.get(id);
    if (row) {
      const tags = JSON.parse(row.tags) as string[];
      return { residentId: id, name: row.name, confidence, units: units.all(id), tags };
    }
    const fallback = ticketFallback.get(key, id);
    // Seen only on a call, and unknown to the directory: nothing to show the agent to choose by.
    if (!fallback?.name) return null;
    const unit = fallback.unit_id ? [{ id: fallback.unit_id, code: fallback.unit_code ?? '' }] : [];
    return { residentId: id, name: fallback.name, confidence, units: unit, tags: [] };
  }

  function candidates(key: string): CallerCandidate[] {
    const known = knownIds
      .all(key, READ_LIMIT)
      .flatMap((r) => candidate(r.resident_id, 'known', key) ?? [])
      .sort((a, b) => byName.compare(a.name, b.name) || (a.residentId < b.residentId ? -1 : 1))
      .slice(0, CANDIDATE_CAP);
    const found = [...known];
    const taken = new Set(known.map((c) => c.residentId));
    for (const id of latestSightings(key)) {
      if (found.length >= CANDIDATE_CAP) break;
      if (taken.has(id)) continue;
      taken.add(id);
      const maybe = candidate(id, 'maybe', key);
      if (maybe) found.push(maybe);
    }
    return found;
  }

  /** Residents linked to earlier tickets and calls from the number, the most recently seen first. */
  function latestSightings(key: string): string[] {
    const seen = new Map<string, number>();
    for (const s of [...ticketSightings.all(key, READ_LIMIT), ...callSightings.all(key, READ_LIMIT)]) {
      seen.set(s.resident_id, Math.max(s.seen, seen.get(s.resident_id) ?? -Infinity));
    }
    return [...seen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
  }

  return {
    lookup(raw) {
      const number = parseCallerNumber(raw);
      const key = number.kind === 'number' ? hash(number.e164) : null;
      return { number, candidates: key === null ? [] : candidates(key) };
    },
    byHash: (key) => (key === null ? [] : candidates(key)),
  };
}
