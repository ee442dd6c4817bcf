import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { IdentityContext } from '../../context.js';
import { createUser, getUser } from './staff.service.js';
import { Team } from './team.entity.js';
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

  @FieldResolver(() => [Team], { description: 'Teams the user is a member of, by name' })
  teams(@Root() user: User, @Ctx() { loaders }: IdentityContext): Promise<Team[]> {
    return loaders.teamsByUser.load(user.id);
  }
}
