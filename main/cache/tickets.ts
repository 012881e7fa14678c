/** Tickets and their events in the cache: view pages, view counts, detail, and writes from sync. */
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { TEAM_VIEW_IDS, VIEW_IDS, type SearchResult, type ViewId } from '../../common/contract';
import { TEAM_IDS, type Ticket, type TicketEvent } from '../../common/domain';
import { isMaskedPhone, maskPhone, phoneHashOf } from '../../common/residents/phone';
import type { PhoneHasher } from '../../common/residents/phone-hash';
import {
  TICKET_FIELDS,
  type TicketFieldDecl,
  type TicketFieldKind,
  type TicketFieldKinds,
  type TicketFieldSpec,
} from '../../common/ticket-fields';
import { awaitingFollowUp, isOpen } from '../../common/workflows';
import { SLA_NO_DEADLINE } from './migrations/005_ticket_sla';
import type { CacheDb } from './db';
import { highlight, likePattern, parseQuery, wholePhoneNumber } from './search';
import { SHORT_SORTED_MAX, SHORT_WALK_MAX, shortIsExact, shortMatch } from './short-search';

/** A `tickets` row as SELECT TICKET_COLUMNS returns it: each declared field's column, in its cache encoding. */
type TicketRow = { [D in TicketFieldDecl as D['column']]: CacheValue<D['kind']> };
interface EventRow {
  id: string;
  ticket_id: string;
  kind: TicketEvent['kind'];
  body: string;
  data: string;
  author_id: string | null;
  created_at: string;
}

/** The declared fields' columns (common/ticket-fields), in declaration order. */
const TICKET_COLUMNS = TICKET_FIELDS.map((f) => f.column).join(', ');

/** How the cache stores each kind: SQLite has no booleans or arrays, so those three are converted. */
interface CacheKinds {
  text: string;
  textOrNull: string | null;
  int: number;
  numberOrNull: number | null;
  time: string;
  timeOrNull: string | null;
  bool: number;
  stringList: string;
  pauses: string;
}
type CacheValue<K extends TicketFieldKind> = CacheKinds[K];
type Converted = 'bool' | 'stringList' | 'pauses';

const FROM_CACHE: { [K in Converted]: (value: CacheKinds[K]) => TicketFieldKinds[K] } = {
  bool: (v) => v === 1,
  stringList: (v) => JSON.parse(v) as string[],
  pauses: (v) => JSON.parse(v) as Ticket['slaPauses'],
};
// `?? []`: shadows written before sync schema 2 have no tags, rows cached or shadowed before the SLA wiring have
// no SLA fields (and every other missing value is stored as null).
const TO_CACHE: { [K in Converted]: (value: TicketFieldKinds[K] | undefined) => CacheKinds[K] } = {
  bool: (v) => (v ? 1 : 0),
  stringList: (v) => JSON.stringify(v ?? []),
  pauses: (v) => JSON.stringify(v ?? []),
};

const FIELD_NAMES = TICKET_FIELDS.map((f) => f.field);
const COLUMN_NAMES = TICKET_FIELDS.map((f) => f.column as keyof TicketRow);
const isConverted = (kind: TicketFieldKind): kind is Converted => kind in TO_CACHE;
/**
 * The converted fields as [index, field, column, encode, decode]. Every other value is copied as it is: on the
 * initial sync's hot path a call per field would cost a third more than the insert's own work (measured).
 */
const CONVERTED = TICKET_FIELDS.flatMap((f: TicketFieldSpec, i) =>
  isConverted(f.kind)
    ? [
        [
          i,
          f.field,
          f.column as keyof TicketRow,
          TO_CACHE[f.kind] as (value: unknown) => unknown,
          FROM_CACHE[f.kind] as (value: unknown) => unknown,
        ] as const,
      ]
    : [],
);
const PHONE_AT = FIELD_NAMES.indexOf('phone');
const PHONE_HASH_AT = FIELD_NAMES.indexOf('phoneHash');
/** The columns put() writes after the declared ones: derived for the views' indexes (migrations 001, 005). */
const DERIVED_COLUMNS = ['is_open', 'updated_ms', 'sla_due_ms', 'sla_risk_ms', 'closed_ms', 'wait_kind'] as const;

/** Every field, in order: a ticket starts as a copy, so V8 keeps it a fast object (see server/db/rows.ts). */
const TICKET_SHAPE: Record<string, unknown> = Object.fromEntries(FIELD_NAMES.map((f) => [f, null]));

