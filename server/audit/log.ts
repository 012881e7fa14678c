/**
 * The append-only audit log (issue 11 §4, PIPL): one row per sensitive act — a full read of a resident's record,
 * a phone reveal, a directory download, an export, an erasure, a reassignment, a deletion. Written in the same
 * transaction as the act where there is one, so an act and its audit row land together or not at all.
 * The table (migrations 0001 + 0009) is append-only by a trigger; `data` holds the entry's detail.
 */
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../common/domain';
import type { AuditAction, AuditSubjectType } from '../../common/privacy';
import type { Queryable } from '../db/driver';

export { AUDIT_ACTIONS, type AuditAction } from '../../common/privacy';

export interface AuditSource {
  ip: string | null;
  clientId?: string | null;
}

export interface AuditEntry {
  /** Null for the system itself (the retention job). */
  actor: { id: string; role?: Role | undefined } | null;
  action: AuditAction;
  subjectType: AuditSubjectType;
  subjectId: string | null;
  source: AuditSource;
  /** What was read or changed, without the personal data itself (ids, field names, counts, reasons). */
  detail?: Record<string, unknown>;
}

export async function recordAudit(q: Queryable, entry: AuditEntry, at?: Date): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (at, actor_id, actor_role, action, subject, subject_type, subject_id, source_ip, client_id, data)
     VALUES (coalesce($1::timestamptz, now()), $2, $3, $4, $5 || coalesce(':' || $6, ''), $5, $6, $7, $8, $9::jsonb)`,
    [
      at?.toISOString() ?? null,
      entry.actor?.id ?? null,
      entry.actor?.role ?? null,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.source.ip,
      entry.source.clientId ?? null,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** Where a request came from, for the audit row (request.ip honours the server's trustProxy setting). */
export function auditSource(request: FastifyRequest, clientId?: string | null): AuditSource {
  return { ip: request.ip ?? null, clientId: clientId ?? null };
}
