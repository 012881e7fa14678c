import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCRYPT_PARAMS,
  hashPassword,
  needsRehash,
  scryptParams,
  setScryptParamsForTests,
  verifyPassword,
} from '../../server/auth/password';
import { DEFAULT_TOKEN_TTL_MS, hashToken, issueToken, revokeToken, verifyToken } from '../../server/auth/tokens';
import { checkCredentials, createUser } from '../../server/auth/users';
import type { Db } from '../../server/db/driver';
import { migrate } from '../../server/db/migrate';
import { openDb } from '../../server/db/open';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret pass');
    expect(stored).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('s3cret pass', stored)).toBe(true);
    expect(await verifyPassword('s3cret pasS', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash differently', async () => {
    const [a, b] = [await hashPassword('same'), await hashPassword('same')];
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('refuses a malformed stored hash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$a$b')).toBe(false);
    // Parameters that are not scrypt's, or would take gigabytes, are refused without running scrypt.
    for (const params of ['1000$8$1', '0$8$1', '2097152$8$1', '16384$64$1', '16384$-8$1', '0x4000$8$1']) {
      expect(await verifyPassword('x', `scrypt$${params}$c2FsdA$aGFzaA`), params).toBe(false);
    }
  });
});

describe('password cost (issue 11: scrypt N ≥ 2^17)', () => {
  it('hashes with N = 2^17, r = 8, p = 1 in production, within scrypt’s memory ceiling', async () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    // The vitest setup lowers the cost for speed; put the production parameters back for this one hash.
    const restore = setScryptParamsForTests(SCRYPT_PARAMS);
    try {
      const stored = await hashPassword('production cost');
      expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
      expect(await verifyPassword('production cost', stored)).toBe(true);
      expect(needsRehash(stored)).toBe(false);
    } finally {
      restore();
    }
  });

  it('asks for a rehash of hashes made with lower parameters, or unreadable ones', async () => {
    const old = await hashPassword('pw', { N: 2 ** 14, r: 8, p: 1 });
    expect(needsRehash(old, SCRYPT_PARAMS)).toBe(true);
    expect(needsRehash(old, { N: 2 ** 14, r: 8, p: 1 })).toBe(false);
    expect(needsRehash(await hashPassword('pw', { N: 2 ** 17, r: 4, p: 1 }), SCRYPT_PARAMS)).toBe(true);
    expect(needsRehash('plain-text', SCRYPT_PARAMS)).toBe(true);
  });

  it('replaces a weaker hash on the next successful login, not on a failed one', async () => {
    const db = await openDb({ dataDir: 'memory' });
    try {
      await migrate(db);
      const user = await createUser(db, { username: 'agent09', name: '九', role: 'agent', password: 'pw-agent09' });
      const weak = await hashPassword('pw-agent09', { N: 2 ** 10, r: 8, p: 1 });
      await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, weak]);
      const stored = async () =>
        String(
          (await db.query<{ h: string }>('SELECT password_hash AS h FROM users WHERE id = $1', [user.id])).rows[0]?.h,
        );

      expect(await checkCredentials(db, 'agent09', 'wrong')).toBeNull();
      expect(await stored()).toBe(weak);

      expect(await checkCredentials(db, 'agent09', 'pw-agent09')).toMatchObject({ id: user.id });
      const upgraded = await stored();
      expect(upgraded).not.toBe(weak);
      expect(upgraded.split('$')[1]).toBe(String(scryptParams().N));
      expect(needsRehash(upgraded)).toBe(false);
      // The new hash is the same password; the next login leaves it alone.
      expect(await checkCredentials(db, 'agent09', 'pw-agent09')).toMatchObject({ id: user.id });
      expect(await stored()).toBe(upgraded);
    } finally {
      await db.close();
    }
  });
});

describe('bearer tokens', () => {
  let db: Db;
  let userId: string;
  const t0 = new Date('2026-11-26T08:00:00Z');
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    db = await openDb({ dataDir: 'memory' });
    await migrate(db);
    userId = (await createUser(db, { username: 'agent01', name: '王芳', role: 'agent', password: 'pw-agent01' })).id;
  });
  afterAll(() => db.close());

  it('issues an opaque token stored only as its hash', async () => {
    const { token, expiresAt } = await issueToken(db, userId, t0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(later(DEFAULT_TOKEN_TTL_MS).toISOString());
    const { rows } = await db.query<{ token_hash: string }>('SELECT token_hash FROM auth_tokens');
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('verifies until expiry, then no longer', async () => {
    const { token } = await issueToken(db, userId, t0, 60_000);
    expect(await verifyToken(db, token, t0)).toMatchObject({ id: userId, username: 'agent01', role: 'agent' });
    expect(await verifyToken(db, token, later(59_999))).not.toBeNull();
    expect(await verifyToken(db, token, later(60_000))).toBeNull();
  });

  it('stops verifying a revoked token, leaving the user’s other tokens alone', async () => {
    const first = await issueToken(db, userId, t0);
    const second = await issueToken(db, userId, t0);
    await revokeToken(db, first.token, later(1000));
    expect(await verifyToken(db, first.token, later(2000))).toBeNull();
    expect(await verifyToken(db, second.token, later(2000))).not.toBeNull();
  });

  it('refuses an unknown token and a deactivated user', async () => {
    expect(await verifyToken(db, 'x'.repeat(43), t0)).toBeNull();
    const { token } = await issueToken(db, userId, t0);
    await db.query('UPDATE users SET active = false WHERE id = $1', [userId]);
    expect(await verifyToken(db, token, t0)).toBeNull();
    await db.query('UPDATE users SET active = true WHERE id = $1', [userId]);
  });
});
