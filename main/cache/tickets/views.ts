/**
 * The console's views over the cached tickets: each a WHERE clause and an order that one of the tickets_by_*
 * indexes answers, and the page, count and position statements built from them.
 */
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { VIEW_IDS, type ViewId } from '../../../common/contract';
import { TEAM_IDS } from '../../../common/domain';
import type { CacheDb } from '../db';
import { SLA_NO_DEADLINE } from '../migrations/005_ticket_sla';
import { TICKET_COLUMNS, type TicketRow } from './rows';

const RECENTLY_CLOSED_MS = 7 * 86_400_000;

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
/** The same order walked from its end: the view's index read backwards. */
const reversed = (order: ViewOrder): ViewOrder => ({ ...order, descending: !order.descending });
/**
 * Rows that come before ticket `@id` in this order (a row-value comparison the view's index answers); `orEqual`:
 * the ticket itself too.
 */
const orderedBefore = ({ columns, descending }: ViewOrder, orEqual = false) =>
  `(${columns.join(', ')}) ${descending ? '>' : '<'}${orEqual ? '=' : ''} (SELECT ${columns.join(', ')} FROM tickets WHERE id = @id)`;

// Newest activity first (search and the "all" view).
export const VIEW_ORDER = orderBy(NEWEST_ACTIVITY);
export const VIEW_ORDERS: Record<ViewId, string> = Object.fromEntries(
  VIEW_IDS.map((v) => [v, orderBy(VIEW_ORDER_KEYS[v])]),
) as Record<ViewId, string>;
/** Each view's order walked from its last row (pages near the end, the rows just before a ticket). */
export const VIEW_ORDERS_FROM_END: Record<ViewId, string> = Object.fromEntries(
  VIEW_IDS.map((v) => [v, orderBy(reversed(VIEW_ORDER_KEYS[v]))]),
) as Record<ViewId, string>;

type PageParams = { me: string; now: number; limit: number; offset: number };
type AroundParams = { me: string; now: number; limit: number; id: string };

export interface ViewStatements {
  page: Statement<PageParams, TicketRow>;
  /** The same rows counted from the view's end (last row first): a page near the end skips few rows, not ~all. */
  pageFromEnd: Statement<PageParams, TicketRow>;
  /** Up to `limit` rows just before ticket `@id`, nearest first (a keyset walk backwards from it). */
  before: Statement<AroundParams, TicketRow>;
  /** Ticket `@id` and up to `limit - 1` rows after it, in order (a keyset walk forwards from it). */
  fromTicket: Statement<AroundParams, TicketRow>;
  count: Statement<{ me: string; now: number }, { n: number }>;
  /** The ticket's index in the view, or no row when the view does not hold it. */
  position: Statement<{ me: string; now: number; id: string }, { n: number }>;
}

export function createViewStatements(db: CacheDb): Record<ViewId, ViewStatements> {
  const views = {} as Record<ViewId, ViewStatements>;
  for (const view of VIEW_IDS) {
    const where = VIEW_FILTERS[view];
    const order = VIEW_ORDER_KEYS[view];
    const select = `SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${where}`;
    views[view] = {
      page: db.prepare(`${select} ${VIEW_ORDERS[view]} LIMIT @limit OFFSET @offset`),
      pageFromEnd: db.prepare(`${select} ${VIEW_ORDERS_FROM_END[view]} LIMIT @limit OFFSET @offset`),
      before: db.prepare(`${select} AND ${orderedBefore(order)} ${VIEW_ORDERS_FROM_END[view]} LIMIT @limit`),
      fromTicket: db.prepare(`${select} AND ${orderedBefore(reversed(order), true)} ${orderBy(order)} LIMIT @limit`),
      count: db.prepare(`SELECT COUNT(*) AS n FROM tickets WHERE ${where}`),
      position: db.prepare(
        `SELECT (SELECT COUNT(*) FROM tickets WHERE ${where} AND ${orderedBefore(order)}) AS n
         FROM tickets WHERE id = @id AND ${where}`,
      ),
    };
  }
  return views;
}
