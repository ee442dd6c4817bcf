import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Segment } from './segment.entity.js';
import { CreateSegmentInput, SegmentFilter, SegmentOrder, UpdateSegmentInput } from './segment.inputs.js';
import * as membership from './segment.membership.js';
import { segmentPageInMemory, segmentsPage } from './segment.queries.js';
import * as segments from './segment.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@ObjectType()
export class SegmentConnection extends ConnectionType(Segment) {}

// ConnectionType(Customer) would name its edge CustomerEdge, which identity already defines.
@ObjectType({ description: 'The customers in a segment' })
export class SegmentMemberConnection extends ConnectionType(Customer, 'SegmentMember') {}

// SegmentEdge belongs to Query.segments; a customer's segments get edges of their own.
@ObjectType({ description: 'The active segments a customer belongs to, by name' })
export class CustomerSegmentConnection extends ConnectionType(Segment, 'CustomerSegment') {}

@Resolver(() => Segment)
export class SegmentResolver {
  @Allow('marketing:read')
  @Query(() => Segment, { description: 'A segment by id; NOT_FOUND when there is none' })
  segment(@Arg('id', () => ID) id: string, @Ctx() { em }: MarketingContext): Promise<Segment> {
    return segments.getSegment(em, id);
  }

  @Allow('marketing:read')
  @Query(() => SegmentConnection)
  async segments(
    @Args() page: PageArgs,
    @Arg('filter', () => SegmentFilter, { nullable: true }) filter: SegmentFilter | null,
    @Arg('orderBy', () => SegmentOrder, { defaultValue: SegmentOrder.NEWEST_FIRST }) orderBy: SegmentOrder,
    @Ctx() { em }: MarketingContext,
  ): Promise<SegmentConnection> {
    return connectionOf(SegmentConnection, await segmentsPage(em, filter, orderBy, page));
  }

  @Allow('marketing:write')
  @Mutation(() => Segment)
  createSegment(@Arg('input') input: CreateSegmentInput, @Ctx() { em }: MarketingContext): Promise<Segment> {
    return segments.createSegment(em, input);
  }

  @Allow('marketing:write')
  @Mutation(() => Segment)
  updateSegment(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateSegmentInput,
    @Ctx() { em }: MarketingContext,
  ): Promise<Segment> {
    return segments.updateSegment(em, id, version, input);
  }

  @Allow('marketing:write')
  @Mutation(() => Segment)
  archiveSegment(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em }: MarketingContext): Promise<Segment> {
    return segments.archiveSegment(em, id, version);
  }

  @Allow('marketing:write')
  @Mutation(() => Segment, { description: 'Puts customers on a STATIC segment; ones already on it are skipped' })
  @ChecksCustomers('customerIds[]')
  async addToList(
    @Arg('segmentId', () => ID) segmentId: string,
    @Arg('customerIds', () => [ID], { description: `1 to ${membership.MAX_LIST_CHANGE}` }) customerIds: string[],
    @Ctx() { em }: MarketingContext,
  ): Promise<Segment> {
    return membership.addToList(em, segmentId, customerIds);
  }

  @Allow('marketing:write')
  @Mutation(() => Segment, { description: 'Takes customers off a STATIC segment' })
  removeFromList(
    @Arg('segmentId', () => ID) segmentId: string,
    @Arg('customerIds', () => [ID], { description: `1 to ${membership.MAX_LIST_CHANGE}` }) customerIds: string[],
    @Ctx() { em }: MarketingContext,
  ): Promise<Segment> {
    return membership.removeFromList(em, segmentId, customerIds);
  }

  @FieldResolver(() => Int, { description: 'How many customers are in it right now' })
  size(@Root() segment: Segment, @Ctx() { loaders }: MarketingContext): Promise<number> {
    return loaders.segmentSize.load(segment);
  }

  @FieldResolver(() => SegmentMemberConnection, {
    description: 'Who is in it right now; for a list of segments, all their pages are evaluated in one statement',
  })
  async members(@Root() segment: Segment, @Args() page: PageArgs, @Ctx() { loaders }: MarketingContext): Promise<SegmentMemberConnection> {
    const found = await loaders.segmentMemberPages(page).load(segment);
    return connectionOf(SegmentMemberConnection, found, () => loaders.segmentSize.load(segment));
  }
}

@Resolver(() => Customer)
export class CustomerSegmentsResolver {
  @Allow('marketing:read')
  @FieldResolver(() => CustomerSegmentConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: 'The active segments the customer belongs to right now, by name',
  })
  async segments(@Root() customer: Customer, @Args() page: PageArgs, @Ctx() { loaders }: MarketingContext): Promise<CustomerSegmentConnection> {
    const all = await loaders.segmentsByCustomer.load(customer.id);
    return connectionOf(CustomerSegmentConnection, segmentPageInMemory(all, page), () => Promise.resolve(all.length));
  }
}