function toTicket(r: TicketRow): Ticket {
  const ticket = { ...TICKET_SHAPE };
  for (let i = 0; i < FIELD_NAMES.length; i++) ticket[FIELD_NAMES[i]!] = r[COLUMN_NAMES[i]!];
  for (const [, field, column, , decode] of CONVERTED) ticket[field] = decode(r[column]);
  return ticket as Ticket;
}

/** Derived `wait_kind`: whose move it is when the desk is waiting (a view each), else null. */
function waitKind(t: Ticket): 'follow_up' | 'resident' | null {
  if (!isOpen(t.status)) return null;
  if (awaitingFollowUp(t)) return 'follow_up';
  return t.status === 'on_hold' || t.status === 'promised' ? 'resident' : null;
}

const RECENTLY_CLOSED_MS = 7 * 86_400_000;

function toEvent(r: EventRow): TicketEvent {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    kind: r.kind,
    body: r.body,
    data: JSON.parse(r.data) as Record<string, unknown>,
    authorId: r.author_id,
    createdAt: r.created_at,
  };
}

const teamFilters = Object.fromEntries(
  TEAM_IDS.map((id) => [`team.${id}`, `team_id = '${id}' AND is_open = 1`]),
) as Record<`team.${(typeof TEAM_IDS)[number]}`, string>;

/**
 * Each view as a WHERE clause that one of the tickets_by_* indexes answers in order. `@me` is the user id,
 * `@now` the current time in epoch ms (overdue, at risk and recently closed move with the clock).
 */
export const VIEW_FILTERS: Record<ViewId, string> = {
  inbox: 'is_open = 1',
  mine: 'assignee_id = @me AND is_open = 1',
  unassigned: 'assignee_id IS NULL AND is_open = 1',
  ...teamFilters,
  // Paused and clock-less tickets carry SLA_NO_DEADLINE, so a range on sla_due_ms leaves them out.
  overdue: 'is_open = 1 AND sla_due_ms < @now',
  at_risk: `is_open = 1 AND sla_due_ms > @now AND sla_due_ms < ${SLA_NO_DEADLINE} AND sla_risk_ms <= @now`,
  awaiting_follow_up: "wait_kind = 'follow_up'",
  waiting_on_resident: "wait_kind = 'resident'",
  recently_closed: `is_open = 0 AND closed_ms >= @now - ${RECENTLY_CLOSED_MS}`,
  all: '1 = 1',
};
/** A view's order: its sort columns, id last so pages never overlap or skip. */
interface ViewOrder {
  columns: readonly [string, 'id'];
  descending: boolean;
}
const NEWEST_ACTIVITY: ViewOrder = { columns: ['updated_ms', 'id'], descending: true };
/** Open views: most urgent deadline first, paused and clock-less last. */
const SLA_URGENCY: ViewOrder = { columns: ['sla_due_ms', 'id'], descending: false };
const VIEW_ORDER_KEYS: Record<ViewId, ViewOrder> = Object.fromEntries(
  VIEW_IDS.map((v) => [
    v,
    v === 'all'
      ? NEWEST_ACTIVITY
      : v === 'recently_closed'
        ? { columns: ['closed_ms', 'id'], descending: true }
        : SLA_URGENCY,
  ]),
) as Record<ViewId, ViewOrder>;

const orderBy = ({ columns, descending }: ViewOrder) =>
  `ORDER BY ${columns.map((c) => (descending ? `${c} DESC` : c)).join(', ')}`;
/** Rows that come before ticket `@id` in this order (a row-value comparison the view's index answers). */
const orderedBefore = ({ columns, descending }: ViewOrder) =>
  `(${columns.join(', ')}) ${descending ? '>' : '<'} (SELECT ${columns.join(', ')} FROM tickets WHERE id = @id)`;

// Newest activity first (search and the "all" view).
export const VIEW_ORDER = orderBy(NEWEST_ACTIVITY);
export const VIEW_ORDERS: Record<ViewId, string> = Object.fromEntries(
  VIEW_IDS.map((v) => [v, orderBy(VIEW_ORDER_KEYS[v])]),
) as Record<ViewId, string>;

/**
 * The views one walk of tickets_by_team_sla (team, open, deadline) counts together: `all`, `inbox`, `overdue` and
 * every team queue. Counted one view at a time they read ~270k index entries at 100k tickets; walked once, 100k
 * (all counts: ~21 → ~12 ms warm; they are taken at start, each minute and after every change). The other views
 * keep their own small ranges.
 */
const WALKED_VIEWS: readonly ViewId[] = ['all', 'inbox', 'overdue', ...TEAM_VIEW_IDS];

