import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '../../../../kit/loaders.js';
import { Team, TeamMember } from './team.entity.js';
import { User } from './user.entity.js';

export function createUserLoaders(em: EntityManager) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) =>
      byKeys(ids, await em.find(User, { id: { $in: [...ids] } }), (u) => u.id),
    ),
    membersByTeam: new DataLoader<string, User[]>(async (teamIds) => {
      const rows = await em.find(TeamMember, { team: { $in: [...teamIds] } }, { populate: ['user'], orderBy: { user: { name: 'asc' } } });
      return groupByKeys(teamIds, rows, (m) => m.team.id).map((group) => group.map((m) => m.user));
    }),
    teamsByUser: new DataLoader<string, Team[]>(async (userIds) => {
      const rows = await em.find(TeamMember, { user: { $in: [...userIds] } }, { populate: ['team'], orderBy: { team: { name: 'asc' } } });
      return groupByKeys(userIds, rows, (m) => m.user.id).map((group) => group.map((m) => m.team));
    }),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
