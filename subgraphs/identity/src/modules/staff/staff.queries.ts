import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPage, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { Team, TeamMember } from './team.entity.js';
import { User } from './user.entity.js';

/** One page of the teams by name; totalCount counts them all. */
export async function teamsPage(em: EntityManager, page: PageArgs): Promise<CountedPage<Team>> {
  const found = await fetchKeysetPage(em, { entity: Team, orderBy: { property: 'name', descending: false } }, page);
  return { ...found, count: () => em.count(Team) };
}

/** Members of each team by name (index staff_user (name, id)), one page each, in one statement. */
export async function membersPagesByTeam(em: EntityManager, teamIds: readonly string[], page: PageArgs): Promise<Array<Page<User>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: User, orderBy: { property: 'name', descending: false }, parent: { through: TeamMember, property: 'team', child: 'user', ids: teamIds } },
    page,
  );
  return teamIds.map((id) => pages.get(id)!);
}

export const memberCountsByTeam = (em: EntityManager, teamIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: TeamMember, parent: { property: 'team', ids: teamIds } });

/** Teams of each user by name (index staff_team (name, id)), one page each, in one statement. */
export async function teamsPagesByUser(em: EntityManager, userIds: readonly string[], page: PageArgs): Promise<Array<Page<Team>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: Team, orderBy: { property: 'name', descending: false }, parent: { through: TeamMember, property: 'user', child: 'team', ids: userIds } },
    page,
  );
  return userIds.map((id) => pages.get(id)!);
}

export const teamCountsByUser = (em: EntityManager, userIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: TeamMember, parent: { property: 'user', ids: userIds } });

/** The user and everyone in the teams they belong to or manage. */
export async function teamMemberIdsOf(em: EntityManager, userId: string): Promise<string[]> {
  const rows = await em.execute<Array<{ id: string }>>(
    `select distinct m.user_id as id from staff_team_member m join staff_team t on t.id = m.team_id
     where t.id in (select team_id from staff_team_member where user_id = ?) or t.manager_id = ?`,
    [userId, userId],
    'all',
  );
  return [...new Set([userId, ...rows.map((r) => r.id)])];
}
