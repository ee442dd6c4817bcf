import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '../../../../kit/pagination.js';
import type { ServiceContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { User } from '../staff/user.reference.js';
import { Case } from './case.entity.js';
import { CaseFilter, OpenCaseInput } from './case.inputs.js';
import { getCase, openCase } from './case.service.js';

@ObjectType()
export class CaseConnection extends ConnectionType(Case) {}

@Resolver(() => Case)
export class CaseResolver {
  @Query(() => Case, { name: 'case', description: 'A case by id; NOT_FOUND when there is none' })
  caseById(@Arg('id', () => ID) id: string, @Ctx() { em }: ServiceContext): Promise<Case> {
    return getCase(em, id);
  }

  @Mutation(() => Case)
  openCase(@Arg('input') input: OpenCaseInput, @Ctx() { em }: ServiceContext): Promise<Case> {
    return openCase(em, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() found: Case): Customer {
    return { id: found.customerId };
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() found: Case): User | null {
    return found.assigneeId ? { id: found.assigneeId } : null;
  }
}

@Resolver(() => Customer)
export class CustomerCasesResolver {
  @FieldResolver(() => CaseConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: "The customer's cases, newest first" })
  async cases(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true }) filter: CaseFilter | null,
    @Ctx() { loaders }: ServiceContext,
  ): Promise<CaseConnection> {
    const found = await loaders.casePagesByCustomer({ page, filter }).load(customer.id);
    return connectionOf(CaseConnection, found, () => loaders.caseCountByCustomer(filter).load(customer.id));
  }
}
