/**
 * Reading the audit log (issue 11 §4): filtered, newest first, in pages keyed by (at, id). The cursor carries `at`
 * in microseconds, the column's own precision, so no row that shares a millisecond with a page's last is skipped.
 */
import type { Role } from '../../common/domain';
import type { AuditItem, AuditPage, AuditQuery } from '../../common/privacy';
import type { Queryable } from '../db/driver';
import { toIso, type Row } from '../db/rows';

/** The WHERE conditions and their parameters for a query's filters and cursor. */
function conditions(query: AuditQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.actor === 'system') clauses.push('a.actor_id IS NULL');
  else if (query.actor) clauses.push(`a.actor_id = ${param(query.actor)}::uuid`);
  if (query.action) clauses.push(`a.action = ${param(query.action)}`);
  if (query.subjectType) clauses.push(`a.subject_type = ${param(query.subjectType)}`);
  if (query.subjectId) clauses.push(`a.subject_id = ${param(query.subjectId)}`);
  if (query.since) clauses.push(`a.at >= ${param(query.since)}::timestamptz`);
  if (query.until) clauses.push(`a.at < ${param(query.until)}::timestamptz`);
  if (query.cursor) {
    const [micros, id] = query.cursor.split(':') as [string, string];
    clauses.push(
      `(a.at, a.id) < ('epoch'::timestamptz + ${param(micros)}::bigint * interval '1 microsecond', ${param(id)}::bigint)`,
    );
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));

function itemFromRow(r: Row): AuditItem {
  const detail = typeof r.data === 'string' ? (JSON.parse(r.data) as unknown) : r.data;
  return {
    id: String(r.id),
    at: toIso(r.at),
    actor:
      r.actor_id == null
        ? null
        : {
            id: String(r.actor_id),
            role: (r.actor_role ?? null) as Role | null,
            username: strOrNull(r.username),
            name: strOrNull(r.actor_name),
          },
    action: String(r.action),
    subjectType: strOrNull(r.subject_type),
    subjectId: strOrNull(r.subject_id),
    subject: String(r.subject),
    sourceIp: strOrNull(r.source_ip),
    clientId: strOrNull(r.client_id),
    detail: (detail ?? {}) as Record<string, unknown>,
  };
}

export async function readAuditPage(q: Queryable, query: AuditQuery): Promise<AuditPage> {
  const { where, params } = conditions(query);
  const { rows } = await q.query<Row>(
    `SELECT a.id::text AS id, a.at, (extract(epoch FROM a.at) * 1000000)::bigint::text AS at_us, a.actor_id,
            a.actor_role, u.username, u.name AS actor_name, a.action, a.subject, a.subject_type, a.subject_id,
            a.source_ip, a.client_id, a.data
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
       ${where}
      ORDER BY a.at DESC, a.id DESC
      LIMIT ${query.limit + 1}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(itemFromRow),
    nextCursor: rows.length > query.limit && last ? `${String(last.at_us)}:${String(last.id)}` : null,
  };
}
