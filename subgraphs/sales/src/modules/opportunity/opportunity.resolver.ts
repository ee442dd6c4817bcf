import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, fetchKeysetPage, PageArgs } from '../../../../kit/pagination.js';
import type { SalesContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { User } from '../staff/user.reference.js';
import { Opportunity } from './opportunity.entity.js';
import { CreateOpportunityInput } from './opportunity.inputs.js';
import { createOpportunity, getOpportunity } from './opportunity.service.js';

@ObjectType()
export class OpportunityConnection extends ConnectionType(Opportunity) {}

@Resolver(() => Opportunity)
export class OpportunityResolver {
  @Query(() => Opportunity, { description: 'An opportunity by id; NOT_FOUND when there is none' })
  opportunity(@Arg('id', () => ID) id: string, @Ctx() { em }: SalesContext): Promise<Opportunity> {
    return getOpportunity(em, id);
  }

  @Query(() => OpportunityConnection, { description: 'All opportunities, newest first' })
  async opportunities(@Args() page: PageArgs, @Ctx() { em }: SalesContext): Promise<OpportunityConnection> {
    const found = await fetchKeysetPage(em, {
      entity: Opportunity,
      table: 'opportunity',
      orderBy: { column: 'created_at', property: 'createdAt', descending: true },
    }, page);
    return connectionOf(OpportunityConnection, found, () => em.count(Opportunity));
  }

  @Mutation(() => Opportunity)
  createOpportunity(@Arg('input') input: CreateOpportunityInput, @Ctx() { em }: SalesContext): Promise<Opportunity> {
    return createOpportunity(em, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() opportunity: Opportunity): Customer {
    return { id: opportunity.customerId };
  }

  @FieldResolver(() => User, { nullable: true })
  owner(@Root() opportunity: Opportunity): User | null {
    return opportunity.ownerId ? { id: opportunity.ownerId } : null;
  }
}

@Resolver(() => Customer)
export class CustomerOpportunitiesResolver {
  @FieldResolver(() => OpportunityConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: "The customer's opportunities, newest first" })
  async opportunities(@Root() customer: Customer, @Args() page: PageArgs, @Ctx() { loaders }: SalesContext): Promise<OpportunityConnection> {
    const found = await loaders.opportunityPagesByCustomer(page).load(customer.id);
    return connectionOf(OpportunityConnection, found, () => loaders.opportunityCountByCustomer.load(customer.id));
  }
}
