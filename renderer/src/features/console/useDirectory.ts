/** Name lookups for users and teams (the directory is small and cached for minutes). */
import type { Team, User } from '../../../../common/domain';
import { useTeams, useUsers } from '../../api/queries';

export interface Directory {
  user(id: string | null): User | undefined;
  team(id: string | null): Team | undefined;
}

export function useDirectory(): Directory {
  const users = useUsers();
  const teams = useTeams();
  const usersById = new Map(users.data?.map((user) => [user.id, user]));
  const teamsById = new Map(teams.data?.map((team) => [team.id, team]));
  return {
    user: (id) => (id ? usersById.get(id) : undefined),
    team: (id) => (id ? teamsById.get(id) : undefined),
  };
}
