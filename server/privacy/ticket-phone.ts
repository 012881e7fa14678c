/**
 * The number a new ticket records (issue 11 §4). Consoles hold numbers masked, so a ticket taken from a call or
 * for a resident names its number by the masked form: the server records the whole number that form stands for —
 * the call's outside number (`callId`), else the resident's phone. A number typed in full is recorded as E.164
 * when it is a valid one. A masked form that stands for neither records no number (never the mask itself).
 */
import type { MutationArgs } from '../../common/mutations';
import { isMaskedPhone, maskPhone, toE164 } from '../../common/residents/phone';
import type { Queryable } from '../db/driver';

type CreateArgs = Pick<MutationArgs<'ticket.create'>, 'phone' | 'callId' | 'residentId'>;

export async function resolveTicketPhone(q: Queryable, args: CreateArgs): Promise<string | null> {
  const phone = args.phone?.trim() || null;
  if (phone === null) return null;
  if (!isMaskedPhone(phone)) return toE164(phone) ?? phone;
  const candidates = [...(await callNumbers(q, args.callId)), ...(await residentNumbers(q, args.residentId))];
  const number = candidates.find((n) => maskPhone(n) === phone);
  return number === undefined ? null : (toE164(number) ?? number);
}

async function callNumbers(q: Queryable, callId: string | undefined): Promise<string[]> {
  if (!callId) return [];
  const { rows } = await q.query<{ number: string | null }>(
    `SELECT CASE WHEN direction = 'outbound' THEN to_raw ELSE from_raw END AS number FROM calls WHERE id = $1`,
    [callId],
  );
  return rows.flatMap((r) => (r.number ? [r.number] : []));
}

async function residentNumbers(q: Queryable, residentId: string | null): Promise<string[]> {
  if (!residentId) return [];
  const { rows } = await q.query<{ raw: string }>(
    'SELECT raw FROM resident_phones WHERE resident_id = $1 ORDER BY raw',
    [residentId],
  );
  return rows.map((r) => r.raw);
}
