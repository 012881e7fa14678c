/**
 * Caller-ID (issue 10 item 5) answers from indexes: `maybe` candidates are residents linked to earlier tickets
 * or calls from the same number. Tickets keep their phone as typed, so they get its E.164 form (written by the
 * ticket repository, filled here for the rows already cached); calls already have `from_e164`. Both indexes hold
 * only rows linked to a resident and cover the lookup (number → resident, most recent first) without the table.
 */
import { toE164 } from '../../../common/residents/phone';
import type { Migration } from '../migrate';

export const migration009: Migration = {
  version: 9,
  up(db) {
    db.exec('ALTER TABLE tickets ADD COLUMN phone_e164 TEXT');
    const rows = db.prepare<[], { id: string; phone: string }>('SELECT id, phone FROM tickets WHERE phone IS NOT NULL');
    const set = db.prepare<[string, string]>('UPDATE tickets SET phone_e164 = ? WHERE id = ?');
    for (const row of rows.all()) {
      const e164 = phoneE164(row.phone);
      if (e164) set.run(e164, row.id);
    }
    db.exec(`
      CREATE INDEX tickets_by_phone_resident ON tickets(phone_e164, resident_id, updated_ms)
        WHERE phone_e164 IS NOT NULL AND resident_id IS NOT NULL;
      CREATE INDEX calls_by_number_resident ON calls(from_e164, resident_id, started_ms)
        WHERE resident_id IS NOT NULL;
    `);
  },
};

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A ticket's phone in E.164, for matching a caller. Most tickets already carry E.164 (the server normalises at
 * intake): those are kept without parsing, which would cost the initial sync about 15 µs a ticket. Such a string
 * that is not a valid number never matches, since callers are only looked up by valid numbers.
 */
export function phoneE164(phone: string | null): string | null {
  if (phone === null) return null;
  return E164.test(phone) ? phone : toE164(phone);
}
