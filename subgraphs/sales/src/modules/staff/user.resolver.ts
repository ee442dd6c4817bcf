import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { notFound } from '@crm/kit/errors.js';
import type { SalesContext } from '../../context.js';
import { User } from './user.reference.js';

/** An owner's name, answered by sales from its copy (`@provides` on the fields that return an owner). */
@Resolver(() => User)
export class SalesUserResolver {
  // The same permission as identity's User: whoever may not read staff gets no name from sales either.
  @Allow('staff:read')
  @Directive('@external') // identity's field, answered here only where a field of sales provides it
  @FieldResolver(() => String)
  async name(@Root() user: User, @Ctx() { loaders }: SalesContext): Promise<string> {
    const name = await loaders.staffNameById.load(user.id);
    if (name === null) throw notFound('User', user.id);
    return name;
  }
}
