/**
 * The audit log's base (issue 11 §4): recordAudit writes one filterable row per act, and the table refuses any
 * update, delete or truncate on both backends, so a leak cannot be hidden after the fact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../server/audit/log';
import type { Db } from '../../server/db/driver';
import { BACKENDS } from './support/backends';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skipReason !== null)(`audit log on ${backend.name}`, () => {
    let db: Db;
    let dispose: () => Promise<void>;
    beforeAll(async () => ({ db, dispose } = await backend.open()));
    afterAll(async () => dispose?.());

    it('records who, what, on which subject and from where', async () => {
      const at = new Date('2026-12-01T02:03:04.000Z');
      await recordAudit(
        db,
        {
          actor: null,
          action: 'resident.reveal',
          subjectType: 'resident',
          subjectId: 'r-1',
          source: { ip: '10.0.0.7', clientId: 'c-1' },
          detail: { field: 'phone' },
        },
        at,
      );
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT action, subject, subject_type, subject_id, source_ip, client_id, data, at FROM audit_log`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        action: 'resident.reveal',
        subject: 'resident:r-1',
        subject_type: 'resident',
        subject_id: 'r-1',
        source_ip: '10.0.0.7',
        client_id: 'c-1',
        data: { field: 'phone' },
      });
      expect(new Date(rows[0]!.at as string).toISOString()).toBe(at.toISOString());
    });

    it.each([
      ['update', `UPDATE audit_log SET action = 'x'`],
      ['delete', `DELETE FROM audit_log`],
      ['truncate', `TRUNCATE audit_log`],
    ])('refuses %s', async (_name, sql) => {
      await expect(db.query(sql)).rejects.toThrow(/append-only/);
      expect((await db.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0]).toEqual({ n: 1 });
    });
  });
}
