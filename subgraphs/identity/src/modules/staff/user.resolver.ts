import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { createUser, getUser, updateUser } from './staff.service.js';
import { TeamConnection } from './team.resolver.js';
import { User } from './user.entity.js';
import { CreateUserInput, UpdateUserInput } from './user.inputs.js';
import { Allow } from '@crm/kit/access/decorators.js';

@Resolver(() => User)
export class UserResolver {
  @Allow('staff:read')
  @Query(() => User)
  user(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<User> {
    return getUser(em, id);
  }

  @Allow('staff:read')
  @Query(() => [User], { description: 'Active staff, by name' })
  users(@Ctx() { em }: IdentityContext): Promise<User[]> {
    return em.find(User, { active: true }, { orderBy: { name: 'asc' } });
  }

  @Allow('staff:manage')
  @Mutation(() => User)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() { em }: IdentityContext): Promise<User> {
    return createUser(em, input);
  }

  @Allow('staff:manage')
  @Mutation(() => User, { description: 'Changes role, activity, sign-in subject or support lines; effective for their next request' })
  updateUser(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateUserInput,
    @Ctx() { em }: IdentityContext,
  ): Promise<User> {
    return updateUser(em, id, version, input);
  }

  @FieldResolver(() => TeamConnection, { description: 'Teams the user is a member of, by name' })
  async teams(@Root() user: User, @Args() page: PageArgs, @Ctx() { loaders }: IdentityContext): Promise<TeamConnection> {
    const found = await loaders.teamsByUser(page).load(user.id);
    return connectionOf(TeamConnection, found, () => loaders.teamCountByUser.load(user.id));
  }
}
