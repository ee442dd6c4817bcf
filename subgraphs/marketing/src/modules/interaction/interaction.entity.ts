import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { PersonalData } from '@crm/kit/access/decorators.js';
import { Campaign } from '../campaign/campaign.entity.js';
import { InteractionChannel, InteractionType } from './interaction.enums.js';

// The enums live in their own file so campaign.entity.ts can use them without importing this one (which imports it).
export { InteractionChannel, InteractionType } from './interaction.enums.js';

/**
 * One touchpoint on one channel: the omnichannel timeline. Append-only, so no version;
 * recorded either for a known customer, or for an anonymous device, phone or e-mail until identity links it to one.
 */
@ObjectType()
@Entity({ tableName: 'interaction' })
@Index({ properties: ['customerId', 'occurredAt', 'id'] })
@Index({ properties: ['customerId', 'channel', 'occurredAt'] })
@Index({ properties: ['customerId', 'type', 'occurredAt'] })
// Most interactions are a known customer's, outside any campaign: these four hold only the rows that have the column
// (every lookup by it asks for a value, which implies it is not null), so such a row is written into five indexes,
// not nine (Migration20261208030000_interaction_partial_indexes).
@Index({
  name: 'interaction_anonymous_id_occurred_at_id_index',
  expression:
    'create index "interaction_anonymous_id_occurred_at_id_index" on "interaction" ("anonymous_id", "occurred_at", "id") where "anonymous_id" is not null',
})
@Index({ name: 'interaction_phone_index', expression: 'create index "interaction_phone_index" on "interaction" ("phone") where "phone" is not null' })
@Index({ name: 'interaction_email_index', expression: 'create index "interaction_email_index" on "interaction" ("email") where "email" is not null' })
@Index({
  name: 'interaction_campaign_id_type_index',
  expression: 'create index "interaction_campaign_id_type_index" on "interaction" ("campaign_id", "type") where "campaign_id" is not null',
})
@Unique({ properties: ['sourceSystem', 'externalEventId'] })
export class Interaction {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Device or cookie id when the person was not known yet' })
  @Property({ type: 'text', nullable: true })
  anonymousId?: string | null;

  // Personal data, unlike a device id: erased with the person it joined, or with the person it belongs to before it has.
  @PersonalData()
  @Field(() => String, {
    nullable: true,
    description: 'The phone (E.164) it was recorded under, e.g. a hotline caller; it joins whoever identity links it to (personal data: pii:read)',
  })
  @Property({ type: 'text', nullable: true })
  phone?: string | null;

  @PersonalData()
  @Field(() => String, {
    nullable: true,
    description: 'The e-mail (lower-case) it was recorded under, e.g. an unknown sender; it joins whoever identity links it to (personal data: pii:read)',
  })
  @Property({ type: 'text', nullable: true })
  email?: string | null;

  @Field(() => InteractionChannel)
  @Enum({ items: () => InteractionChannel, nativeEnumName: 'interaction_channel' })
  channel!: InteractionChannel;

  @Field(() => InteractionType)
  @Enum({ items: () => InteractionType, nativeEnumName: 'interaction_type' })
  type!: InteractionType;

  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The system that reported it, e.g. "website" or "telephony"' })
  @Property({ type: 'text', nullable: true })
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: "The caller's own id of the event, unique per sourceSystem: a retry records nothing twice" })
  @Property({ type: 'text', nullable: true })
  externalEventId?: string | null;

  // A declared relation (its id only): the interaction stays when its campaign goes, unattributed (set null).
  @Field(() => ID, { nullable: true, description: 'The campaign whose message this interaction answers' })
  @ManyToOne(() => Campaign, { fieldName: 'campaign_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  campaignId?: string | null;

  @Field(() => JSONObjectResolver)
  @Property({ type: 'json' })
  properties: Opt<Record<string, unknown>> = {};

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  recordedAt: Opt<Date> = new Date();
}
