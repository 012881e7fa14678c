/**
 * Local ticket search (see ../search): the plan for a query — a whole phone number by its hash, FTS5 trigram hits
 * by bm25 with the exact code first, 1–2 character terms through the bigram index (../short-search) or by LIKE —
 * and the statements each plan runs.
 */
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import type { SearchResult } from '../../../common/contract';
import type { PhoneHasher } from '../../../common/residents/phone-hash';
import type { CacheDb } from '../db';
import { highlight, likePattern, parseQuery, wholePhoneNumber } from '../search';
import { SHORT_SORTED_MAX, SHORT_WALK_MAX, shortIsExact, shortMatch } from '../short-search';
import { TICKET_COLUMNS, toTicket, type TicketRow } from './rows';
import { VIEW_ORDER } from './views';

/** The searched columns, as named in both `tickets` and `tickets_fts`. */
const SEARCH_COLUMNS = ['code', 'title', 'description', 'resident_name', 'phone', 'unit_code'] as const;
/** bm25 weights, in SEARCH_COLUMNS order: a hit in the code or the title says more than one in the description. */
const BM25 = 'bm25(tickets_fts, 10.0, 5.0, 1.0, 3.0, 3.0, 3.0)';

/** `(col LIKE @s0 OR …) AND (col LIKE @s1 OR …)`: every short term somewhere in the searched columns. */
function likeAll(count: number, prefix: string): string {
  return Array.from(
    { length: count },
    (_, i) => `(${SEARCH_COLUMNS.map((c) => `${prefix}${c} LIKE @s${i} ESCAPE '\\'`).join(' OR ')})`,
  ).join(' AND ');
}

/**
 * One page of a walk over the open tickets, then the closed ones, each in VIEW_ORDER (`page(open, limit, offset)`):
 * no overlap or gap across the boundary; the total is only known once the walk ran out (`count(open)` is asked
 * for a part the page starts past).
 */
function walkOpenThenClosed(
  page: (open: 0 | 1, limit: number, offset: number) => TicketRow[],
  count: (open: 0 | 1) => number,
  limit: number,
  offset: number,
): SearchResult {
  const open = page(1, limit, offset);
  if (open.length === limit) return { items: open.map((r) => ({ ticket: toTicket(r), highlights: [] })) };
  const openTotal = open.length > 0 || offset === 0 ? offset + open.length : count(1);
  const closedOffset = Math.max(0, offset - openTotal);
  const closed = page(0, limit - open.length, closedOffset);
  const rows = [...open, ...closed];
  const result: SearchResult = { items: rows.map((r) => ({ ticket: toTicket(r), highlights: [] })) };
  if (rows.length < limit) {
    // A page past the end knows neither count from its own rows.
    result.total =
      closed.length > 0 || closedOffset === 0 ? openTotal + closedOffset + closed.length : openTotal + count(0);
  }
  return result;
}

