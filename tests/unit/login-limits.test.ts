/** The failed-login counters (server/auth/login-limits.ts): per account and source, and per source. */
import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../server/auth/login-limits';

const LIMITS = { perAccountAndSource: 3, perSource: 10, windowMs: 60_000 };
const NAT = '203.0.113.7';
const HOME = '198.51.100.20';

describe('login limiter', () => {
  it('holds one account from one address after its failures, and only that pair', () => {
    const limiter = createLoginLimiter(LIMITS);
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('agent07', NAT, 0)).toEqual({ allowed: true });
      limiter.failed('agent07', NAT, 0);
    }
    expect(limiter.check('agent07', NAT, 1)).toMatchObject({ allowed: false, scope: 'account', retryAfterMs: 59_999 });
    // A colleague behind the same NAT, and the same account from another address, are not held.
    expect(limiter.check('agent08', NAT, 1)).toEqual({ allowed: true });
    expect(limiter.check('agent07', HOME, 1)).toEqual({ allowed: true });
    // The window ends.
    expect(limiter.check('agent07', NAT, 60_000)).toEqual({ allowed: true });
  });

  it('holds a whole address only at the generous per-source cap', () => {
    const limiter = createLoginLimiter(LIMITS);
    for (let i = 0; i < 10; i++) {
      expect(limiter.check(`agent${i}`, NAT, 0)).toEqual({ allowed: true });
      limiter.failed(`agent${i}`, NAT, 0);
    }
    expect(limiter.check('agent99', NAT, 0)).toMatchObject({ allowed: false, scope: 'source' });
    expect(limiter.check('agent99', HOME, 0)).toEqual({ allowed: true });
  });

  it('clears a pair on success, but not the address count', () => {
    const limiter = createLoginLimiter(LIMITS);
    limiter.failed('agent07', NAT, 0);
    limiter.failed('agent07', NAT, 0);
    limiter.succeeded('agent07', NAT);
    limiter.failed('agent07', NAT, 0);
    limiter.failed('agent07', NAT, 0);
    expect(limiter.check('agent07', NAT, 0)).toEqual({ allowed: true });
    for (let i = 0; i < 6; i++) limiter.failed('other', HOME, 0);
    expect(limiter.check('x', HOME, 0)).toEqual({ allowed: true });
  });

  it('cannot be confused by names that run into the address', () => {
    const limiter = createLoginLimiter(LIMITS);
    for (let i = 0; i < 3; i++) limiter.failed('b', 'a', 0);
    expect(limiter.check('b', 'a', 0).allowed).toBe(false);
    expect(limiter.check('ab', '', 0).allowed).toBe(true);
    expect(limiter.check('', 'ab', 0).allowed).toBe(true);
  });
});
