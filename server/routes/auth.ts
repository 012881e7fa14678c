import type { FastifyInstance } from 'fastify';
import { LoginRequest, type LoginResponse } from '../../common/api';
import { currentUser } from '../auth/hook';
import { issueToken, revokeToken } from '../auth/tokens';
import { checkCredentials } from '../auth/users';
import type { ServerDeps } from '../http/context';
import { HttpError, parseRequest } from '../http/errors';

export interface LoginRateLimit {
  max: number;
  timeWindow: number | string;
}

export function registerAuthRoutes(app: FastifyInstance, deps: ServerDeps, rateLimit: LoginRateLimit): void {
  app.post('/api/v1/auth/login', { config: { public: true, rateLimit } }, async (request): Promise<LoginResponse> => {
    const { username, password } = parseRequest(LoginRequest, request.body);
    const user = await checkCredentials(deps.db, username, password);
    if (!user) throw new HttpError(401, 'invalid_credentials');
    const { token, expiresAt } = await issueToken(deps.db, user.id, deps.now());
    return { token, expiresAt, user };
  });

  app.post('/api/v1/auth/logout', async (request) => {
    currentUser(request);
    await revokeToken(deps.db, request.auth?.token ?? '', deps.now());
    return { ok: true };
  });

  app.get('/api/v1/me', async (request) => ({ user: currentUser(request) }));
}
