import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Team } from './team.entity.js';
import { User } from './user.entity.js';

/** Users with the team they belong to: `team_id` is the parent the pages are cut by. */
const USERS_BY_TEAM = '(select u.*, m.team_id from staff_team_member m join staff_user u on u.id = m.user_id)';
/** Teams with the member they belong to: `user_id` is the parent the pages are cut by. */
const TEAMS_BY_USER = '(select tm.*, m.user_id from staff_team_member m join staff_team tm on tm.id = m.team_id)';

export function createUserLoaders(em: EntityManager) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => byKeys(ids, await em.find(User, { id: { $in: [...ids] } }), (u) => u.id)),
    /** Members of each team by name (index staff_user (name, id)), one statement per page shape. */
    membersByTeam: loaderPerArgs<PageArgs, string, Page<User>>(async (page, teamIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: User,
          table: USERS_BY_TEAM,
          orderBy: { column: 'name', property: 'name', descending: false },
          parent: { column: 'team_id', ids: teamIds },
        },
        page,
      );
      return teamIds.map((id) => pages.get(id)!);
    }),
    memberCountByTeam: new DataLoader<string, number>((teamIds) => countByParent(em, { table: 'staff_team_member', parentColumn: 'team_id', ids: teamIds })),
    /** Teams of each user by name (index staff_team (name, id)), one statement per page shape. */
    teamsByUser: loaderPerArgs<PageArgs, string, Page<Team>>(async (page, userIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Team,
          table: TEAMS_BY_USER,
          orderBy: { column: 'name', property: 'name', descending: false },
          parent: { column: 'user_id', ids: userIds },
        },
        page,
      );
      return userIds.map((id) => pages.get(id)!);
    }),
    teamCountByUser: new DataLoader<string, number>((userIds) => countByParent(em, { table: 'staff_team_member', parentColumn: 'user_id', ids: userIds })),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
