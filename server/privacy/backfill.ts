/**
 * Masks for tickets written before migration 0010 (or by a writer without maskPhone): SQL cannot mask, so the
 * server fills `phone_masked` at start, in batches, and logs each ticket as changed so consoles pull it again.
 * Until then such a ticket travels without a number (never a whole one).
 */
import { maskPhone } from '../../common/residents/phone';
import type { Db } from '../db/driver';
import { recordChanges } from '../sync/changes';

const BATCH = 1000;

/** Returns the tickets it masked. */
export async function backfillPhoneMasks(db: Db): Promise<number> {
  let done = 0;
  for (;;) {
    const masked = await db.tx(async (q) => {
      const { rows } = await q.query<{ id: string; phone: string }>(
        `SELECT id::text AS id, phone FROM tickets WHERE phone IS NOT NULL AND phone_masked IS NULL
          ORDER BY id LIMIT ${BATCH} FOR UPDATE`,
      );
      if (rows.length === 0) return 0;
      await q.query(
        `UPDATE tickets t SET phone_masked = v.masked
           FROM unnest($1::uuid[], $2::text[]) AS v(id, masked) WHERE t.id = v.id`,
        [rows.map((r) => r.id), rows.map((r) => maskPhone(r.phone))],
      );
      await recordChanges(
        q,
        'ticket',
        rows.map((r) => r.id),
      );
      return rows.length;
    });
    done += masked;
    if (masked < BATCH) return done;
  }
}
