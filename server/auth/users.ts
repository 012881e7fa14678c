/** Creating users and checking their credentials. */
import { randomUUID } from 'node:crypto';
import { DEFAULT_AGENT_CAPACITY, type Role, type User } from '../../common/domain';
import type { Queryable } from '../db/driver';
import { USER_COLUMNS, userFromRow, type Row } from '../db/rows';
import { recordChange } from '../sync/changes';
import { hashPassword, needsRehash, verifyPassword } from './password';

export interface NewUser {
  username: string;
  name: string;
  role: Role;
  extension?: string | null;
  teamId?: string | null;
  skills?: User['skills'];
  capacity?: number;
  password: string;
}

export async function createUser(q: Queryable, input: NewUser): Promise<User> {
  const user: User = {
    id: randomUUID(),
    username: input.username,
    name: input.name,
    role: input.role,
    extension: input.extension ?? null,
    teamId: input.teamId ?? null,
    skills: input.skills ?? [],
    capacity: input.capacity ?? DEFAULT_AGENT_CAPACITY,
  };
  await q.query(
    `INSERT INTO users (id, username, name, role, extension, team_id, skills, capacity, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      user.id,
      user.username,
      user.name,
      user.role,
      user.extension,
      user.teamId,
      user.skills,
      user.capacity,
      await hashPassword(input.password),
    ],
  );
  // Consoles mirror users (assignee names) through pull.
  await recordChange(q, 'user', user.id, 'put');
  return user;
}

// Verifying against a fixed hash when the user is unknown keeps the response time the same either way.
let dummyHash: Promise<string> | undefined;

/**
 * The active user with this username and password, or null. A hash made with a lower cost than new hashes get
 * (an older server, or a seed) is replaced by a new one now that the password is known.
 */
export async function checkCredentials(q: Queryable, username: string, password: string): Promise<User | null> {
  const { rows } = await q.query<Row>(
    `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE username = $1 AND active`,
    [username],
  );
  const row = rows[0];
  if (!row) {
    dummyHash ??= hashPassword('not-a-password');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  const stored = String(row.password_hash);
  if (!(await verifyPassword(password, stored))) return null;
  const user = userFromRow(row);
  if (needsRehash(stored)) {
    // Only if nobody changed the hash meanwhile (two logins at once rehash once).
    await q.query('UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3', [
      user.id,
      await hashPassword(password),
      stored,
    ]);
  }
  return user;
}

/** Whether any of these accounts still has this password (the server's demo-account warning). */
export async function anyHasPassword(q: Queryable, usernames: readonly string[], password: string): Promise<boolean> {
  const { rows } = await q.query<{ password_hash: string }>(
    'SELECT password_hash FROM users WHERE username = ANY($1::text[]) AND active',
    [usernames],
  );
  for (const row of rows) if (await verifyPassword(password, String(row.password_hash))) return true;
  return false;
}

export async function countUsers(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: unknown }>('SELECT count(*) AS n FROM users');
  return Number(rows[0]?.n ?? 0);
}
