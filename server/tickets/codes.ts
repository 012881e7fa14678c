/** Human ticket codes (`BX-20261126-0042`): a counter per type prefix and Asia/Shanghai day. */
import { CODE_PREFIX, formatTicketCode, shanghaiDate, type TicketType } from '../../common/domain';
import type { Queryable } from '../db/driver';

export async function allocateTicketCode(q: Queryable, type: TicketType, now: Date): Promise<string> {
  const day = shanghaiDate(now);
  // The row lock taken by the upsert serialises concurrent creations of the same prefix and day.
  const { rows } = await q.query<{ last: unknown }>(
    `INSERT INTO ticket_code_counters (prefix_day, last) VALUES ($1, 1)
     ON CONFLICT (prefix_day) DO UPDATE SET last = ticket_code_counters.last + 1
     RETURNING last`,
    [`${CODE_PREFIX[type]}-${day}`],
  );
  return formatTicketCode(type, day, Number(rows[0]?.last));
}

/** `count` consecutive codes of one type and day in one statement (a push batch's creations). */
export async function allocateTicketCodes(q: Queryable, type: TicketType, now: Date, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const day = shanghaiDate(now);
  const { rows } = await q.query<{ last: unknown }>(
    `INSERT INTO ticket_code_counters (prefix_day, last) VALUES ($1, $2)
     ON CONFLICT (prefix_day) DO UPDATE SET last = ticket_code_counters.last + $2
     RETURNING last`,
    [`${CODE_PREFIX[type]}-${day}`, count],
  );
  const last = Number(rows[0]?.last);
  return Array.from({ length: count }, (_, i) => formatTicketCode(type, day, last - count + 1 + i));
}
