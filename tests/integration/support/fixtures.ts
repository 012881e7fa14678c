/** A small, hand-written property and staff for server tests (independent of the demo generator). */
import type { User } from '../../../common/domain';
import { createUser } from '../../../server/auth/users';
import type { Db } from '../../../server/db/driver';

export const PASSWORD = 'correct horse battery';

export interface Fixtures {
  agent: User;
  agent2: User;
  lead: User;
  kiosk: User;
}

export async function seedFixtures(db: Db): Promise<Fixtures> {
  await db.query(
    `INSERT INTO teams (id, name_zh, name_en) VALUES ('cs', '客服', 'Customer service'), ('plumbing', '水电', 'Plumbing');
     INSERT INTO projects (id, name) VALUES ('p1', '翠湖苑');
     INSERT INTO buildings (id, project_id, number, name) VALUES ('p1-b3', 'p1', 3, '3号楼');
     INSERT INTO units (id, project_id, building_id, code) VALUES
       ('p1-3-1-502', 'p1', 'p1-b3', '3-1-502'), ('p1-3-1-503', 'p1', 'p1-b3', '3-1-503'), ('p1-3-2-101', 'p1', 'p1-b3', '3-2-101');
     INSERT INTO residents (id, name, tags) VALUES ('r1', '张伟', '{elderly}'), ('r2', '李娜', '{}');
     INSERT INTO resident_phones (resident_id, raw, e164) VALUES
       ('r1', '138 0013 8000', '+8613800138000'), ('r2', '021-6234 5678', '+862162345678');
     INSERT INTO resident_units (resident_id, unit_id, relation) VALUES
       ('r1', 'p1-3-1-502', 'owner'), ('r2', 'p1-3-1-503', 'owner'), ('r2', 'p1-3-2-101', 'tenant');`,
  );
  const user = (username: string, role: User['role'], extension: string | null = null) =>
    createUser(db, { username, name: username, role, extension, teamId: 'cs', password: PASSWORD });
  return {
    agent: await user('agent01', 'agent', '8001'),
    agent2: await user('agent02', 'agent', '8002'),
    lead: await user('lead01', 'lead'),
    kiosk: await user('kiosk01', 'kiosk'),
  };
}

/** Row counts of every table a write route may touch, to prove that a refused request wrote nothing. */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const tables = [
    'auth_tokens',
    'tickets',
    'ticket_events',
    'change_log',
    'sync_clients',
    'sync_mutations',
    'ticket_code_counters',
  ];
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${t}`);
    counts[t] = Number(rows[0]?.n);
  }
  return counts;
}
