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
