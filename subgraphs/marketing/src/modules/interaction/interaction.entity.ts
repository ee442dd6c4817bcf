import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';

export enum InteractionChannel {
  WEB = 'WEB',
  APP = 'APP',
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PUSH = 'PUSH',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  SOCIAL = 'SOCIAL',
  MESSENGER = 'MESSENGER',
  IN_STORE = 'IN_STORE',
  WEBINAR = 'WEBINAR',
}
registerEnumType(InteractionChannel, { name: 'InteractionChannel' });

export enum InteractionType {
  PAGE_VIEW = 'PAGE_VIEW',
  FORM_SUBMIT = 'FORM_SUBMIT',
  DOWNLOAD = 'DOWNLOAD',
  SEARCH = 'SEARCH',
  CART_ABANDONED = 'CART_ABANDONED',
  MESSAGE_SENT = 'MESSAGE_SENT',
  MESSAGE_DELIVERED = 'MESSAGE_DELIVERED',
  MESSAGE_OPENED = 'MESSAGE_OPENED',
  MESSAGE_CLICKED = 'MESSAGE_CLICKED',
  CALL = 'CALL',
  MEETING = 'MEETING',
  VISIT = 'VISIT',
  QUOTE_SENT = 'QUOTE_SENT',
  QUOTE_VIEWED = 'QUOTE_VIEWED',
  CASE_MESSAGE = 'CASE_MESSAGE',
  SURVEY_RESPONSE = 'SURVEY_RESPONSE',
  CONVERSION = 'CONVERSION',
}
registerEnumType(InteractionType, { name: 'InteractionType' });

/**
 * One touchpoint on one channel: the omnichannel timeline. Append-only, so no version;
 * recorded either for a known customer or for an anonymous device until identity links it.
 */
@ObjectType()
@Entity({ tableName: 'interaction' })
@Index({ properties: ['customerId', 'occurredAt', 'id'] })
@Index({ properties: ['anonymousId', 'occurredAt', 'id'] })
@Index({ properties: ['customerId', 'channel', 'occurredAt'] })
@Index({ properties: ['customerId', 'type', 'occurredAt'] })
@Index({ properties: ['campaignId', 'type'] })
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

  @Field(() => ID, { nullable: true, description: 'The campaign whose message this interaction answers' })
  @Property({ type: 'uuid', nullable: true })
  campaignId?: string | null;

  @Field(() => JSONObjectResolver)
  @Property({ type: 'json' })
  properties: Opt<Record<string, unknown>> = {};

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  recordedAt: Opt<Date> = new Date();
}