interface ViewStatements {
  page: Statement<{ me: string; now: number; limit: number; offset: number }, TicketRow>;
  count: Statement<{ me: string; now: number }, { n: number }>;
  /** The ticket's index in the view, or no row when the view does not hold it. */
  position: Statement<{ me: string; now: number; id: string }, { n: number }>;
}

export interface TicketPage {
  total: number;
  items: Ticket[];
}

export interface TicketRepo {
  get(id: string): Ticket | undefined;
  /** The ticket's timeline, oldest first. */
  events(ticketId: string): TicketEvent[];
  /** `now` places the time-dependent views (overdue, at risk, recently closed); default: the system clock. */
  list(view: ViewId, me: string | null, offset: number, limit: number, now?: Date): TicketPage;
  counts(me: string | null, now?: Date): { id: ViewId; count: number }[];
  /** Where the ticket sits in the view (its row index), or null when the view does not hold it. */
  position(view: ViewId, me: string | null, id: string, now?: Date): number | null;
  put(ticket: Ticket): void;
  /** Deletes the ticket and its events. */
  delete(id: string): void;
  putEvent(event: TicketEvent, pending?: boolean): void;
  deleteEvent(id: string): void;
  /** Drops every optimistic-only event (the rebase re-creates those still pending). */
  deletePendingEvents(): void;
  /**
   * Local search (see ./search): FTS5 trigram hits by bm25, exact code first; 1–2 character queries through the
   * bigram index (./short-search) or by LIKE, open before closed, newest first.
   */
  searchTickets(query: string, page: { limit: number; offset: number }): SearchResult;
  /** A caller's open tickets (theirs, or their units'), most urgent first: the screen pop's list. */
  openForCaller(residentId: string | null, unitIds: readonly string[], limit: number): Ticket[];
}

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

