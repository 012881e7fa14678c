/**
 * A stopping server (app.close) answers the requests in flight, then closes. Node's server.close() drops idle
 * keep-alive sockets but waits for any other: a client that connected and sent nothing, or half a request, held
 * the process open until the header timeout (60–90 s). After a grace long enough for any request this server
 * answers, the sockets still open are closed.
 */
import type { FastifyInstance } from 'fastify';

export const SHUTDOWN_GRACE_MS = 3_000;

export function closeLingeringConnectionsOnStop(app: FastifyInstance, graceMs = SHUTDOWN_GRACE_MS): void {
  app.addHook('preClose', async () => {
    const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
    timer.unref();
    app.server.once('close', () => clearTimeout(timer));
  });
}
