import { UpsertedItemType, type UpsertedItem } from '@crm/kit/bulk.js';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Customer } from '../customer/customer.reference.js';
import { InteractionChannel, InteractionType } from './interaction.entity.js';

/**
 * The longest text each field takes. A single recordInteraction checks them by its decorators; a batch skips the
 * decorators (class-validator on 1,000 items cost as much as GraphQL's own coercion of them) and checks them per item
 * in the service, which names the item like any other bad item (kit/bulk.ts).
 */
export const INTERACTION_TEXT_LIMITS = { anonymousId: 200, phone: 50, email: 254, sourceSystem: 100, externalEventId: 200 } as const;

@InputType()
export class RecordInteractionInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(INTERACTION_TEXT_LIMITS.anonymousId)
  anonymousId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The person's phone when they are not known by a customerId (e.g. a hotline caller), in any usual notation; local numbers are read in the dealer's market",
  })
  @MaxLength(INTERACTION_TEXT_LIMITS.phone)
  phone?: string | null;

  @Field(() => String, { nullable: true, description: "The person's e-mail when they are not known by a customerId (e.g. an unknown sender)" })
  @MaxLength(INTERACTION_TEXT_LIMITS.email)
  email?: string | null;

  @Field(() => InteractionChannel)
  channel!: InteractionChannel;

  @Field(() => InteractionType)
  type!: InteractionType;

  @Field({ nullable: true, description: 'Defaults to now' })
  occurredAt?: Date;

  @Field(() => String, { nullable: true })
  @MaxLength(INTERACTION_TEXT_LIMITS.sourceSystem)
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: 'Your own id of this event, unique per sourceSystem: sending it again records nothing twice' })
  @MaxLength(INTERACTION_TEXT_LIMITS.externalEventId)
  externalEventId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The campaign this interaction answers; defaults to properties.campaignId' })
  campaignId?: string | null;

  @Field(() => JSONObjectResolver, { nullable: true })
  properties?: Record<string, unknown> | null;
}

@InputType()
export class InteractionFilter {
  @Field(() => [InteractionChannel], { nullable: true })
  @ArrayMaxSize(20)
  channels?: InteractionChannel[] | null;

  @Field(() => [InteractionType], { nullable: true })
  @ArrayMaxSize(30)
  types?: InteractionType[] | null;

  @Field({ nullable: true, description: 'Only interactions at or after this time' })
  since?: Date;

  @Field({ nullable: true, description: 'Only interactions before this time' })
  until?: Date;
}

export const RecordedInteraction = UpsertedItemType('RecordedInteraction', 'What a bulk write did with one interaction');

@ObjectType({ description: 'What a bulk recording did: new interactions, retried ones already known, and the id of every item in input order' })
export class RecordInteractionsResult {
  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => [ID])
  ids!: string[];

  @Field(() => [RecordedInteraction], { description: 'Per item, in input order: CREATED, or UNCHANGED when its externalEventId was recorded before' })
  items!: UpsertedItem[];
}

@ObjectType()
export class LinkAnonymousInteractionsResult {
  @Field(() => Int, { description: 'How many anonymous interactions now belong to the customer' })
  linked!: number;

  @Field(() => Customer)
  customer!: Customer;
}
