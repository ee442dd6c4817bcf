import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Sequence, SequenceEnrolment } from './sequence.entity.js';
import { CreateSequenceInput, EnrolInSequenceInput, EnrolmentFilter, ExitSequenceInput } from './sequence.inputs.js';
import { sequencesPage } from './sequence.queries.js';
import * as sequences from './sequence.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@ObjectType()
export class SequenceConnection extends ConnectionType(Sequence) {}

@ObjectType()
export class SequenceEnrolmentConnection extends ConnectionType(SequenceEnrolment) {}

@Resolver(() => Sequence)
export class SequenceResolver {
  @Allow('marketing:read')
  @Query(() => Sequence, { description: 'A sequence by id; NOT_FOUND when there is none' })
  sequence(@Arg('id', () => ID) id: string, @Ctx() { em }: MarketingContext): Promise<Sequence> {
    return sequences.getSequence(em, id);
  }

  @Allow('marketing:read')
  @Query(() => SequenceConnection, { description: 'All sequences, newest first' })
  async sequences(@Args() page: PageArgs, @Ctx() { em }: MarketingContext): Promise<SequenceConnection> {
    return connectionOf(SequenceConnection, await sequencesPage(em, page));
  }

  @Allow('marketing:write')
  @Mutation(() => Sequence)
  createSequence(@Arg('input') input: CreateSequenceInput, @Ctx() { em }: MarketingContext): Promise<Sequence> {
    return sequences.createSequence(em, input);
  }

  @FieldResolver(() => SequenceEnrolmentConnection, { description: 'Newest first' })
  async enrolments(
    @Root() sequence: Sequence,
    @Args() page: PageArgs,
    @Arg('filter', () => EnrolmentFilter, { nullable: true }) filter: EnrolmentFilter | null,
    @Ctx() { loaders }: MarketingContext,
  ): Promise<SequenceEnrolmentConnection> {
    const found = await loaders.enrolmentsBySequence({ page, filter }).load(sequence.id);
    return connectionOf(SequenceEnrolmentConnection, found, () => loaders.enrolmentCountBySequence(filter).load(sequence.id));
  }
}

@Resolver(() => SequenceEnrolment)
export class SequenceEnrolmentResolver {
  @Allow('marketing:read')
  @Query(() => SequenceEnrolment, { description: 'A sequence enrolment by id; NOT_FOUND when there is none' })
  sequenceEnrolment(@Arg('id', () => ID) id: string, @Ctx() { em }: MarketingContext): Promise<SequenceEnrolment> {
    return sequences.getEnrolment(em, id);
  }

  @Allow('marketing:write')
  @Mutation(() => SequenceEnrolment, { description: 'Starts the sequence for a customer at step 1; CONFLICT when already enrolled' })
  @ChecksCustomers('input.customerId')
  async enrolInSequence(@Arg('input') input: EnrolInSequenceInput, @Ctx() { em }: MarketingContext): Promise<SequenceEnrolment> {
    return sequences.enrolInSequence(em, input);
  }

  @Allow('marketing:write')
  @Mutation(() => SequenceEnrolment, { description: 'The current step was sent: go to the next, or COMPLETED after the last' })
  advanceSequenceEnrolment(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() { em }: MarketingContext,
  ): Promise<SequenceEnrolment> {
    return sequences.advanceEnrolment(em, id, version);
  }

  @Allow('marketing:write')
  @Mutation(() => SequenceEnrolment, { description: 'Stops the sequence for this customer (EXITED)' })
  exitSequence(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => ExitSequenceInput, { nullable: true }) input: ExitSequenceInput | null,
    @Ctx() { em }: MarketingContext,
  ): Promise<SequenceEnrolment> {
    return sequences.exitSequence(em, id, version, input);
  }

  @FieldResolver(() => Sequence, { nullable: true })
  sequence(@Root() enrolment: SequenceEnrolment, @Ctx() { loaders }: MarketingContext): Promise<Sequence | null> {
    return loaders.sequenceById.load(enrolment.sequenceId);
  }

  @FieldResolver(() => Customer)
  customer(@Root() enrolment: SequenceEnrolment): Customer {
    return { id: enrolment.customerId };
  }
}

@Resolver(() => Customer)
export class CustomerSequenceEnrolmentsResolver {
  @Allow('marketing:read')
  @FieldResolver(() => SequenceEnrolmentConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: "The customer's sequence enrolments, newest first",
  })
  async sequenceEnrolments(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => EnrolmentFilter, { nullable: true }) filter: EnrolmentFilter | null,
    @Ctx() { loaders }: MarketingContext,
  ): Promise<SequenceEnrolmentConnection> {
    const found = await loaders.enrolmentsByCustomer({ page, filter }).load(customer.id);
    return connectionOf(SequenceEnrolmentConnection, found, () => loaders.enrolmentCountByCustomer(filter).load(customer.id));
  }
}
