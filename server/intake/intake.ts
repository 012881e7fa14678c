/**
 * REST intake (WeChat, resident app, integrations, kiosk): builds a `ticket.create` mutation server-side and
 * runs it through the same write path as a pushed one, so the ticket gets its code and syncs like any other.
 */
import type { TicketSlaContext } from '../../common/sla/ticket-sla';
import { randomUUID } from 'node:crypto';
import type { IntakeRequest } from '../../common/api';
import type { Resident, Ticket, User } from '../../common/domain';
import { MutationRejected, parseMutation } from '../../common/mutations';
import type { Db, Queryable } from '../db/driver';
import { HttpError } from '../http/errors';
import { findResidentsByPhone } from '../residents/lookup';
import { toE164 } from '../residents/phone';
import { executeMutation } from '../sync/execute';
import { notifyChanges } from '../sync/notify';
import { autoAssignAfterWrite } from '../assignment/engine';

async function findUnit(q: Queryable, unitId: string): Promise<{ id: string; code: string }> {
  const { rows } = await q.query<{ id: string; code: string }>('SELECT id, code FROM units WHERE id = $1', [unitId]);
  if (!rows[0]) throw new HttpError(400, 'invalid_request', [{ path: ['unitId'], message: 'Unknown unit' }]);
  return rows[0];
}

/** Links a resident only when the phone (and the unit, if given) points at exactly one. */
function pickResident(candidates: Resident[], unitId: string | undefined): Resident | undefined {
  const inUnit = unitId ? candidates.filter((r) => r.units.some((u) => u.id === unitId)) : candidates;
  return inUnit.length === 1 ? inUnit[0] : undefined;
}

export async function createIntakeTicket(
  db: Db,
  user: User,
  req: IntakeRequest,
  now: Date,
  sla?: TicketSlaContext,
): Promise<Ticket> {
  return db.tx(async (q) => {
    const unit = req.unitId ? await findUnit(q, req.unitId) : undefined;
    const resident = req.phone ? pickResident(await findResidentsByPhone(q, req.phone), req.unitId) : undefined;
    const residentUnit = !unit && resident?.units.length === 1 ? resident.units[0] : undefined;
    const mutation = parseMutation('ticket.create', {
      id: randomUUID(),
      eventId: randomUUID(),
      type: req.type,
      category: req.category,
      // A lobby kiosk can only ever be the kiosk channel, whatever it claims.
      channel: user.role === 'kiosk' ? 'kiosk' : req.channel,
      priority: req.priority,
      title: req.title,
      description: req.description,
      unitId: unit?.id ?? residentUnit?.id ?? null,
      unitCode: unit?.code ?? residentUnit?.code ?? null,
      residentId: resident?.id ?? null,
      residentName: resident?.name ?? null,
      phone: req.phone ? (toE164(req.phone) ?? req.phone.trim()) : null,
    });
    try {
      const { ticket } = await executeMutation(q, mutation, {
        actorId: user.id,
        actorRole: user.role,
        actorTeamId: user.teamId,
        now,
        sla,
      });
      if (!ticket) throw new Error('ticket.create produced no ticket');
      // Auto-assignment (issue 12): decided in the transaction that files the ticket.
      await autoAssignAfterWrite(q, { ticketIds: [ticket.id], userIds: [] }, now);
      await notifyChanges(q, { intake: ticket.id });
      return ticket;
    } catch (err) {
      if (err instanceof MutationRejected) throw new HttpError(422, err.code, { message: err.message });
      throw err;
    }
  });
}
