/**
 * Residents' personal data (issue 11 §4, PIPL): the wire shapes of the audit log's read API, of a resident's
 * export and of an erasure. Shared by the server (validation), the desk host (requests, responses) and the
 * renderer (types).
 */
import { z } from 'zod';
import { Call, Role, Ticket, TicketEvent } from './domain';

/** The name an erased resident keeps, on their record and on every ticket that named them. */
export const ERASED_RESIDENT_NAME = '已删除住户';

/** Every kind of audited act; the list is the log's vocabulary (the read API filters on it). */
export const AUDIT_ACTIONS = [
  'resident.read',
  'resident.reveal',
  'resident.export',
  'resident.erase',
  'residents.directory',
  'call.reveal',
  'ticket.reveal',
  'ticket.reassign',
  'ticket.delete',
  'retention.anonymise',
  'audit.read',
  'auth.login',
  'auth.loginFailed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit row's subject is (server/audit/log.ts writes these). */
export const AUDIT_SUBJECT_TYPES = ['resident', 'ticket', 'call', 'directory', 'audit', 'user', 'system'] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];
export const isAuditSubjectType = (value: string): value is AuditSubjectType =>
  (AUDIT_SUBJECT_TYPES as readonly string[]).includes(value);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Text a database stores as it is: trimmed, valid Unicode, no NUL or other control character, within `max`. */
const CleanText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode');

const EARLIEST_YEAR = 2000;
const LATEST_YEAR = 2100;

/** An ISO 8601 instant with an offset, on a real calendar day (no 2024-02-30), between 2000 and 2100. */
const Instant = z
  .string()
  .datetime({ offset: true })
  .refine((s) => {
    const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d));
    return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
  }, 'must be a real date')
  .refine((s) => {
    const year = new Date(s).getUTCFullYear();
    return year >= EARLIEST_YEAR && year <= LATEST_YEAR;
  }, `must lie between ${EARLIEST_YEAR} and ${LATEST_YEAR}`);

const MAX_BIGINT = 9_223_372_036_854_775_807n;
/** The audit read API's keyset cursor: "<microseconds since 1970>:<row id>", both non-negative bigints. */
const AuditCursor = z
  .string()
  .regex(/^\d{1,19}:\d{1,19}$/, 'must be a cursor from an earlier page')
  // Checks run on after a failed pattern: only digits may reach BigInt.
  .refine((s) => s.split(':').every((part) => /^\d+$/.test(part) && BigInt(part) <= MAX_BIGINT), 'is out of range');

export const AUDIT_PAGE_MAX = 200;
export const AUDIT_PAGE_DEFAULT = 50;

const auditFilterShape = {
  /** A user id, or `system` for the system's own acts (the retention job). */
  actor: z.union([z.string().uuid(), z.literal('system')]).optional(),
  action: z
    .string()
    .regex(/^[a-z][A-Za-z0-9_.-]{0,63}$/, 'must be an action name such as resident.export')
    .optional(),
  subjectType: z.enum(AUDIT_SUBJECT_TYPES).optional(),
  subjectId: CleanText(128).optional(),
  /** Inclusive lower and exclusive upper bound of `at`. */
  since: Instant.optional(),
  until: Instant.optional(),
  cursor: AuditCursor.optional(),
};

const sinceBeforeUntil = {
  check: (v: { since?: string; until?: string }) => !v.since || !v.until || Date.parse(v.since) < Date.parse(v.until),
  issue: { message: 'since must be before until', path: ['since'] },
};

/** The desk's filter (typed values). */
export const AuditFilter = z
  .object({ ...auditFilterShape, limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT) })
  .strict()
  .refine(sinceBeforeUntil.check, sinceBeforeUntil.issue);
export type AuditFilter = z.input<typeof AuditFilter>;

/** `GET /api/v1/audit`'s query string: the same filter, every value a string; an unknown parameter is refused. */
export const AuditQuery = z
  .object({
    ...auditFilterShape,
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(AUDIT_PAGE_MAX))
      .default(AUDIT_PAGE_DEFAULT),
  })
  .strict()
  .refine(sinceBeforeUntil.check, sinceBeforeUntil.issue);
export type AuditQuery = z.output<typeof AuditQuery>;

export const AuditItem = z.object({
  id: z.string(),
  at: z.string(),
  /** Null for the system itself (the retention job). */
  actor: z
    .object({ id: z.string(), role: Role.nullable(), username: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  /** "type:id", also on rows written before the filterable columns existed. */
  subject: z.string(),
  sourceIp: z.string().nullable(),
  clientId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditItem = z.infer<typeof AuditItem>;

/** Newest first; `nextCursor` asks for the page after this one (null: this was the last). */
export const AuditPage = z.object({ items: z.array(AuditItem), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const ResidentId = CleanText(64);
/** Why a resident is erased (their request, its reference): kept in the audit log. */
export const EraseReason = CleanText(500);

/** A resident id in a route (`/api/v1/residents/:id/…`). */
export const ResidentIdParams = z.object({ id: ResidentId }).strict();

export const EraseRequest = z.object({ reason: EraseReason }).strict();
export type EraseRequest = z.infer<typeof EraseRequest>;

export const EraseResult = z.object({
  residentId: z.string(),
  erasedAt: z.string(),
  /** Tickets and calls whose names and numbers this request replaced (0 when erased before). */
  tickets: z.number().int(),
  calls: z.number().int(),
});
export type EraseResult = z.infer<typeof EraseResult>;

/** Everything the server holds about one resident (`GET /api/v1/residents/:id/export`). */
export const ResidentExport = z.object({
  exportedAt: z.string(),
  resident: z.object({
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    createdAt: z.string(),
    erasedAt: z.string().nullable(),
  }),
  phones: z.array(z.object({ raw: z.string(), e164: z.string().nullable() })),
  units: z.array(
    z.object({
      id: z.string(),
      code: z.string(),
      projectId: z.string(),
      projectName: z.string(),
      relation: z.string(),
    }),
  ),
  /** Tickets naming the resident or (unlinked) their number, with their events; deleted ones while kept. */
  tickets: z.array(z.object({ ticket: Ticket, deletedAt: z.string().nullable(), events: z.array(TicketEvent) })),
  /** Calls matched to the resident, or (unmatched) from or to their number. */
  calls: z.array(Call),
});
export type ResidentExport = z.infer<typeof ResidentExport>;
