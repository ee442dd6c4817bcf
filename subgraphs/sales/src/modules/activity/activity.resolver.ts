import { Arg, Args, Ctx, Directive, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { SalesContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Lead } from '../lead/lead.entity.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { User } from '../staff/user.reference.js';
import { Activity } from './activity.entity.js';
import { ActivityFilter, ActivityOrder, CreateActivityInput } from './activity.inputs.js';
import { activitiesPage } from './activity.queries.js';
import { completeActivity, createActivity, getActivity } from './activity.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class ActivityConnection extends ConnectionType(Activity) {}

@Resolver(() => Activity)
export class ActivityResolver {
  @Allow('activities:read')
  @Query(() => Activity, { description: 'An activity by id; NOT_FOUND when there is none' })
  activity(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: SalesContext): Promise<Activity> {
    return getActivity(em, id, viewer);
  }

  @Allow('activities:read')
  @Query(() => ActivityConnection, { description: 'Activities, newest first or by due date' })
  async activities(
    @Args() page: PageArgs,
    @Arg('filter', () => ActivityFilter, { nullable: true }) filter: ActivityFilter | null,
    @Arg('orderBy', () => ActivityOrder, { defaultValue: ActivityOrder.NEWEST_FIRST }) order: ActivityOrder,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<ActivityConnection> {
    return connectionOf(ActivityConnection, await activitiesPage(em, filter, order, viewer, page));
  }

  @Allow('activities:write')
  @Mutation(() => Activity)
  @ChecksCustomers('input.customerId')
  @ChecksStaff('input.ownerId')
  async createActivity(@Arg('input') input: CreateActivityInput, @Ctx() { em, viewer }: SalesContext): Promise<Activity> {
    return createActivity(em, input, viewer);
  }

  @Allow('activities:write')
  @Mutation(() => Activity)
  completeActivity(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em, viewer }: SalesContext): Promise<Activity> {
    return completeActivity(em, id, version, viewer);
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() activity: Activity): Customer | null {
    return activity.customerId ? { id: activity.customerId } : null;
  }

  @Directive('@provides(fields: "name")') // from sales' copy of staff names (staff-names.ts)
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() activity: Activity): User | null {
    return activity.ownerId ? { id: activity.ownerId } : null;
  }

  @FieldResolver(() => Opportunity, { nullable: true })
  opportunity(@Root() activity: Activity, @Ctx() { loaders }: SalesContext): Promise<Opportunity | null> | null {
    return activity.opportunityId ? loaders.opportunityById.load(activity.opportunityId) : null;
  }

  @FieldResolver(() => Lead, { nullable: true })
  lead(@Root() activity: Activity, @Ctx() { loaders }: SalesContext): Promise<Lead | null> | null {
    return activity.leadId ? loaders.leadById.load(activity.leadId) : null;
  }
}

@Resolver(() => Customer)
export class CustomerActivitiesResolver {
  @Allow('activities:read')
  @FieldResolver(() => ActivityConnection, { nullable: true, description: 'Calls, meetings, tasks and notes about the customer' })
  async activities(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => ActivityFilter, { nullable: true }) filter: ActivityFilter | null,
    @Arg('orderBy', () => ActivityOrder, { defaultValue: ActivityOrder.NEWEST_FIRST }) order: ActivityOrder,
    @Ctx() { loaders }: SalesContext,
  ): Promise<ActivityConnection> {
    const found = await loaders.activityPagesByCustomer({ page, filter, order }).load(customer.id);
    return connectionOf(ActivityConnection, found, () => loaders.activityCountByCustomer({ filter, order }).load(customer.id));
  }
}
