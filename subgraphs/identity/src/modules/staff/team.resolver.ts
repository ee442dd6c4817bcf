import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { teamsPage } from './staff.queries.js';
import { addTeamMember, createTeam, getTeam } from './staff.service.js';
import { Team } from './team.entity.js';
import { CreateTeamInput } from './team.inputs.js';
import { User } from './user.entity.js';
import { Allow } from '@crm/kit/access/decorators.js';

@ObjectType()
export class TeamConnection extends ConnectionType(Team) {}

@ObjectType()
export class TeamMemberConnection extends ConnectionType(User, 'TeamMember') {}

@Resolver(() => Team)
export class TeamResolver {
  @Allow('staff:read')
  @Query(() => Team, { description: 'A team by id; NOT_FOUND when there is none' })
  team(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<Team> {
    return getTeam(em, id);
  }

  @Allow('staff:read')
  @Query(() => TeamConnection, { description: 'Teams by name' })
  async teams(@Args() page: PageArgs, @Ctx() { em }: IdentityContext): Promise<TeamConnection> {
    return connectionOf(TeamConnection, await teamsPage(em, page));
  }

  @Allow('staff:manage')
  @Mutation(() => Team)
  createTeam(@Arg('input') input: CreateTeamInput, @Ctx() { em }: IdentityContext): Promise<Team> {
    return createTeam(em, input);
  }

  @Allow('staff:manage')
  @Mutation(() => Team, { description: 'Adds a user to a team; adding a member again changes nothing' })
  addTeamMember(@Arg('teamId', () => ID) teamId: string, @Arg('userId', () => ID) userId: string, @Ctx() { em }: IdentityContext): Promise<Team> {
    return addTeamMember(em, teamId, userId);
  }

  @FieldResolver(() => User, { nullable: true })
  manager(@Root() team: Team, @Ctx() { loaders }: IdentityContext): Promise<User | null> | null {
    return team.managerId ? loaders.userById.load(team.managerId) : null;
  }

  @FieldResolver(() => TeamMemberConnection, { description: 'Members by name' })
  async members(@Root() team: Team, @Args() page: PageArgs, @Ctx() { loaders }: IdentityContext): Promise<TeamMemberConnection> {
    const found = await loaders.membersByTeam(page).load(team.id);
    return connectionOf(TeamMemberConnection, found, () => loaders.memberCountByTeam.load(team.id));
  }
}
