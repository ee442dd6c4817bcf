import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { memberCountsByTeam, membersPagesByTeam, teamCountsByUser, teamsPagesByUser } from './staff.queries.js';
import type { Team } from './team.entity.js';
import { User } from './user.entity.js';

export function createUserLoaders(em: EntityManager) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) => byKeys(ids, await findByIds(em, User, ids), (u) => u.id)),
    /** Members of each team by name (index staff_user (name, id)), one statement per page shape. */
    membersByTeam: loaderPerArgs<PageArgs, string, Page<User>>((page, teamIds) => membersPagesByTeam(em, teamIds, page)),
    memberCountByTeam: new DataLoader<string, number>((teamIds) => memberCountsByTeam(em, teamIds)),
    /** Teams of each user by name (index staff_team (name, id)), one statement per page shape. */
    teamsByUser: loaderPerArgs<PageArgs, string, Page<Team>>((page, userIds) => teamsPagesByUser(em, userIds, page)),
    teamCountByUser: new DataLoader<string, number>((userIds) => teamCountsByUser(em, userIds)),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
