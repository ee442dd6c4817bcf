import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Interaction } from './interaction.entity.js';
import { InteractionFilter, LinkAnonymousInteractionsResult, RecordInteractionInput, RecordInteractionsResult } from './interaction.inputs.js';
import { anonymousInteractionsPage } from './interaction.queries.js';
import { getInteraction, linkAnonymousInteractions, MAX_BATCH_SIZE, recordInteraction, recordInteractions } from './interaction.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { can, type Viewer } from '@crm/kit/access/viewer.js';
import { DomainError } from '@crm/kit/errors.js';
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
  recordInteraction(@Arg('input') input: RecordInteractionInput, @Ctx() { em, viewer }: MarketingContext): Promise<Interaction> {
    byContactNeedsPersonalData(viewer, [input], (_index, field) => `input.${field}`);
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
    @Ctx() { em, viewer }: MarketingContext,
  ): Promise<RecordInteractionsResult> {
    byContactNeedsPersonalData(viewer, input, (index, field) => `input[${index}].${field}`);
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

/**
 * Recording under a phone or an e-mail joins the interaction to whoever it belongs to, which the answer, the timeline
 * and a segment then tell: finding a person by their phone or e-mail is reading personal data, so it needs pii:read,
 * as search by them does. Without it an interaction is recorded for a customerId or an anonymousId.
 */
function byContactNeedsPersonalData(viewer: Viewer, inputs: RecordInteractionInput[], fieldOf: (index: number, field: string) => string): void {
  if (can(viewer, 'pii:read')) return;
  const index = inputs.findIndex((input) => input.phone?.trim() || input.email?.trim());
  if (index === -1) return;
  const field = fieldOf(index, inputs[index]!.email?.trim() ? 'email' : 'phone');
  throw new DomainError('FORBIDDEN', `Recording an interaction under a phone or an e-mail (${field}) needs the permission pii:read: it tells whose they are`, {
    permission: 'pii:read',
    field,
  });
}
