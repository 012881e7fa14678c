/**
 * `GET /api/v1/live` (WebSocket, bearer token like every route): consoles are poked when the change log grows.
 * Each server process LISTENs once on `desk_changes`, so pokes fan out across nodes on one PostgreSQL.
 * `app.live` is the hub (e.g. `app.live.sendToUser(userId, message)` for call events).
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { LIVE_PATH } from '../../common/live';
import { currentUser } from '../auth/hook';
import { can, requirePermission } from '../auth/roles';
import { verifyToken } from '../auth/tokens';
import type { ServerDeps } from '../http/context';
import { assertClientOwner } from '../sync/clients';
import { CHANGES_CHANNEL } from '../sync/notify';
import { createLiveHub, type LiveHub, type LiveHubOptions } from './hub';
import { queryClientId, sourceClientId } from './source';

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveHub;
  }
}

export type LiveOptions = Omit<LiveHubOptions, 'verify' | 'log'>;

/** Consoles send nothing but pongs and close frames; refuse anything big. */
const MAX_CLIENT_MESSAGE_BYTES = 4096;
const LOGOUT_URL = '/api/v1/auth/logout';

export function registerLive(app: FastifyInstance, deps: ServerDeps, options: LiveOptions = {}): LiveHub {
  const hub = createLiveHub({
    ...options,
    verify: async (token) => (await verifyToken(deps.db, token, deps.now())) !== null,
    log: (message, err) => app.log.warn({ err }, message),
  });
  app.decorate('live', hub);

  let unlisten: (() => Promise<void>) | null = null;
  app.addHook('onReady', async () => {
    unlisten = await deps.db.listen(CHANGES_CHANNEL, (payload) => void hub.poke(sourceClientId(payload)));
  });
  // Before the HTTP server closes: say goodbye (1001) so consoles reconnect, to this node restarted or another.
  app.addHook('preClose', async () => hub.close());
  app.addHook('onClose', async () => {
    const stop = unlisten;
    unlisten = null;
    await stop?.().catch((err: unknown) => app.log.warn({ err }, 'live unlisten failed'));
  });
  app.addHook('onResponse', async (request, reply) => {
    // A refused upgrade (401 from the auth hook runs before the websocket plugin's own hooks) must not leave
    // its socket open: nothing else would close it, and the server could never finish closing.
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket?.destroy();
    // A logout ends that session's sockets at once (the heartbeat would catch it within one beat anyway).
    if (request.routeOptions.url === LOGOUT_URL && reply.statusCode < 300 && request.auth) {
      hub.closeToken(request.auth.token);
    }
  });

  app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES } });
  app.register(async (scope) => {
    scope.get(
      LIVE_PATH,
      {
        websocket: true,
        // The auth hook already refused a missing, unknown, revoked or expired token with 401. A client id is
        // another user's console: refused as push and pull refuse it (its pokes are not this user's business).
        preHandler: async (request) => {
          const user = currentUser(request);
          // Consoles sync; the lobby kiosk and display only hear that the queue board changed (issue 12 §4).
          if (!can(user.role, 'sync')) requirePermission(user, 'queue.watch');
          const clientId = queryClientId(request.query);
          if (clientId !== null) await assertClientOwner(deps.db, clientId, user);
        },
      },
      (socket, request) => {
        const auth = request.auth;
        if (!auth) {
          socket.terminate();
          return;
        }
        const connection = hub.add(socket, {
          userId: auth.user.id,
          token: auth.token,
          clientId: queryClientId(request.query),
        });
        socket.on('pong', connection.pong);
        socket.on('close', connection.remove);
      },
    );
  });
  return hub;
}
