import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, PageArgs } from '../../../../kit/pagination.js';
import type { IdentityContext } from '../../context.js';
import { createUser, getUser } from './staff.service.js';
import { TeamConnection } from './team.resolver.js';
import { User } from './user.entity.js';
import { CreateUserInput } from './user.inputs.js';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User)
  user(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<User> {
    return getUser(em, id);
  }

  @Query(() => [User], { description: 'Active staff, by name' })
  users(@Ctx() { em }: IdentityContext): Promise<User[]> {
    return em.find(User, { active: true }, { orderBy: { name: 'asc' } });
  }

  @Mutation(() => User)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() { em }: IdentityContext): Promise<User> {
    return createUser(em, input);
  }

  @FieldResolver(() => TeamConnection, { description: 'Teams the user is a member of, by name' })
  async teams(@Root() user: User, @Args() page: PageArgs, @Ctx() { loaders }: IdentityContext): Promise<TeamConnection> {
    const found = await loaders.teamsByUser(page).load(user.id);
    return connectionOf(TeamConnection, found, () => loaders.teamCountByUser.load(user.id));
  }
}
