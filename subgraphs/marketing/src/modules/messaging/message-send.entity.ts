import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '@crm/kit/access/decorators.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

/** QUEUED → SENDING → SENT → DELIVERED / BOUNCED, or SUPPRESSED (not sent: see suppressionReason), or FAILED. */
export enum MessageSendStatus {
  QUEUED = 'QUEUED',
  SENDING = 'SENDING',
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  BOUNCED = 'BOUNCED',
  SUPPRESSED = 'SUPPRESSED',
  FAILED = 'FAILED',
}
registerEnumType(MessageSendStatus, {
  name: 'MessageSendStatus',
  valuesConfig: {
    SENDING: { description: 'Handed to the provider; a retry after a crash reuses the same message id' },
    SUPPRESSED: { description: 'Not sent, decided at send time: see suppressionReason' },
    FAILED: { description: 'The provider refused it, or every retry failed' },
  },
});

export enum SuppressionReason {
  NO_CONSENT = 'NO_CONSENT',
  NO_ADDRESS = 'NO_ADDRESS',
  FREQUENCY_CAP = 'FREQUENCY_CAP',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SuppressionReason, { name: 'SuppressionReason' });

/** Statuses a message can still leave from. */
export const PENDING = [MessageSendStatus.QUEUED, MessageSendStatus.SENDING] as const;

/**
 * One message to one customer, from the intent (QUEUED, written with the change that asked for it) to its
 * outcome. A campaign writes at most one per member and an enrolment one per step (unique indexes).
 */
@ObjectType()
@Entity({ tableName: 'message_send' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt'] })
@Index({ properties: ['campaignId', 'status'] })
// The frequency cap counts a customer's recent marketing messages.
@Index({ properties: ['customerId', 'purpose', 'sentAt'] })
@Index({
  name: 'message_send_campaign_customer_unique',
  expression: 'create unique index "message_send_campaign_customer_unique" on "message_send" ("campaign_id", "customer_id") where "campaign_id" is not null',
})
@Index({
  name: 'message_send_enrolment_step_unique',
  expression: 'create unique index "message_send_enrolment_step_unique" on "message_send" ("enrolment_id", "step") where "enrolment_id" is not null',
})
@Index({
  name: 'message_send_provider_message_id_index',
  expression: 'create index "message_send_provider_message_id_index" on "message_send" ("provider_message_id") where "provider_message_id" is not null',
})
export class MessageSend {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid' })
  customerId!: string;

  @Field({ description: "identity's consent channel the message uses, e.g. EMAIL" })
  @Property({ type: 'text' })
  channel!: string;

  @Field({ description: "identity's consent purpose the message serves, e.g. SERVICE_COMMUNICATION or MARKETING" })
  @Property({ type: 'text' })
  purpose!: string;

  @Field()
  @Property({ type: 'text' })
  template!: string;

  @Field(() => String, { description: 'The language it was written in (cs, pl, sk, en)' })
  @Property({ type: 'text', default: 'en' })
  language: Opt<string> = 'en';

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  /** The text as it was sent; the API shows it without the customer's link tokens (MessageSendResolver.body). */
  @Property({ type: 'text', default: '' })
  body: Opt<string> = '';

  /** Fields the template reads besides the customer's own (e.g. the requested appointment), as the event gave them. */
  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown> | null;

  /** Attachments and the calendar invitation, as the channel sends them. */
  @Property({ type: 'json', nullable: true })
  attachments?: Array<{ filename: string; contentType: string; content: string; encoding?: 'base64' }> | null;

  @Property({ type: 'text', nullable: true })
  calendar?: string | null;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'The address it goes to (personal data: pii:read); set at send time unless given' })
  @Property({ type: 'text', nullable: true })
  recipient?: string | null;

  @Field(() => MessageSendStatus)
  @Enum({ items: () => MessageSendStatus, nativeEnumName: 'message_send_status' })
  status!: MessageSendStatus;

  @Field(() => SuppressionReason, { nullable: true })
  @Enum({ items: () => SuppressionReason, nullable: true, nativeEnumName: 'message_suppression_reason' })
  suppressionReason?: SuppressionReason | null;

  @Field(() => ID, { nullable: true, description: 'The campaign it belongs to' })
  @Property({ type: 'uuid', nullable: true })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The sequence enrolment it belongs to' })
  @Property({ type: 'uuid', nullable: true })
  enrolmentId?: string | null;

  @Field(() => Int, { nullable: true, description: "The enrolment's step it sends" })
  @Property({ type: 'integer', nullable: true })
  step?: number | null;

  @Field(() => Int, { description: 'Attempts to hand it to the provider so far' })
  @Property({ type: 'integer', default: 0 })
  attempts: Opt<number> = 0;

  @Field(() => String, { nullable: true, description: "The provider's id of the sent message" })
  @Property({ type: 'text', nullable: true })
  providerMessageId?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the provider refused it (FAILED, BOUNCED)' })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Date, { nullable: true, description: 'Held back until then (quiet hours)' })
  @Property({ type: 'timestamptz', nullable: true })
  notBefore?: Date | null;

  @Field(() => Date, { description: 'When it was queued' })
  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  sentAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'First opened (tracked link or pixel)' })
  @Property({ type: 'timestamptz', nullable: true })
  openedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'First click on a tracked link' })
  @Property({ type: 'timestamptz', nullable: true })
  clickedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: "When the customer used the message's unsubscribe link" })
  @Property({ type: 'timestamptz', nullable: true })
  unsubscribedAt?: Date | null;
}

redactInAudit(MessageSend, ['subject', 'body', 'recipient', 'error', 'data', 'attachments', 'calendar']);
