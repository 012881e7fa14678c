/** Users and teams as last pulled from the server (for assignee pickers and names in timelines). */
import { z } from 'zod';
import { Category, type Role, type Team, type User } from '../../common/domain';
import type { CacheDb } from './db';

interface UserRow {
  id: string;
  username: string;
  name: string;
  role: Role;
  extension: string | null;
  team_id: string | null;
  skills: string;
  capacity: number | null;
}
interface TeamRow {
  id: string;
  name_zh: string;
  name_en: string;
}

export interface StaffRepo {
  users(): User[];
  teams(): Team[];
  putUser(user: User): void;
  deleteUser(id: string): void;
  putTeam(team: Team): void;
  deleteTeam(id: string): void;
}

export function createStaffRepo(db: CacheDb): StaffRepo {
  const selectUsers = db.prepare<[], UserRow>(
    'SELECT id, username, name, role, extension, team_id, skills, capacity FROM users ORDER BY name, username',
  );
  const selectTeams = db.prepare<[], TeamRow>('SELECT id, name_zh, name_en FROM teams ORDER BY id');
  const upsertUser = db.prepare(
    `INSERT INTO users (id, username, name, role, extension, team_id, skills, capacity)
     VALUES (@id, @username, @name, @role, @extension, @teamId, @skills, @capacity)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, role = excluded.role,
       extension = excluded.extension, team_id = excluded.team_id, skills = excluded.skills,
       capacity = excluded.capacity`,
  );
  const upsertTeam = db.prepare(
    `INSERT INTO teams (id, name_zh, name_en) VALUES (@id, @nameZh, @nameEn)
     ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en`,
  );
  const removeUser = db.prepare<[string]>('DELETE FROM users WHERE id = ?');
  const removeTeam = db.prepare<[string]>('DELETE FROM teams WHERE id = ?');

  return {
    users: () =>
      selectUsers.all().map((r) => ({
        id: r.id,
        username: r.username,
        name: r.name,
        role: r.role,
        extension: r.extension,
        teamId: r.team_id,
        skills: z.array(Category).catch([]).parse(JSON.parse(r.skills)),
        ...(r.capacity === null ? {} : { capacity: r.capacity }),
      })),
    teams: () => selectTeams.all().map((r) => ({ id: r.id, nameZh: r.name_zh, nameEn: r.name_en })),
    putUser: (u) =>
      void upsertUser.run({
        id: u.id,
        username: u.username,
        name: u.name,
        role: u.role,
        extension: u.extension,
        teamId: u.teamId,
        skills: JSON.stringify(u.skills ?? []),
        capacity: u.capacity ?? null,
      }),
    deleteUser: (id) => void removeUser.run(id),
    putTeam: (t) => void upsertTeam.run(t),
    deleteTeam: (id) => void removeTeam.run(id),
  };
}
