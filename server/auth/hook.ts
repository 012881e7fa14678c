/** Bearer-token authentication for every route not marked `config: { public: true }`. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { User } from '../../common/domain';
import type { Db } from '../db/driver';
import { HttpError } from '../http/errors';
import { createGroupCommitQueue } from '../db/group-commit';
import { verifyTokens } from './tokens';

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

/** Tokens checked together, at most (one query). */
const MAX_CHECK_GROUP = 256;

/**
 * Token checks of requests that arrive together are answered by one query (issue 13: fifty desks pushing at once
 * made fifty lookups, which on PGlite's one connection queued with the pushes themselves). Each request is still
 * checked against the database after it arrived, so a revoked token is refused as before.
 */
function createTokenChecker(db: Db, now: () => Date): (token: string) => Promise<User | null> {
  const queue = createGroupCommitQueue<string, User | null>({
    parallel: db.kind === 'pglite' ? 1 : 4,
    take: (waiting) => waiting.slice(0, MAX_CHECK_GROUP).map((_, i) => i),
    async runGroup(tokens) {
      const users = await verifyTokens(db, tokens, now());
      return tokens.map((t) => users.get(t) ?? null);
    },
  });
  return (token) => queue.run(token);
}

export function registerAuth(app: FastifyInstance, deps: { db: Db; now: () => Date }): void {
  const check = createTokenChecker(deps.db, deps.now);
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const user = token ? await check(token) : null;
    if (!token || !user) throw new HttpError(401, 'unauthorized');
    request.auth = { user, token };
  });
}

/** The authenticated user of a protected route (the hook guarantees one). */
export function currentUser(request: FastifyRequest): User {
  if (!request.auth) throw new HttpError(401, 'unauthorized');
  return request.auth.user;
}
