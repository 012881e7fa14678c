/**
 * A resident's PIPL requests, for admins (permission `residents.privacy`): `GET /api/v1/residents/:id/export`
 * (everything held about them, as JSON) and `POST /api/v1/residents/:id/erase {reason}` (anonymise them). Each
 * is audited in its own transaction.
 */
import type { FastifyInstance } from 'fastify';
import { EraseRequest, ResidentIdParams } from '../../common/privacy';
import { auditSource, recordAudit } from '../audit/log';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import { eraseResident } from '../privacy/erase';
import { exportResident } from '../privacy/export';

export function registerPrivacyRoutes(app: FastifyInstance, { db, now }: ServerDeps): void {
  app.get('/api/v1/residents/:id/export', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'residents.privacy');
    const { id } = parseRequest(ResidentIdParams, request.params);
    return db.tx(async (q) => {
      const at = now();
      const data = await exportResident(q, id, at);
      if (!data) throw new HttpError(404, 'not_found');
      await recordAudit(
        q,
        {
          actor: user,
          action: 'resident.export',
          subjectType: 'resident',
          subjectId: id,
          source: auditSource(request),
          detail: { tickets: data.tickets.length, calls: data.calls.length },
        },
        at,
      );
      return data;
    });
  });

  app.post('/api/v1/residents/:id/erase', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'residents.privacy');
    const { id } = parseRequest(ResidentIdParams, request.params);
    const { reason } = parseRequest(EraseRequest, request.body ?? {});
    const result = await db.tx((q) =>
      eraseResident(q, id, { actor: user, reason, source: auditSource(request), now: now() }),
    );
    if (!result) throw new HttpError(404, 'not_found');
    return result;
  });
}
