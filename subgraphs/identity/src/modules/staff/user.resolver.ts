import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { conflict, notFound } from '../../../../kit/errors.js';
import { parseId } from '../../../../kit/ids.js';
import type { IdentityContext } from '../../context.js';
import { User } from './user.entity.js';
import { CreateUserInput } from './user.inputs.js';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User)
  async user(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<User> {
    const user = await em.findOne(User, { id: parseId(id, 'User') });
    if (!user) throw notFound('User', id);
    return user;
  }

  @Query(() => [User], { description: 'Active staff, by name' })
  users(@Ctx() { em }: IdentityContext): Promise<User[]> {
    return em.find(User, { active: true }, { orderBy: { name: 'asc' } });
  }

  @Mutation(() => User)
  async createUser(@Arg('input') input: CreateUserInput, @Ctx() { em }: IdentityContext): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (await em.count(User, { email })) throw conflict(`A user with e-mail ${email} already exists`);
    const user = em.create(User, { name: input.name.trim(), email, role: input.role });
    await em.flush();
    return user;
  }
}
