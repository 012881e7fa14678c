import type { FastifyInstance } from 'fastify';
import { OLDEST_SYNC_SCHEMA_VERSION, PullRequest, PushRequest, SYNC_SCHEMA_VERSION } from '../../common/sync';
import { auditSource } from '../audit/log';
import { currentUser } from '../auth/hook';
import { requirePermission } from '../auth/roles';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';
import { pullChanges, serializePullResponse } from '../sync/pull';
import { createPushQueue } from '../sync/push-queue';

/** The server speaks the current wire format and the older ones, so consoles can update after the server. */
function assertSchemaVersion(version: number): void {
  if (version < OLDEST_SYNC_SCHEMA_VERSION || version > SYNC_SCHEMA_VERSION) {
    throw new HttpError(400, 'unsupported_schema_version', {
      supported: Array.from(
        { length: SYNC_SCHEMA_VERSION - OLDEST_SYNC_SCHEMA_VERSION + 1 },
        (_, i) => OLDEST_SYNC_SCHEMA_VERSION + i,
      ),
    });
  }
}

export function registerSyncRoutes(app: FastifyInstance, { db, now, slaSettings }: ServerDeps): void {
  // Pushes that arrive together commit together (group commit); each is answered after its group commits.
  const pushes = createPushQueue(db);
  app.post('/api/v1/sync/push', async (request) => {
    const user = currentUser(request);
    requirePermission(user, 'sync');
    const body = parseRequest(PushRequest, request.body);
    assertSchemaVersion(body.schemaVersion);
    return pushes.push({
      user,
      req: body,
      now: now(),
      sla: slaSettings.context(),
      source: auditSource(request, body.clientId),
      onError: (err, m) =>
        request.log.error({ err, mutationId: m.id, mutation: m.name }, 'push: a mutation could not be applied'),
    });
  });

  app.post('/api/v1/sync/pull', async (request, reply) => {
    const user = currentUser(request);
    requirePermission(user, 'sync');
    const body = parseRequest(PullRequest, request.body);
    assertSchemaVersion(body.schemaVersion);
    // Serialised here: ticket rows arrive from the database as JSON text and are sent without a re-encode.
    return reply.type('application/json; charset=utf-8').send(serializePullResponse(await pullChanges(db, user, body)));
  });
}
