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

/** Units a room number may name: an exact code ("3-1-502", in any project), or a partial one ("1-502"). */
async function findUnits(q: Queryable, room: string): Promise<{ id: string; code: string }[]> {
  const parsed = parseRoomQuery(room);
  if (!parsed) return [];
  const { rows } =
    parsed.kind === 'exact'
      ? await q.query<{ id: string; code: string }>('SELECT id, code FROM units WHERE code = $1 LIMIT 50', [
          parsed.code,
        ])
      : await q.query<{ id: string; code: string }>(`SELECT id, code FROM units WHERE code LIKE '%-' || $1 LIMIT 50`, [
          parsed.suffix,
        ]);
  return rows;
}

/**
 * The resident of those units with a phone ending in `last4`. Room and digits must point at one unit: the same
 * room in two projects with the same last four digits is ambiguous, and ambiguity files nothing.
 */
async function matchResident(q: Queryable, room: string, last4: string): Promise<Match | null> {
  const units = await findUnits(q, room);
  if (units.length === 0) return null;
  const { rows } = await q.query<Row>(
    `SELECT ru.unit_id, r.id, r.name, p.raw, p.e164 FROM resident_units ru
       JOIN residents r ON r.id = ru.resident_id AND r.erased_at IS NULL
       JOIN resident_phones p ON p.resident_id = r.id
      WHERE ru.unit_id = ANY($1::text[]) ORDER BY ru.unit_id, r.name, r.id, p.raw`,
    [units.map((u) => u.id)],
  );
  const hits = rows.filter(
    (r) => endsWithDigits(String(r.raw), last4) || endsWithDigits(r.e164 as string | null, last4),
  );
  const hit = hits[0];
  if (!hit || hits.some((h) => h.unit_id !== hit.unit_id)) return null;
  const unit = units.find((u) => u.id === hit.unit_id)!;
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
