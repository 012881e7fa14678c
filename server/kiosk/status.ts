/**
 * Check a status at the kiosk: the ticket code and the last four digits of the phone on the ticket (or of its
 * resident's) → the current step and its time limit, nothing else of the ticket.
 */
import type { KioskStatusAnswer, KioskStatusRequest } from '../../common/kiosk/api';
import type { User } from '../../common/domain';
import { findStep } from '../../common/workflows';
import type { Db } from '../db/driver';
import { toIsoOrNull, type Row } from '../db/rows';
import type { FailureLimits } from './failures';
import { endsWithDigits, guardedMatch } from './verify';

export async function checkStatus(
  db: Db,
  kiosk: User,
  req: KioskStatusRequest,
  opts: { now: Date; limits: FailureLimits },
): Promise<KioskStatusAnswer> {
  return guardedMatch(
    db,
    { kioskUserId: kiosk.id, subject: `ticket:${req.code}`, limits: opts.limits, now: opts.now },
    async () => {
      const { rows } = await db.query<Row>(
        `SELECT t.code, t.type, t.status, t.phone, t.sla_due_at, t.sla_paused_at,
                (SELECT array_agg(coalesce(p.e164, p.raw)) FROM resident_phones p WHERE p.resident_id = t.resident_id) AS phones
           FROM tickets t WHERE t.code = $1 AND t.deleted_at IS NULL`,
        [req.code],
      );
      const t = rows[0];
      if (!t) return null;
      const phones = [t.phone as string | null, ...((t.phones as string[] | null) ?? [])];
      if (!phones.some((p) => endsWithDigits(p, req.last4))) return null;
      const status = t.status as KioskStatusAnswer['status'];
      const step = findStep(t.type as Parameters<typeof findStep>[0], status);
      const paused = t.sla_paused_at != null;
      return {
        code: String(t.code),
        status,
        step: step?.label ?? { zh: status, en: status },
        dueAt: paused ? null : toIsoOrNull(t.sla_due_at),
        paused,
      };
    },
  );
}
