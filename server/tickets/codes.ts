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

/**
 * Consecutive codes for several types at once (a push batch's creations, `count` per type): one statement, and the
 * counter rows locked in prefix order, so two batches creating the same types never wait on each other in a circle.
 */
export async function allocateTicketCodes(
  q: Queryable,
  counts: ReadonlyMap<TicketType, number>,
  now: Date,
): Promise<Map<TicketType, string[]>> {
  const day = shanghaiDate(now);
  const wanted = [...counts]
    .filter(([, n]) => n > 0)
    .map(([type, n]) => ({ type, n, prefixDay: `${CODE_PREFIX[type]}-${day}` }))
    .sort((a, b) => (a.prefixDay < b.prefixDay ? -1 : a.prefixDay > b.prefixDay ? 1 : 0));
  const codes = new Map<TicketType, string[]>();
  if (wanted.length === 0) return codes;
  const { rows } = await q.query<{ prefix_day: string; last: unknown }>(
    `INSERT INTO ticket_code_counters (prefix_day, last)
     SELECT prefix_day, n FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS t(prefix_day, n, i) ORDER BY i
     ON CONFLICT (prefix_day) DO UPDATE SET last = ticket_code_counters.last + EXCLUDED.last
     RETURNING prefix_day, last`,
    [wanted.map((w) => w.prefixDay), wanted.map((w) => w.n)],
  );
  const lastOf = new Map(rows.map((r) => [r.prefix_day, Number(r.last)]));
  for (const { type, n, prefixDay } of wanted) {
    const last = lastOf.get(prefixDay) ?? Number.NaN;
    codes.set(
      type,
      Array.from({ length: n }, (_, i) => formatTicketCode(type, day, last - n + 1 + i)),
    );
  }
  return codes;
}
