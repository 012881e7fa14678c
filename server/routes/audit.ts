/** `GET /api/v1/audit`: the audit log for leads and admins; every read is itself an audit row. */
import type { FastifyInstance } from 'fastify';
import { AuditQuery } from '../../common/privacy';
import { auditSource, recordAudit } from '../audit/log';
import { readAuditPage } from '../audit/read';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { parseRequest } from '../http/errors';

export function registerAuditRoutes(app: FastifyInstance, { db, now }: ServerDeps): void {
  app.get('/api/v1/audit', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'audit.read');
    const query = parseRequest(AuditQuery, request.query);
    return db.tx(async (q) => {
      const page = await readAuditPage(q, query);
      // The filter says what was looked for (ids and dates, no personal data); the page itself is not copied.
      const { cursor: _cursor, ...filter } = query;
      await recordAudit(
        q,
        {
          actor: user,
          action: 'audit.read',
          subjectType: 'audit',
          subjectId: null,
          source: auditSource(request),
          detail: { filter, items: page.items.length, firstPage: query.cursor === undefined },
        },
        now(),
      );
      return page;
    });
  });
}
