/** The ticket list: filters plus keyset paging on (created_at DESC, id DESC). */
import { TicketCodeInput, type Ticket } from '../../common/domain';
import type { TicketListQuery } from '../../common/api';
import { encodeKeyset } from '../../common/input';
import type { Queryable } from '../db/driver';
import { toE164 } from '../residents/phone';
import { TICKET_COLUMNS, ticketFromRow, type Row } from '../db/rows';

export interface ListScope {
  /** The caller, for `assignee=me`. */
  userId: string;
}

// The key keeps created_at as PostgreSQL text (microseconds), so paging never skips rows that share a millisecond.
// TicketListQuery's cursor schema (common/input KeysetCursor) has decoded and checked it before it gets here.

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** At most this many search terms (as the desk's own search, main/cache/search). */
const MAX_TERMS = 8;
/** What a search looks in: what an agent sees of a ticket. */
const SEARCHED_COLUMNS = ['code', 'title', 'description', 'resident_name', 'unit_code', 'phone_masked'] as const;

/**
 * `q` as the desk's search reads it: every whitespace-separated term in one of the fields an agent sees (the code,
 * title, description, resident's name, unit and the masked phone — never the hidden digits of a whole number), or the
 * whole query as one phone number, matched exactly. A whole ticket code finds that ticket by its index: callers
 * quote it, and matching it in every text would read the whole table.
 */
function searchFilter(q: string, bind: (value: unknown) => string): string {
  const normalized = q.normalize('NFKC').trim();
  const code = TicketCodeInput.safeParse(normalized);
  if (code.success) return `code = ${bind(code.data)}`;
  const phone = /^\+?[\d\-() ]+$/.test(normalized) ? toE164(normalized) : null;
  const terms = [...new Set(normalized.split(/\s+/).filter((t) => t.length > 0))].slice(0, MAX_TERMS);
  const byTerms = terms
    .map((term) => {
      const pattern = bind(`%${escapeLike(term)}%`);
      return `(${SEARCHED_COLUMNS.map((c) => `${c} ILIKE ${pattern}`).join(' OR ')})`;
    })
    .join(' AND ');
  return phone ? `(phone = ${bind(phone)} OR (${byTerms}))` : `(${byTerms})`;
}

export async function listTickets(
  q: Queryable,
  query: TicketListQuery,
  scope: ListScope,
): Promise<{ items: Ticket[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => `$${params.push(value)}`;

  if (query.status) where.push(`status = ${bind(query.status)}`);
  if (query.queue) where.push(`team_id = ${bind(query.queue)}`);
  if (query.assignee === 'none') where.push('assignee_id IS NULL');
  else if (query.assignee === 'me') where.push(`assignee_id = ${bind(scope.userId)}`);
  else if (query.assignee !== undefined) where.push(`assignee_id = ${bind(query.assignee)}`);
  if (query.q?.trim()) where.push(searchFilter(query.q, bind));
  if (query.cursor) {
    where.push(`(created_at, id) < (${bind(query.cursor.at)}::timestamptz, ${bind(query.cursor.id)}::uuid)`);
  }

  const { rows } = await q.query<Row>(
    `SELECT ${TICKET_COLUMNS}, created_at::text AS created_key FROM tickets
      WHERE ${['deleted_at IS NULL', ...where].join(' AND ')}
      ORDER BY created_at DESC, id DESC LIMIT ${bind(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? encodeKeyset({ at: String(last.created_key), id: String(last.id) }) : null;
  return { items: page.map(ticketFromRow), nextCursor };
}
