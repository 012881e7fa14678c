/**
 * Reveal (issue 11 §4): the whole number behind a masked one, for an agent to read or for the softphone to dial,
 * one number per request, each read written to the audit log in the same transaction (who, when, what, from
 * where, why). Who may reveal is an allow-list per subject, so a role missing from it — the kiosk, the PBX's
 * integration account, any role added later — is refused (fail closed):
 * - agents, leads and admins: tickets, calls and residents (the desk's work);
 * - technicians: the phone of a ticket assigned to them (they call the resident about the visit), nothing else;
 * - the kiosk and integrations: nothing.
 */
import type { RevealRequest } from '../../common/api';
import type { Role, User } from '../../common/domain';
import { maskPhone } from '../../common/residents/phone';
import { recordAudit, type AuditSource } from '../audit/log';
import type { Queryable } from '../db/driver';
import { HttpError } from '../http/errors';

export const REVEAL_ROLES: Record<RevealRequest['subject'], readonly Role[]> = {
  ticket: ['agent', 'lead', 'admin', 'technician'],
  call: ['agent', 'lead', 'admin'],
  resident: ['agent', 'lead', 'admin'],
};

/** Roles that may reveal a ticket's phone only when the ticket is assigned to them. */
const OWN_TICKETS_ONLY: readonly Role[] = ['technician'];

interface Found {
  number: string;
  /** Which field was read, for the audit row. */
  field: string;
}

const notFound = () => new HttpError(404, 'not_found');
const noNumber = () => new HttpError(404, 'not_found', { reason: 'no_number' });

async function ticketNumber(q: Queryable, user: User, id: string): Promise<Found> {
  const { rows } = await q.query<{ phone: string | null; assignee_id: string | null }>(
    'SELECT phone, assignee_id::text AS assignee_id FROM tickets WHERE id = $1 AND deleted_at IS NULL',
    [id],
  );
  const ticket = rows[0];
  if (!ticket) throw notFound();
  if (OWN_TICKETS_ONLY.includes(user.role) && ticket.assignee_id !== user.id) {
    throw new HttpError(403, 'forbidden', { reason: 'not_assigned' });
  }
  if (!ticket.phone) throw noNumber();
  return { number: ticket.phone, field: 'phone' };
}

async function callNumber(q: Queryable, id: string): Promise<Found> {
  const { rows } = await q.query<{ direction: string; from_raw: string | null; to_raw: string | null }>(
    'SELECT direction, from_raw, to_raw FROM calls WHERE id = $1',
    [id],
  );
  const call = rows[0];
  if (!call) throw notFound();
  // The outside party: who called in, or whom the desk called.
  const field = call.direction === 'outbound' ? 'to' : 'from';
  const number = field === 'to' ? call.to_raw : call.from_raw;
  if (!number) throw noNumber();
  return { number, field };
}

async function residentNumber(q: Queryable, id: string, shown: string): Promise<Found> {
  const { rows } = await q.query<{ raw: string | null }>(
    `SELECT p.raw FROM residents r LEFT JOIN resident_phones p ON p.resident_id = r.id
      WHERE r.id = $1 AND r.erased_at IS NULL ORDER BY p.raw`,
    [id],
  );
  if (rows.length === 0) throw notFound();
  const number = rows.map((r) => r.raw).find((raw) => raw !== null && maskPhone(raw) === shown);
  if (!number) throw noNumber();
  return { number, field: 'phone' };
}

/** The number, after writing its audit row; throws 403/404 (and writes nothing) otherwise. Run inside a transaction. */
export async function revealNumber(q: Queryable, user: User, req: RevealRequest, source: AuditSource): Promise<string> {
  if (!REVEAL_ROLES[req.subject].includes(user.role)) {
    throw new HttpError(403, 'forbidden', { reason: 'reveal_not_allowed' });
  }
  const found =
    req.subject === 'ticket'
      ? await ticketNumber(q, user, req.id)
      : req.subject === 'call'
        ? await callNumber(q, req.id)
        : await residentNumber(q, req.id, req.shown);
  await recordAudit(q, {
    actor: user,
    action: `${req.subject}.reveal`,
    subjectType: req.subject,
    subjectId: req.id,
    source,
    detail: { field: found.field, purpose: req.purpose },
  });
  return found.number;
}
