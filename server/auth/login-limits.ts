/**
 * Failed-login limits (issue 11 §2). Two counters, so that one typo-prone agent behind a call centre's NAT
 * cannot lock the whole centre out, and nobody can lock a colleague out from another machine:
 * - per account AND source address: a few failures, then that account is held from that address only;
 * - per source address, all accounts together: a generous cap against one address guessing many accounts.
 * Nothing counts failures of an account across addresses: failures from elsewhere never stop the real owner
 * (a correct password from their own address still works). A success clears its (account, source) counter.
 * Held attempts are answered before the password is checked, so they cost no scrypt time.
 *
 * In memory, per server process: a restart forgets the counters, and each node of a cluster counts its own.
 */

export interface LoginLimits {
  /** Failed attempts one account may make from one source address per window. */
  perAccountAndSource: number;
  /** Failed attempts one source address may make per window, all accounts together. */
  perSource: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: Readonly<LoginLimits> = Object.freeze({
  perAccountAndSource: 5,
  perSource: 100,
  windowMs: 15 * 60_000,
});

export type LoginVerdict = { allowed: true } | { allowed: false; scope: 'account' | 'source'; retryAfterMs: number };

export interface LoginLimiter {
  check(account: string, source: string, now: number): LoginVerdict;
  failed(account: string, source: string, now: number): void;
  succeeded(account: string, source: string): void;
}

interface Window {
  count: number;
  resetAt: number;
}

/** Beyond this many counters, expired ones are swept before a new one is added. */
const SWEEP_AT = 10_000;
/** A hard ceiling on memory: the oldest counters go first (they are the nearest to expiry). */
const MAX_COUNTERS = 100_000;

export function createLoginLimiter(limits: Readonly<LoginLimits> = DEFAULT_LOGIN_LIMITS): LoginLimiter {
  const counters = new Map<string, Window>();
  // U+0000 never occurs in a username (LoginRequest) or an address: the two parts cannot run together.
  const pairKey = (account: string, source: string) => `a\u0000${source}\u0000${account}`;
  const sourceKey = (source: string) => `s\u0000${source}`;

  const live = (key: string, now: number): Window | undefined => {
    const w = counters.get(key);
    if (w && w.resetAt <= now) {
      counters.delete(key);
      return undefined;
    }
    return w;
  };

  function sweep(now: number): void {
    for (const [key, w] of counters) if (w.resetAt <= now) counters.delete(key);
    for (const key of counters.keys()) {
      if (counters.size < MAX_COUNTERS) break;
      counters.delete(key);
    }
  }

  function bump(key: string, now: number): void {
    const w = live(key, now);
    if (w) {
      w.count++;
      return;
    }
    if (counters.size >= SWEEP_AT) sweep(now);
    counters.set(key, { count: 1, resetAt: now + limits.windowMs });
  }

  return {
    check(account, source, now) {
      const bySource = live(sourceKey(source), now);
      if (bySource && bySource.count >= limits.perSource) {
        return { allowed: false, scope: 'source', retryAfterMs: bySource.resetAt - now };
      }
      const byPair = live(pairKey(account, source), now);
      if (byPair && byPair.count >= limits.perAccountAndSource) {
        return { allowed: false, scope: 'account', retryAfterMs: byPair.resetAt - now };
      }
      return { allowed: true };
    },
    failed(account, source, now) {
      bump(sourceKey(source), now);
      bump(pairKey(account, source), now);
    },
    succeeded(account, source) {
      counters.delete(pairKey(account, source));
    },
  };
}
