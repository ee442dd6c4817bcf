import { BigIntType, type Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

export enum WebhookDeliveryStatus {
  /** Not tried yet (it may wait behind an earlier event of the same entity). */
  PENDING = 'PENDING',
  /** Tried and failed; retried at nextAttemptAt (or when its paused endpoint is resumed). */
  FAILING = 'FAILING',
  DELIVERED = 'DELIVERED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });

@ObjectType({ description: 'The event a delivery carries, as it is on the event bus' })
export class WebhookEvent {
  @Field(() => ID, { description: 'The event id: also the webhook-id header, the same on every retry and replay' }) id!: string;
  @Field() type!: string;
  @Field({ description: 'Its bus cursor: replayWebhookDeliveries(after:) re-delivers what came after it' }) cursor!: string;
  @Field() aggregateType!: string;
  @Field() aggregateId!: string;
  @Field(() => Date) occurredAt!: Date;
}

@ObjectType({ description: 'One attempt of a delivery' })
export class WebhookAttempt {
  @Field(() => Date) at!: Date;
  @Field(() => Int, { nullable: true }) responseStatus!: number | null;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true, description: 'Why it failed (no answer, a refused address, a redirect, the status)' }) error!: string | null;
}

/** One event for one endpoint: its outcome and every attempt (the delivery log). */
@ObjectType({ description: 'An event sent (or to be sent) to an endpoint, with its attempts' })
@Entity({ tableName: 'webhook_delivery' })
// The delivery log, newest first (and the foreign key's index).
@Index({ properties: ['endpointId', 'sequence'] })
// Each entity's oldest undelivered event (the delivery job's question).
@Index({
  name: 'webhook_delivery_queue_index',
  expression:
    'create index "webhook_delivery_queue_index" on "webhook_delivery" ("endpoint_id", "aggregate_type", "aggregate_id", "sequence") where "status" <> \'DELIVERED\'',
})
// Once per event and endpoint, however often the bus hands it over (replays are copies).
@Index({
  name: 'webhook_delivery_event_unique',
  expression: 'create unique index "webhook_delivery_event_unique" on "webhook_delivery" ("endpoint_id", "event_id") where not "replay"',
})
// Where a replay starts.
@Index({ properties: ['endpointId', 'eventCursor'] })
// A person's deliveries, for their export and erasure (privacy.tables.ts).
@Index({ properties: ['aggregateId'] })
@Index({
  name: 'webhook_delivery_customer_index',
  expression: `create index "webhook_delivery_customer_index" on "webhook_delivery" (("payload"->>'customerId'))`,
})
// What retention deletes.
@Index({ properties: ['createdAt'] })
export class WebhookDelivery {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Its place in the endpoint's queue: events are added in bus order, so this orders each entity's events. */
  @Property({ type: new BigIntType('number'), autoincrement: true, unique: true })
  sequence!: Opt<number>;

  @ManyToOne(() => WebhookEndpoint, { fieldName: 'endpoint_id', mapToPk: true, deleteRule: 'cascade' })
  endpointId!: string;

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'text' })
  eventCursor!: string;

  @Property({ type: 'text' })
  aggregateType!: string;

  @Property({ type: 'text' })
  aggregateId!: string;

  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  /** The event's payload as its contract declares it (event-catalog.ts): what the partner receives in `data`. */
  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Field(() => Boolean, { description: 'True for a copy queued by replayWebhookDeliveries' })
  @Property({ type: 'boolean' })
  replay: Opt<boolean> = false;

  @Field(() => WebhookDeliveryStatus)
  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status' })
  status: Opt<WebhookDeliveryStatus> = WebhookDeliveryStatus.PENDING;

  @Field(() => Int, { description: 'Attempts made so far' })
  @Property({ type: 'integer' })
  attempt: Opt<number> = 0;

  /** Failed attempts since it was queued or its endpoint resumed: the step of the retry schedule. */
  @Property({ type: 'integer' })
  failedInRow: Opt<number> = 0;

  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt' })
  @Property({ type: 'integer', nullable: true })
  responseStatus?: number | null;

  @Field(() => String, { nullable: true, description: 'The start of the last answer (1 KB at most)' })
  @Property({ type: 'text', nullable: true })
  responseBody?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  durationMs?: number | null;

  @Field(() => Date, { nullable: true, description: 'When it is tried again (null: delivered, or waiting for the endpoint to resume)' })
  @Property({ type: 'timestamptz', nullable: true })
  nextAttemptAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  /** Every attempt, oldest first (`at` as ISO text, as JSON keeps it). */
  @Property({ type: 'json' })
  attemptLog: Opt<Array<Omit<WebhookAttempt, 'at'> & { at: string }>> = [];

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Field(() => [WebhookAttempt], { description: 'Every attempt, oldest first' })
  attempts(): WebhookAttempt[] {
    return this.attemptLog.map((attempt) => ({ ...attempt, at: new Date(attempt.at) }));
  }

  @Field(() => WebhookEvent)
  event(): WebhookEvent {
    return {
      id: this.eventId,
      type: this.eventType,
      cursor: this.eventCursor,
      aggregateType: this.aggregateType,
      aggregateId: this.aggregateId,
      occurredAt: this.occurredAt,
    };
  }
}
