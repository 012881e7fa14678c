/** Bearer-token authentication for every route not marked `config: { public: true }`. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../../common/domain';
import type { Db } from '../db/driver';
import { HttpError } from '../http/errors';
import { verifyToken } from './tokens';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a token (health, login). */
    public?: boolean;
  }
  interface FastifyRequest {
    auth: { user: User; token: string } | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

export function registerAuth(app: FastifyInstance, deps: { db: Db; now: () => Date }): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const user = token ? await verifyToken(deps.db, token, deps.now()) : null;
    if (!token || !user) throw new HttpError(401, 'unauthorized');
    request.auth = { user, token };
  });
}

/** The authenticated user of a protected route (the hook guarantees one). */
export function currentUser(request: FastifyRequest): User {
  if (!request.auth) throw new HttpError(401, 'unauthorized');
  return request.auth.user;
}
