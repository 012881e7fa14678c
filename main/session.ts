/**
 * The desk's session: login and logout against the central server, kept in the cache's meta so it
 * survives a reload or restart and `me` answers offline. The token is kept sealed by the SecretStore; one a
 * desk from before issue 11 kept in plain text is sealed at the next start. The server's phone hash secret
 * (main/privacy/phone-hash) is kept with it: fetched after login, forgotten with the session.
 */
import type { Session } from '../common/contract';
import { User } from '../common/domain';
import type { StaffRepo, MetaRepo } from './cache';
import { CentralError, type CentralClient } from './central';
import type { PhoneHashKey } from './privacy/phone-hash';
import { errorLine } from './log-line';
import { SecretUnreadableError, type SecretStore } from './secrets/store';

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
  /** The stored session's token (for the live socket), or null. */
  token(): string | null;
  login(username: string, password: string): Promise<Session>;
  /** Revokes the token on the server (best effort) and forgets it locally; the cache stays. */
  logout(): Promise<Session>;
  /** Forgets the session locally (the server already refused it). */
  clear(): Session;
  /**
   * Fetches the phone hash secret if the session has none yet (a login whose fetch failed, a session from before
   * the secret existed); resolves whether the desk holds one. Never throws.
   */
  ensurePhoneHashKey(): Promise<boolean>;
}

export function createSessionService(deps: {
  meta: MetaRepo;
  staff: StaffRepo;
  central: CentralClient;
  phoneHash: PhoneHashKey;
  serverUrl: string;
  secrets: SecretStore;
  /** Runs after the server accepted the credentials, before the session is stored (see cache/identity). */
  onAuthenticated(user: User): void;
}): SessionService {
  const { meta, staff, central, serverUrl, secrets } = deps;

  const storeToken = (token: string | null) => {
    meta.set('session_token_sealed', token === null ? null : secrets.seal(token));
    meta.set('session_token', null);
  };
  const legacyToken = meta.get('session_token');
  if (legacyToken !== null) storeToken(legacyToken);

  /** Opened once: the token is needed in memory anyway, and safeStorage may ask the OS each time. */
  const readToken = (): string | null => {
    const sealed = meta.get('session_token_sealed');
    if (sealed === null) return null;
    try {
      return secrets.open(sealed);
    } catch (err) {
      if (!(err instanceof SecretUnreadableError)) throw err;
      console.warn(`[desk] the stored session cannot be opened (${errorLine(err)}): log in again`);
      if (!err.temporary) storeToken(null);
      return null;
    }
  };
  let token = readToken();

  const readUser = (): User | null => {
    const raw = meta.get('session_user');
    if (!raw || token === null) return null;
    const parsed = User.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  };
  const current = (): Session => ({ user: readUser(), serverUrl });

  const forget = () => {
    token = null;
    storeToken(null);
    meta.set('session_user', null);
    deps.phoneHash.set(null);
    central.setToken(null);
  };

  let fetching: Promise<boolean> | null = null;
  function ensurePhoneHashKey(): Promise<boolean> {
    if (deps.phoneHash.has() || token === null) return Promise.resolve(deps.phoneHash.has());
    fetching ??= central
      .phoneHashKey()
      .then(({ secret }) => {
        // Signed out meanwhile: the secret goes with the session.
        if (token !== null) deps.phoneHash.set(secret);
        return deps.phoneHash.has();
      })
      .catch(() => false) // offline or refused: lookups by a whole number wait; the next sync cycle asks again
      .finally(() => (fetching = null));
    return fetching;
  }

  central.setToken(token);

  return {
    current,
    user: readUser,
    token: () => token,
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
      storeToken(res.token);
      token = res.token;
      meta.set('session_user', JSON.stringify(res.user));
      staff.putUser(res.user);
      central.setToken(res.token);
      deps.phoneHash.set(null); // this login's secret, not a stale one
      await ensurePhoneHashKey();
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
    ensurePhoneHashKey,
  };
}
