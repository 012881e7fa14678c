import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/password';
import { DEFAULT_TOKEN_TTL_MS, hashToken, issueToken, revokeToken, verifyToken } from '../../server/auth/tokens';
import { createUser } from '../../server/auth/users';
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