export function createSearch(db: CacheDb, hash: PhoneHasher) {
  const byCode = db.prepare<[string], { rowid: number }>('SELECT rowid FROM tickets WHERE code = ?');
  const byRowid = db.prepare<[number], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE rowid = ?`);
  // Prepared on first use per number of short terms (0..MAX_TERMS).
  const ftsPage = new Map<number, Statement<Record<string, unknown>, { rowid: number; total: number }>>();
  const ftsCount = new Map<number, Statement<Record<string, unknown>, { n: number }>>();
  const likePage = new Map<number, Statement<Record<string, unknown>, TicketRow>>();
  const likeCount = new Map<number, Statement<Record<string, unknown>, { n: number }>>();
  const cached = <K, S>(map: Map<K, S>, n: K, make: () => S): S => {
    let s = map.get(n);
    if (!s) map.set(n, (s = make()));
    return s;
  };

  function fts(match: string, short: string[], code: string | null, limit: number, offset: number): SearchResult {
    const filter = short.length > 0 ? ` AND ${likeAll(short.length, '')}` : '';
    const params: Record<string, unknown> = { match };
    short.forEach((t, i) => (params[`s${i}`] = likePattern(t)));
    const exact = code === null ? undefined : byCode.get(code)?.rowid;
    // Rowids first, tickets after: only the page's rows are joined, not every hit. The ranking visits every hit
    // anyway, so the total comes with the page (a window count) instead of a second MATCH.
    const page = cached(ftsPage, short.length, () =>
      db.prepare(
        `SELECT rowid, count(*) OVER () AS total FROM (
           SELECT rowid, rowid = @exact AS exact, ${BM25} AS score FROM tickets_fts
            WHERE tickets_fts MATCH @match${filter})
         ORDER BY exact DESC, score, rowid DESC LIMIT @limit OFFSET @offset`,
      ),
    ).all({ ...params, exact: exact ?? -1, limit, offset });
    const total =
      page[0]?.total ??
      cached(ftsCount, short.length, () =>
        db.prepare(`SELECT count(*) AS n FROM tickets_fts WHERE tickets_fts MATCH @match${filter}`),
      ).get(params)?.n ??
      0;
    const rows: TicketRow[] = [];
    for (const { rowid } of page) {
      const row = byRowid.get(rowid);
      if (row) rows.push(row);
    }
    return { total, items: rows.map((r) => ({ ticket: toTicket(r), highlights: [] })) };
  }

  /**
   * Open tickets first, then closed, newest first within each: the tickets_by_open index walked in order, so a
   * page of a common word stops early. The total is only known once the walk ran out.
   */
  function like(short: string[], limit: number, offset: number): SearchResult {
    const where = likeAll(short.length, '');
    const params: Record<string, unknown> = {};
    short.forEach((t, i) => (params[`s${i}`] = likePattern(t)));
    const page = cached(likePage, short.length, () =>
      db.prepare(
        `SELECT ${TICKET_COLUMNS} FROM tickets WHERE is_open = @open AND ${where}
         ${VIEW_ORDER} LIMIT @limit OFFSET @offset`,
      ),
    );
    const count = cached(likeCount, short.length, () =>
      db.prepare(`SELECT count(*) AS n FROM tickets WHERE is_open = @open AND ${where}`),
    );
    return walkOpenThenClosed(
      (open, lim, off) => page.all({ ...params, open, limit: lim, offset: off }),
      (open) => count.get({ ...params, open })?.n ?? 0,
      limit,
      offset,
    );
  }

  const shortCandidates = db.prepare<[string, number], { n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM tickets_fts_short WHERE tickets_fts_short MATCH ? LIMIT ?)`,
  );
  const shortSorted = new Map<string, Statement<Record<string, unknown>, TicketRow>>();
  const shortWalk = new Map<string, Statement<Record<string, unknown>, TicketRow>>();
  const shortCount = new Map<string, Statement<Record<string, unknown>, { n: number }>>();

  /**
   * Short terms only, through the bigram index of migration 007, in the LIKE walk's order (open first, then
   * newest) and with a total on the last page, as the walk gives. Candidates are kept when LIKE matches them too,
   * unless the index is exact for the terms (./short-search: shortIsExact). By how many candidates there are
   * (./short-search: SHORT_SORTED_MAX, SHORT_WALK_MAX):
   *   few  — fetched by rowid and sorted;
   *   some — the tickets_by_open walk, testing each entry against the candidate list (no row read for the misses);
   *   many — null: the plain LIKE walk finds a page of a common term within a few rows.
   */
  function shortIndexed(match: string, short: string[], limit: number, offset: number): SearchResult | null {
    const candidates = shortCandidates.get(match, SHORT_WALK_MAX + 1)?.n ?? 0;
    if (candidates > SHORT_WALK_MAX) return null;
    const exact = shortIsExact(short);
    const verify = exact ? '' : ` AND ${likeAll(short.length, '')}`;
    const params: Record<string, unknown> = { match };
    if (!exact) short.forEach((t, i) => (params[`s${i}`] = likePattern(t)));
    const shape = `${exact ? 'exact' : 'like'}:${short.length}`;
    const inIndex = 'IN (SELECT rowid FROM tickets_fts_short WHERE tickets_fts_short MATCH @match)';
    const count = () =>
      cached(shortCount, shape, () =>
        db.prepare(`SELECT count(*) AS n FROM tickets WHERE rowid ${inIndex}${verify}`),
      ).get(params)?.n ?? 0;

    if (candidates > SHORT_SORTED_MAX) {
      // `+rowid`: the candidate list is a filter on the index walk, not a list of rows to look up.
      const walk = cached(shortWalk, shape, () =>
        db.prepare(
          `SELECT ${TICKET_COLUMNS} FROM tickets WHERE is_open = @open AND +rowid ${inIndex}${verify}
           ${VIEW_ORDER} LIMIT @limit OFFSET @offset`,
        ),
      );
      return walkOpenThenClosed(
        (open, lim, off) => walk.all({ ...params, open, limit: lim, offset: off }),
        (open) =>
          cached(shortCount, `walk:${shape}`, () =>
            db.prepare(`SELECT count(*) AS n FROM tickets WHERE is_open = @open AND +rowid ${inIndex}${verify}`),
          ).get({ ...params, open })?.n ?? 0,
        limit,
        offset,
      );
    }
    const rows = cached(shortSorted, shape, () =>
      db.prepare(
        `SELECT ${TICKET_COLUMNS} FROM tickets WHERE rowid ${inIndex}${verify}
         ORDER BY is_open DESC, updated_ms DESC, id DESC LIMIT @limit OFFSET @offset`,
      ),
    ).all({ ...params, limit, offset });
    const result: SearchResult = { items: rows.map((r) => ({ ticket: toTicket(r), highlights: [] })) };
    // Past the end (an empty page after the last) the total needs counting; otherwise a short page ends it.
    if (rows.length < limit) result.total = rows.length > 0 || offset === 0 ? offset + rows.length : count();
    return result;
  }

  // While the search indexes are still being filled after a bulk load (./bulk-load), every term is matched by LIKE.
  const filling = db.prepare<[], { one: number }>(`SELECT 1 AS one FROM meta WHERE key = 'fts_fill'`);

  function searchShort(short: string[], limit: number, offset: number): SearchResult {
    const match = shortMatch(short);
    return (match === null ? null : shortIndexed(match, short, limit, offset)) ?? like(short, limit, offset);
  }

  // A whole phone number: the cache shows numbers masked (issue 11 §4), so it is found by its hash.
  const byPhoneHash = db.prepare<[string, number, number], TicketRow>(
    `SELECT ${TICKET_COLUMNS} FROM tickets WHERE phone_hash = ? ORDER BY is_open DESC, updated_ms DESC, id DESC
     LIMIT ? OFFSET ?`,
  );
  const countPhoneHash = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM tickets WHERE phone_hash = ?');
  function searchPhone(key: string, limit: number, offset: number): SearchResult {
    const items = byPhoneHash.all(key, limit, offset).map((r) => {
      const ticket = toTicket(r);
      const phone = ticket.phone ?? '';
      return {
        ticket,
        highlights: [{ field: 'phone' as const, text: phone, ranges: [[0, phone.length]] as [number, number][] }],
      };
    });
    return { total: countPhoneHash.get(key)?.n ?? 0, items };
  }

  return (query: string, { limit, offset }: { limit: number; offset: number }): SearchResult => {
    // Digits that read as a phone number may be something else too (a code's date, "20260315"): no ticket with
    // that number, then a text search.
    const key = wholePhoneNumber(query, hash);
    const phoneHits = key === null ? null : searchPhone(key, limit, offset);
    if (phoneHits && phoneHits.total !== 0) return phoneHits;
    const q = parseQuery(query);
    if (q.terms.length === 0) return { total: 0, items: [] };
    const result = filling.get()
      ? like(q.terms, limit, offset)
      : q.match === null
        ? searchShort(q.short, limit, offset)
        : fts(q.match, q.short, q.code, limit, offset);
    for (const item of result.items) item.highlights = highlight(item.ticket, q.terms);
    return result;
  };
}
