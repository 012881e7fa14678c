/**
 * Report a repair at the kiosk: room number + the last four digits of a phone on file name the resident; the
 * ticket is filed for them (kiosk channel) and only its code comes back.
 */
import { randomUUID } from 'node:crypto';
import type { User } from '../../common/domain';
import type { KioskRepairReceipt, KioskRepairRequest } from '../../common/kiosk/api';
import { MutationRejected, parseMutation } from '../../common/mutations';
import { parseRoomQuery } from '../../common/residents/room';
import type { TicketSlaContext } from '../../common/sla/ticket-sla';
import type { Db, Queryable } from '../db/driver';
import type { Row } from '../db/rows';
import { HttpError } from '../http/errors';
import { executeMutation } from '../sync/execute';
import { notifyChanges } from '../sync/notify';
import type { FailureLimits } from './failures';
import { endsWithDigits, guardedMatch } from './verify';

const KIOSK_REPAIR_TITLE = '自助终端报修 / Kiosk repair report';

interface Match {
  unitId: string;
  unitCode: string;
  residentId: string;
  residentName: string;
  phone: string;
}

/** The one unit a room number names (a partial number only when it fits exactly one unit). */
async function findUnit(q: Queryable, room: string): Promise<{ id: string; code: string } | null> {
  const parsed = parseRoomQuery(room);
  if (!parsed) return null;
  const { rows } =
    parsed.kind === 'exact'
      ? await q.query<{ id: string; code: string }>('SELECT id, code FROM units WHERE code = $1 LIMIT 2', [parsed.code])
      : await q.query<{ id: string; code: string }>(`SELECT id, code FROM units WHERE code LIKE '%-' || $1 LIMIT 2`, [
          parsed.suffix,
        ]);
  return rows.length === 1 ? rows[0]! : null;
}

async function matchResident(q: Queryable, room: string, last4: string): Promise<Match | null> {
  const unit = await findUnit(q, room);
  if (!unit) return null;
  const { rows } = await q.query<Row>(
    `SELECT r.id, r.name, p.raw, p.e164 FROM resident_units ru
       JOIN residents r ON r.id = ru.resident_id AND r.erased_at IS NULL
       JOIN resident_phones p ON p.resident_id = r.id
      WHERE ru.unit_id = $1 ORDER BY r.name, r.id, p.raw`,
    [unit.id],
  );
  const hit = rows.find((r) => endsWithDigits(String(r.e164 ?? r.raw), last4) || endsWithDigits(String(r.raw), last4));
  if (!hit) return null;
  return {
    unitId: unit.id,
    unitCode: unit.code,
    residentId: String(hit.id),
    residentName: String(hit.name),
    phone: String(hit.e164 ?? hit.raw),
  };
}

export async function reportRepair(
  db: Db,
  kiosk: User,
  req: KioskRepairRequest,
  opts: { now: Date; sla?: TicketSlaContext; limits: FailureLimits },
): Promise<KioskRepairReceipt> {
  const found = await guardedMatch(
    db,
    { kioskUserId: kiosk.id, subject: `room:${req.room.replace(/\s/g, '')}`, limits: opts.limits, now: opts.now },
    () => matchResident(db, req.room, req.last4),
  );
  return db.tx(async (q) => {
    const mutation = parseMutation('ticket.create', {
      id: randomUUID(),
      eventId: randomUUID(),
      type: 'repair',
      category: req.category,
      channel: 'kiosk',
      // Agents read the category and the resident's words; the title only says where it came from.
      title: KIOSK_REPAIR_TITLE,
      description: req.description || undefined,
      unitId: found.unitId,
      unitCode: found.unitCode,
      residentId: found.residentId,
      residentName: found.residentName,
      phone: found.phone,
    });
    try {
      const { ticket } = await executeMutation(q, mutation, {
        actorId: kiosk.id,
        actorRole: kiosk.role,
        actorTeamId: kiosk.teamId,
        now: opts.now,
        sla: opts.sla,
      });
      if (!ticket?.code) throw new Error('ticket.create produced no ticket code');
      await notifyChanges(q, { intake: ticket.id });
      return { code: ticket.code, category: ticket.category, createdAt: ticket.createdAt };
    } catch (err) {
      if (err instanceof MutationRejected) throw new HttpError(422, err.code, { message: err.message });
      throw err;
    }
  });
}
