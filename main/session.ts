/**
 * The desk's session: login and logout against the central server, kept in the cache's meta so it
 * survives a reload or restart and `me` answers offline.
 */
import type { Session } from '../common/contract';
import { User } from '../common/domain';
import type { DirectoryRepo, MetaRepo } from './cache';
import { CentralError, type CentralClient } from './central';

/** An error the renderer can show: `code` crosses the transport (see dispatchDeskCall). */
export class DeskError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}

export interface SessionService {
  current(): Session;
  user(): User | null;
  hasToken(): boolean;
  login(username: string, password: string): Promise<Session>;
  /** Revokes the token on the server (best effort) and forgets it locally; the cache stays. */
  logout(): Promise<Session>;
  /** Forgets the session locally (the server already refused it). */
  clear(): Session;
}

export function createSessionService(deps: {
  meta: MetaRepo;
  directory: DirectoryRepo;
  central: CentralClient;
  serverUrl: string;
  /** Runs after the server accepted the credentials, before the session is stored (see cache/identity). */
  onAuthenticated(user: User): void;
}): SessionService {
  const { meta, directory, central, serverUrl } = deps;

  const readUser = (): User | null => {
    const raw = meta.get('session_user');
    if (!raw || !meta.get('session_token')) return null;
    const parsed = User.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  };
  const current = (): Session => ({ user: readUser(), serverUrl });

  const forget = () => {
    meta.set('session_token', null);
    meta.set('session_user', null);
    central.setToken(null);
  };

  central.setToken(meta.get('session_token'));

  return {
    current,
    user: readUser,
    hasToken: () => meta.get('session_token') !== null,
    async login(username, password) {
      let res;
      try {
        res = await central.login(username, password);
      } catch (err) {
        if (err instanceof CentralError && err.kind === 'unauthorized') {
          throw new DeskError('invalid_credentials', 'Wrong username or password');
        }
        if (err instanceof CentralError && err.kind === 'offline') {
          throw new DeskError('offline', 'The central server cannot be reached');
        }
        if (err instanceof CentralError && err.kind === 'server_error') {
          throw new DeskError('server_error', `The central server failed (HTTP ${err.status}); try again`);
        }
        throw err;
      }
      deps.onAuthenticated(res.user);
      meta.set('session_token', res.token);
      meta.set('session_user', JSON.stringify(res.user));
      directory.putUser(res.user);
      central.setToken(res.token);
      return current();
    },
    async logout() {
      try {
        await central.logout(AbortSignal.timeout(3_000));
      } catch {
        // Best effort: offline logout still ends the session here; the token expires on the server.
      }
      forget();
      return current();
    },
    clear() {
      forget();
      return current();
    },
  };
}
