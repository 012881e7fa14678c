/**
 * Erasing a resident on request (PIPL right to deletion), in one transaction: the record keeps its id under a
 * neutral name, without phones, units or tags, marked `erased_at`; their tickets and calls lose their name and
 * numbers (history stays: events, statuses, times, the rest of the free text); the changed rows go to the change
 * log so every console's cache gets the anonymised version; the act is audited. The residents directory feed
 * sees the resident move (the update stamps dir_xid/dir_seq, migration 0005). Repeating it changes nothing more.
 */
import { ERASED_RESIDENT_NAME, type EraseResult } from '../../common/privacy';
import type { User } from '../../common/domain';
import { recordAudit, type AuditSource } from '../audit/log';
import type { Queryable } from '../db/driver';
import { toIso, type Row } from '../db/rows';
import { notifyChanges } from '../sync/notify';
import type { Identity } from './identity';
import { RESIDENT_CALLS, RESIDENT_TICKETS, identityOf, loadPrivacyResident } from './resident';
import { CALL_PERSONAL_COLUMNS, TICKET_PERSONAL_COLUMNS, scrubCalls, scrubTickets } from './scrub';

export interface EraseRequestContext {
  actor: User;
  reason: string;
  source: AuditSource;
  now: Date;
}

/** Erases the resident in the caller's transaction; undefined when no such resident exists. */
export async function eraseResident(
  q: Queryable,
  id: string,
  { actor, reason, source, now }: EraseRequestContext,
): Promise<EraseResult | undefined> {
  const resident = await loadPrivacyResident(q, id, { forUpdate: true });
  if (!resident) return undefined;
  const who = await identityOf(q, resident);

  const { rows: tickets } = await q.query<Row>(
    `SELECT ${TICKET_PERSONAL_COLUMNS} FROM tickets t WHERE ${RESIDENT_TICKETS} ORDER BY id FOR UPDATE`,
    [id, who.numbers],
  );
  const scrubbed = await scrubTickets(
    q,
    tickets,
    (t) => ({
      residentId: t.residentId,
      // Linked to them, or an unlinked ticket with their number: the name there is theirs too.
      residentName: t.residentName === null && t.residentId === null ? null : ERASED_RESIDENT_NAME,
      who: withTicketName(who, t.residentName, resident.erasedAt),
    }),
    ERASED_RESIDENT_NAME,
  );
  const { rows: calls } = await q.query<Row>(
    `SELECT ${CALL_PERSONAL_COLUMNS} FROM calls c WHERE ${RESIDENT_CALLS} ORDER BY id FOR UPDATE`,
    [id, who.numbers],
  );
  const callIds = await scrubCalls(
    q,
    calls,
    (c) => ({ clearOtherParty: c.residentId === id, keepResident: true, who }),
    ERASED_RESIDENT_NAME,
  );

  const { rows } = await q.query<{ erased_at: unknown }>(
    `UPDATE residents SET name = $2, tags = '{}', erased_at = COALESCE(erased_at, $3) WHERE id = $1
     RETURNING erased_at`,
    [id, ERASED_RESIDENT_NAME, now.toISOString()],
  );
  await q.query('DELETE FROM resident_phones WHERE resident_id = $1', [id]);
  await q.query('DELETE FROM resident_units WHERE resident_id = $1', [id]);

  const counts = { tickets: scrubbed.changed.length, calls: callIds.length };
  await recordAudit(
    q,
    { actor, action: 'resident.erase', subjectType: 'resident', subjectId: id, source, detail: { reason, ...counts } },
    now,
  );
  if (counts.tickets + counts.calls > 0) await notifyChanges(q, { residents: 'erase' });
  return { residentId: id, erasedAt: toIso(rows[0]?.erased_at), ...counts };
}

/**
 * The name written on an unlinked ticket with their number is theirs too (an agent typed it), whatever spelling;
 * once erased, the record's name is the neutral one and nothing more is looked for.
 */
function withTicketName(who: Identity, ticketName: string | null, erasedAt: string | null): Identity {
  if (erasedAt || ticketName === null || ticketName === ERASED_RESIDENT_NAME || who.names.includes(ticketName)) {
    return who;
  }
  return { ...who, names: [...who.names, ticketName] };
}
