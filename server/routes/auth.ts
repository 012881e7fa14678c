import type { FastifyInstance } from 'fastify';
import { LoginRequest, type LoginResponse } from '../../common/api';
import { currentUser } from '../auth/hook';
import { createLoginLimiter, type LoginLimits } from '../auth/login-limits';
import { issueToken, revokeToken } from '../auth/tokens';
import { checkCredentials } from '../auth/users';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';

/** Login attempts, right or wrong, per source address and window: a guard on scrypt time, not on guessing. */
export interface LoginRateLimit {
  max: number;
  timeWindow: number | string;
}

export function registerAuthRoutes(
  app: FastifyInstance,
  deps: ServerDeps,
  rateLimit: LoginRateLimit,
  limits?: Readonly<LoginLimits>,
): void {
  const limiter = createLoginLimiter(limits);

  app.post(
    '/api/v1/auth/login',
    { config: { public: true, rateLimit } },
    async (request, reply): Promise<LoginResponse> => {
      const { username, password } = parseRequest(LoginRequest, request.body);
      // request.ip is the proxy's address unless trustProxy names it (server/http/trust-proxy.ts).
      const source = request.ip;
      const verdict = limiter.check(username, source, deps.now().getTime());
      if (!verdict.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        reply.header('retry-after', String(retryAfterSeconds));
        throw new HttpError(429, 'rate_limited', { scope: verdict.scope, retryAfterSeconds });
      }
      const user = await checkCredentials(deps.db, username, password);
      if (!user) {
        limiter.failed(username, source, deps.now().getTime());
        throw new HttpError(401, 'invalid_credentials');
      }
      limiter.succeeded(username, source);
      const { token, expiresAt } = await issueToken(deps.db, user.id, deps.now());
      return { token, expiresAt, user };
    },
  );

  app.post('/api/v1/auth/logout', async (request) => {
    currentUser(request);
    await revokeToken(deps.db, request.auth?.token ?? '', deps.now());
    return { ok: true };
  });

  app.get('/api/v1/me', async (request) => ({ user: currentUser(request) }));
}
