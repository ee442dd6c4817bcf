import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';

export enum WebhookEndpointStatus {
  /** Deliveries leave as events come. */
  ACTIVE = 'ACTIVE',
  /** Deliveries queue up and wait for resumeWebhookEndpoint (paused by its owner, or after failing too long). */
  PAUSED = 'PAUSED',
}
registerEnumType(WebhookEndpointStatus, { name: 'WebhookEndpointStatus' });

export enum WebhookOwnerKind {
  USER = 'USER',
  API_KEY = 'API_KEY',
}
registerEnumType(WebhookOwnerKind, { name: 'WebhookOwnerKind', description: 'Who registered an endpoint: a member of staff or a partner’s API key' });

/**
 * A partner's URL that receives the events it chose, signed (Standard Webhooks). It belongs to whoever registered it
 * (a user or an API key) and sends only event types its owner may read.
 */
@ObjectType({ description: 'A partner URL that receives signed deliveries of the event types it chose (see the README, Webhooks)' })
@Entity({ tableName: 'webhook_endpoint' })
@Index({ properties: ['createdAt', 'id'] })
// Which endpoints want an event type (`event_types @> array[type]`, once per event on the bus).
@Index({
  name: 'webhook_endpoint_event_types_index',
  expression: 'create index "webhook_endpoint_event_types_index" on "webhook_endpoint" using gin ("event_types")',
})
export class WebhookEndpoint extends BaseEntity {
  @Field({ description: 'Where deliveries are POSTed (https; redirects are never followed)' })
  @Property({ type: 'text' })
  url!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => [String], { description: 'The event types it receives, e.g. OpportunityStageChanged' })
  @Property({ type: 'text[]' })
  eventTypes!: string[];

  @Field(() => WebhookEndpointStatus)
  @Enum({ items: () => WebhookEndpointStatus, nativeEnumName: 'webhook_endpoint_status' })
  status: Opt<WebhookEndpointStatus> = WebhookEndpointStatus.ACTIVE;

  @Field(() => WebhookOwnerKind)
  @Enum({ items: () => WebhookOwnerKind, nativeEnumName: 'webhook_owner_kind' })
  ownerKind!: WebhookOwnerKind;

  @Field({ description: 'The user or API key that registered it' })
  @Property({ type: 'text', index: true })
  ownerId!: string;

  /** The signing secret, encrypted (webhook.secret.ts); shown once, never in the schema. */
  @Property({ type: 'text' })
  sealedSecret!: string;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  pausedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was paused: by its owner, or the failures that paused it' })
  @Property({ type: 'text', nullable: true })
  pausedReason?: string | null;

  @Field(() => Int, { description: 'Failed attempts since the last delivered one' })
  @Property({ type: 'integer' })
  consecutiveFailures: Opt<number> = 0;

  @Field(() => Date, { nullable: true, description: 'When the current run of failures began (null: the last attempt succeeded)' })
  @Property({ type: 'timestamptz', nullable: true })
  failingSince?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  lastDeliveredAt?: Date | null;
}
