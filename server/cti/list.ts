/**
 * `GET /api/v1/calls`: the call log, newest first, with keyset paging (an opaque cursor of the last item's start
 * time and id, so pages neither skip nor repeat while calls arrive) and the filters the calls and missed-calls
 * views need. Each item is the whole record plus its resident's name.
 */
import { z } from 'zod';
import type { Call } from '../../common/domain';
import { KeysetCursor, Uuid, encodeKeyset, isoDateTime, line, queryInt } from '../../common/input';
import type { Queryable } from '../db/driver';
import { CALL_COLUMNS, callFromRow, toIso, type Row } from '../db/rows';
import { toE164 } from '../residents/phone';

export const MAX_CALL_PAGE = 200;

const Bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const CallListQuery = z.object({
  missed: Bool.optional(),
  agent: Uuid.optional(),
  number: line(32, { trim: true, min: 3 }).optional(),
  since: isoDateTime().optional(),
  limit: queryInt(1, MAX_CALL_PAGE).default(50),
  cursor: KeysetCursor.optional(),
});
export type CallListQuery = z.output<typeof CallListQuery>;

export type CallListItem = Call & { residentName: string | null };
export interface CallListPage {
  items: CallListItem[];
  nextCursor: string | null;
}

/** The cursor of the page after `p` (the last item's start time and id). */
export function encodeCallCursor(p: { startedAt: string; id: string }): string {
  return encodeKeyset({ at: p.startedAt, id: p.id });
}

export async function listCalls(q: Queryable, query: CallListQuery): Promise<CallListPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (query.missed !== undefined) where.push(`c.missed = ${param(query.missed)}`);
  if (query.agent) where.push(`c.agent_id = ${param(query.agent)}`);
  if (query.number) {
    const e164 = toE164(query.number);
    where.push(`(c.from_e164 = ${param(e164 ?? query.number)} OR c.from_raw = ${param(query.number)})`);
  }
  if (query.since) where.push(`c.started_at >= ${param(query.since)}`);
  if (query.cursor) {
    where.push(`(c.started_at, c.id) < (${param(query.cursor.at)}::timestamptz, ${param(query.cursor.id)}::uuid)`);
  }
  const columns = CALL_COLUMNS.split(', ')
    .map((col) => `c.${col}`)
    .join(', ');
  const { rows } = await q.query<Row>(
    `SELECT ${columns}, r.name AS resident_name FROM calls c LEFT JOIN residents r ON r.id = c.resident_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.started_at DESC, c.id DESC LIMIT ${param(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const items = page.map((r) => ({
    ...callFromRow(r),
    residentName: r.resident_name == null ? null : String(r.resident_name),
  }));
  const last = page.at(-1);
  const more = rows.length > query.limit;
  return {
    items,
    nextCursor: more && last ? encodeCallCursor({ startedAt: toIso(last.started_at), id: String(last.id) }) : null,
  };
}
