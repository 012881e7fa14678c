/**
 * Opaque bearer tokens: 32 random bytes (base64url) handed to the client once; only their SHA-256 is stored,
 * so reading the database does not yield usable sessions. Expiring and revocable.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { User } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { toIso, userFromRow, type Row } from '../db/rows';

export const DEFAULT_TOKEN_TTL_MS = 12 * 3600_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

export async function issueToken(
  q: Queryable,
  userId: string,
  now: Date,
  ttlMs = DEFAULT_TOKEN_TTL_MS,
): Promise<IssuedToken> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await q.query('INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    userId,
    now.toISOString(),
    expiresAt,
  ]);
  return { token, expiresAt };
}

/** The active user behind a token, or null when it is unknown, expired, revoked or its user deactivated. */
export async function verifyToken(q: Queryable, token: string, now: Date): Promise<User | null> {
  return (await verifyTokens(q, [token], now)).get(token) ?? null;
}

/** verifyToken for many tokens in one query: each token's active user (absent: none). */
export async function verifyTokens(q: Queryable, tokens: readonly string[], now: Date): Promise<Map<string, User>> {
  const byHash = new Map(tokens.map((t) => [hashToken(t), t]));
  const { rows } = await q.query<Row>(
    `SELECT t.token_hash, u.id, u.username, u.name, u.role, u.extension, u.team_id, u.skills, u.capacity, t.expires_at
       FROM auth_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ANY($1::text[]) AND t.revoked_at IS NULL AND u.active`,
    [[...byHash.keys()]],
  );
  const users = new Map<string, User>();
  for (const row of rows) {
    const token = byHash.get(String(row.token_hash));
    if (token === undefined || new Date(toIso(row.expires_at)).getTime() <= now.getTime()) continue;
    users.set(token, userFromRow(row));
  }
  return users;
}

export async function revokeToken(q: Queryable, token: string, now: Date): Promise<void> {
  await q.query('UPDATE auth_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    hashToken(token),
    now.toISOString(),
  ]);
}
