import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Interaction } from './interaction.entity.js';
import { InteractionFilter, LinkAnonymousInteractionsResult, RecordInteractionInput, RecordInteractionsResult } from './interaction.inputs.js';
import { anonymousInteractionsPage } from './interaction.queries.js';
import { getInteraction, linkAnonymousInteractions, MAX_BATCH_SIZE, recordInteraction, recordInteractions } from './interaction.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@ObjectType()
export class InteractionConnection extends ConnectionType(Interaction) {}

@Resolver(() => Interaction)
export class InteractionResolver {
  @Allow('interactions:read')
  @Query(() => Interaction, { description: 'One interaction; NOT_FOUND when there is none' })
  interaction(@Arg('id', () => ID) id: string, @Ctx() { em }: MarketingContext): Promise<Interaction> {
    return getInteraction(em, id);
  }

  @Allow('interactions:read')
  @Query(() => InteractionConnection, { description: 'What an anonymous device did before the person was known, newest first' })
  async anonymousInteractions(
    @Arg('anonymousId') anonymousId: string,
    @Args() page: PageArgs,
    @Ctx() { em }: MarketingContext,
  ): Promise<InteractionConnection> {
    return connectionOf(InteractionConnection, await anonymousInteractionsPage(em, anonymousId, page));
  }

  @Allow('interactions:write')
  @Mutation(() => Interaction, { description: 'Records one touchpoint on any channel' })
  @ChecksCustomers('input.customerId')
  recordInteraction(@Arg('input') input: RecordInteractionInput, @Ctx() { em }: MarketingContext): Promise<Interaction> {
    return recordInteraction(em, input);
  }

  @Allow('interactions:write')
  @Mutation(() => RecordInteractionsResult, {
    description: `Records up to ${MAX_BATCH_SIZE} touchpoints at once, all or nothing; items with a known externalEventId count as duplicates`,
  })
  // Every item's customer in one request to identity; one unknown and none is written.
  @ChecksCustomers('input[].customerId')
  recordInteractions(
    // Not class-validator: the service checks each item's text lengths and names the bad items (INTERACTION_TEXT_LIMITS).
    @Arg('input', () => [RecordInteractionInput], { validate: false }) input: RecordInteractionInput[],
    @Ctx() { em }: MarketingContext,
  ): Promise<RecordInteractionsResult> {
    return recordInteractions(em, input);
  }

  @Allow('interactions:write')
  @Mutation(() => LinkAnonymousInteractionsResult, { description: "Moves a device's earlier anonymous interactions to the customer's timeline" })
  @ChecksCustomers('customerId')
  async linkAnonymousInteractions(
    @Arg('anonymousId') anonymousId: string,
    @Arg('customerId', () => ID) customerId: string,
    @Ctx() { em }: MarketingContext,
  ): Promise<LinkAnonymousInteractionsResult> {
    const linked = await linkAnonymousInteractions(em, anonymousId, customerId);
    return { linked, customer: { id: customerId.toLowerCase() } };
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() interaction: Interaction): Customer | null {
    return interaction.customerId ? { id: interaction.customerId } : null;
  }
}

@Resolver(() => Customer)
export class CustomerTimelineResolver {
  @Allow('interactions:read')
  @FieldResolver(() => InteractionConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: 'Every touchpoint on every channel, newest first',
  })
  async interactions(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => InteractionFilter, { nullable: true }) filter: InteractionFilter | null,
    @Ctx() { loaders }: MarketingContext,
  ): Promise<InteractionConnection> {
    const found = await loaders.timelineByCustomer({ page, filter }).load(customer.id);
    return connectionOf(InteractionConnection, found, () => loaders.timelineCountByCustomer(filter).load(customer.id));
  }
}