function createSearch(db: CacheDb, hash: PhoneHasher) {
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

/**
 * `hash` hashes a whole number this desk was given (an optimistic ticket's typed phone) before it is masked: the
 * cache keeps numbers masked only (issue 11 §4), the server's already are.
 */
export function createTicketRepo(db: CacheDb, hash: PhoneHasher): TicketRepo {
  const selectOne = db.prepare<[string], TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ?`);
  const selectEvents = db.prepare<[string], EventRow>(
    'SELECT id, ticket_id, kind, body, data, author_id, created_at FROM ticket_events ' +
      'WHERE ticket_id = ? ORDER BY created_ms, rowid',
  );
  const views = {} as Record<ViewId, ViewStatements>;
  for (const view of VIEW_IDS) {
    const where = VIEW_FILTERS[view];
    views[view] = {
      page: db.prepare(
        `SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${where} ${VIEW_ORDERS[view]} LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE ${where}`),
      position: db.prepare(
        `SELECT (SELECT COUNT(*) FROM tickets WHERE ${where} AND ${orderedBefore(VIEW_ORDER_KEYS[view])}) AS n
         FROM tickets WHERE id = @id AND ${where}`,
      ),
    };
  }

  // Same filters as VIEW_FILTERS (tests/unit/cache-sla-views.test.ts holds each count to its view's list total).
  const countByTeam = db.prepare<
    { now: number },
    { team: string | null; open: number; n: number; overdue: number | null }
  >(
    `SELECT team_id AS team, is_open AS open, COUNT(*) AS n, SUM(sla_due_ms < @now) AS overdue
     FROM tickets GROUP BY team_id, is_open`,
  );
  function walkedCounts(now: number): Map<ViewId, number> {
    const counts = new Map<ViewId, number>(WALKED_VIEWS.map((view) => [view, 0]));
    const add = (view: ViewId, n: number) => counts.set(view, (counts.get(view) ?? 0) + n);
    for (const group of countByTeam.all({ now })) {
      add('all', group.n);
      if (group.open !== 1) continue;
      add('inbox', group.n);
      add('overdue', group.overdue ?? 0);
      const team = `team.${group.team}` as ViewId;
      if (counts.has(team)) add(team, group.n);
    }
    return counts;
  }

  // Positional parameters in TICKET_COLUMNS order, then the derived columns, bound from one array: no per-row
  // object copy and no named-parameter lookup on the initial sync's hot path (about 2x faster than `@name`).
  const upsertColumns = [...COLUMN_NAMES, ...DERIVED_COLUMNS];
  const upsert = db.prepare<unknown[]>(
    `INSERT INTO tickets (${upsertColumns.join(', ')}) VALUES (${upsertColumns.map(() => '?').join(', ')})
     ON CONFLICT (id) DO UPDATE SET ${upsertColumns
       .filter((c) => c !== 'id')
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
  );
  const removeTicket = db.prepare<[string]>('DELETE FROM tickets WHERE id = ?');
  const removeTicketEvents = db.prepare<[string]>('DELETE FROM ticket_events WHERE ticket_id = ?');
  const upsertEvent = db.prepare(
    `INSERT INTO ticket_events (id, ticket_id, kind, body, data, author_id, created_at, created_ms, pending)
     VALUES (@id, @ticketId, @kind, @body, @data, @authorId, @createdAt, @createdMs, @pending)
     ON CONFLICT (id) DO UPDATE SET ticket_id = excluded.ticket_id, kind = excluded.kind, body = excluded.body,
       data = excluded.data, author_id = excluded.author_id, created_at = excluded.created_at,
       created_ms = excluded.created_ms, pending = excluded.pending`,
  );
  const removeEvent = db.prepare<[string]>('DELETE FROM ticket_events WHERE id = ?');
  const removePendingEvents = db.prepare('DELETE FROM ticket_events WHERE pending = 1');
  const search = createSearch(db, hash);

  return {
    get(id) {
      const row = selectOne.get(id);
      return row ? toTicket(row) : undefined;
    },
    openForCaller(residentId, unitIds, limit) {
      if (residentId === null && unitIds.length === 0) return [];
      const units = unitIds.slice(0, 50);
      const rows = db
        .prepare<unknown[], TicketRow>(
          `SELECT ${TICKET_COLUMNS} FROM tickets WHERE is_open = 1 AND (resident_id = ?
             ${units.length ? `OR unit_id IN (${units.map(() => '?').join(', ')})` : ''})
           ORDER BY sla_due_ms IS NULL, sla_due_ms, id LIMIT ?`,
        )
        .all(residentId, ...units, limit);
      return rows.map(toTicket);
    },
    events(ticketId) {
      return selectEvents.all(ticketId).map(toEvent);
    },
    list(view, me, offset, limit, now = new Date()) {
      const v = views[view];
      const at = { me: me ?? '', now: now.getTime() };
      const total = v.count.get(at)?.n ?? 0;
      const items = v.page.all({ ...at, limit, offset }).map(toTicket);
      return { total, items };
    },
    counts(me, now = new Date()) {
      const at = { me: me ?? '', now: now.getTime() };
      const walked = walkedCounts(at.now);
      return VIEW_IDS.map((id) => ({ id, count: walked.get(id) ?? views[id].count.get(at)?.n ?? 0 }));
    },
    position(view, me, id, now = new Date()) {
      return views[view].position.get({ me: me ?? '', now: now.getTime(), id })?.n ?? null;
    },
    put(t) {
      // Pulled rows come masked with their hash: the fast path. A whole number is hashed, then masked.
      const whole = t.phone !== null && !isMaskedPhone(t.phone);
      const values: unknown[] = new Array(FIELD_NAMES.length);
      for (let i = 0; i < FIELD_NAMES.length; i++) values[i] = t[FIELD_NAMES[i]!] ?? null;
      for (const [at, field, , encode] of CONVERTED) values[at] = encode(t[field]);
      if (whole) {
        values[PHONE_AT] = maskPhone(t.phone as string);
        // Caller-ID finds earlier tickets by the caller's number's hash (migrations 009, 010).
        values[PHONE_HASH_AT] = phoneHashOf(hash, t.phone);
      }
      upsert.run(
        ...values,
        // DERIVED_COLUMNS
        isOpen(t.status) ? 1 : 0,
        Date.parse(t.updatedAt),
        t.slaDueAt ? Date.parse(t.slaDueAt) : SLA_NO_DEADLINE,
        t.slaRiskAt ? Date.parse(t.slaRiskAt) : null,
        t.closedAt ? Date.parse(t.closedAt) : null,
        waitKind(t),
      );
    },
    delete(id) {
      removeTicketEvents.run(id);
      removeTicket.run(id);
    },
    putEvent(e, pending = false) {
      upsertEvent.run({
        ...e,
        data: JSON.stringify(e.data),
        createdMs: Date.parse(e.createdAt),
        pending: pending ? 1 : 0,
      });
    },
    deleteEvent(id) {
      removeEvent.run(id);
    },
    deletePendingEvents() {
      removePendingEvents.run();
    },
    searchTickets(query, page) {
      return search(query, page);
    },
  };
}
