import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { SalesContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Pipeline, Stage } from '../pipeline/pipeline.entity.js';
import { User } from '../staff/user.reference.js';
import { Opportunity } from './opportunity.entity.js';
import { CreateOpportunityInput, MoveOpportunityInput, OpportunityFilter, UpdateOpportunityInput } from './opportunity.inputs.js';
import { opportunitiesPage } from './opportunity.queries.js';
import { archiveOpportunity, createOpportunity, getOpportunity, moveOpportunity, updateOpportunity } from './opportunity.service.js';
import { StageChange } from './stage-change.entity.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { inputOrDeprecated, inputRequiredFrom, useInstead } from '@crm/kit/argument-forms.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class OpportunityConnection extends ConnectionType(Opportunity) {}

@ObjectType()
export class StageChangeConnection extends ConnectionType(StageChange) {}

@Resolver(() => Opportunity)
export class OpportunityResolver {
  @Allow('opportunities:read')
  @Query(() => Opportunity, { description: 'An opportunity by id; NOT_FOUND when there is none' })
  opportunity(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: SalesContext): Promise<Opportunity> {
    return getOpportunity(em, id, 'id', viewer);
  }

  @Allow('opportunities:read')
  @Query(() => OpportunityConnection, { description: 'Opportunities, newest first; archived ones only when asked' })
  async opportunities(
    @Args() page: PageArgs,
    @Arg('filter', () => OpportunityFilter, { nullable: true }) filter: OpportunityFilter | null,
    @Ctx() { em, viewer, loaders }: SalesContext,
  ): Promise<OpportunityConnection> {
    return connectionOf(OpportunityConnection, await opportunitiesPage(em, filter, viewer, page, loaders));
  }

  @Allow('opportunities:write')
  @Mutation(() => Opportunity)
  @ChecksCustomers('input.customerId')
  @ChecksStaff('input.ownerId')
  async createOpportunity(@Arg('input') input: CreateOpportunityInput, @Ctx() { em, viewer }: SalesContext): Promise<Opportunity> {
    return createOpportunity(em, input, viewer);
  }

  @Allow('opportunities:write')
  @Mutation(() => Opportunity, { description: 'Moves it to another stage of its pipeline; CONFLICT when version is stale' })
  moveOpportunity(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => MoveOpportunityInput, { nullable: true, description: inputRequiredFrom('Where to and the next contact') })
    input: MoveOpportunityInput | null,
    @Arg('stageId', () => ID, { nullable: true, deprecationReason: useInstead('input: { stageId }') }) stageId: string | null,
    @Arg('followUpAt', () => Date, { nullable: true, deprecationReason: useInstead('input: { followUpAt }') }) followUpAt: Date | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Opportunity> {
    const given = inputOrDeprecated(input, { stageId, followUpAt }, ['stageId']);
    return moveOpportunity(em, id, version, given.stageId, viewer, given.followUpAt ?? null);
  }

  @Allow('opportunities:write')
  @Mutation(() => Opportunity)
  @ChecksStaff('input.ownerId')
  updateOpportunity(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateOpportunityInput,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Opportunity> {
    return updateOpportunity(em, id, version, input, viewer);
  }

  @Allow('opportunities:write')
  @Mutation(() => Opportunity)
  archiveOpportunity(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em, viewer }: SalesContext): Promise<Opportunity> {
    return archiveOpportunity(em, id, version, viewer);
  }

  @FieldResolver(() => Customer)
  customer(@Root() opportunity: Opportunity): Customer {
    return { id: opportunity.customerId };
  }

  // Its name from sales' own copy: a 360° view asks identity for the customer only (ADR 12).
  @Directive('@provides(fields: "name")')
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() opportunity: Opportunity): User | null {
    return opportunity.ownerId ? { id: opportunity.ownerId } : null;
  }

  @FieldResolver(() => Pipeline)
  async pipeline(@Root() opportunity: Opportunity, @Ctx() { loaders }: SalesContext): Promise<Pipeline> {
    return (await loaders.pipelineById.load(opportunity.pipelineId))!;
  }

  @FieldResolver(() => Stage, { description: 'The stage it is in now' })
  async currentStage(@Root() opportunity: Opportunity, @Ctx() { loaders }: SalesContext): Promise<Stage> {
    return (await loaders.stageById.load(opportunity.stageId))!;
  }

  @FieldResolver(() => String, { description: 'The name of the current stage (see currentStage for the rest)' })
  async stage(@Root() opportunity: Opportunity, @Ctx() { loaders }: SalesContext): Promise<string> {
    return (await loaders.stageNameById.load(opportunity.stageId))!;
  }

  @FieldResolver(() => Int, { description: "Chance of winning in percent: the override if set, else the stage's" })
  async probability(@Root() opportunity: Opportunity, @Ctx() { loaders }: SalesContext): Promise<number> {
    return opportunity.probabilityOverride ?? (await loaders.stageById.load(opportunity.stageId))!.probability;
  }

  @FieldResolver(() => StageChangeConnection, { description: 'Every stage move, oldest first' })
  async stageHistory(@Root() opportunity: Opportunity, @Args() page: PageArgs, @Ctx() { loaders }: SalesContext): Promise<StageChangeConnection> {
    const found = await loaders.stageHistoryPages(page).load(opportunity.id);
    return connectionOf(StageChangeConnection, found, () => loaders.stageHistoryCount.load(opportunity.id));
  }
}

@Resolver(() => StageChange)
export class StageChangeResolver {
  @FieldResolver(() => Stage, { nullable: true, description: 'Null for the stage it was created in' })
  async from(@Root() change: StageChange, @Ctx() { loaders }: SalesContext): Promise<Stage | null> {
    return change.fromStageId ? loaders.stageById.load(change.fromStageId) : null;
  }

  @FieldResolver(() => Stage)
  async to(@Root() change: StageChange, @Ctx() { loaders }: SalesContext): Promise<Stage> {
    return (await loaders.stageById.load(change.toStageId))!;
  }
}

@Resolver(() => Customer)
export class CustomerOpportunitiesResolver {
  @Allow('opportunities:read')
  @FieldResolver(() => OpportunityConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: "The customer's opportunities, newest first",
  })
  async opportunities(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => OpportunityFilter, { nullable: true }) filter: OpportunityFilter | null,
    @Ctx() { loaders }: SalesContext,
  ): Promise<OpportunityConnection> {
    const found = await loaders.opportunityPagesByCustomer({ page, filter }).load(customer.id);
    return connectionOf(OpportunityConnection, found, () => loaders.opportunityCountByCustomer(filter).load(customer.id));
  }
}
