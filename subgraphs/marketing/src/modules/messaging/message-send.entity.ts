import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { PersonalData } from '@crm/kit/access/decorators.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export enum MessageSendStatus {
  SENT = 'SENT',
  SUPPRESSED_NO_CONSENT = 'SUPPRESSED_NO_CONSENT',
  FAILED = 'FAILED',
}
registerEnumType(MessageSendStatus, { name: 'MessageSendStatus' });

/** Every attempt to send a message to a customer, including the ones consent stopped. Append-only. */
@ObjectType()
@Entity({ tableName: 'message_send' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt'] })
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

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'The address it went to (personal data: pii:read)' })
  @Property({ type: 'text' })
  recipient!: string;

  @Field(() => MessageSendStatus)
  @Enum({ items: () => MessageSendStatus, nativeEnumName: 'message_send_status' })
  status!: MessageSendStatus;

  @Field(() => String, { nullable: true, description: "The provider's id of the sent message" })
  @Property({ type: 'text', nullable: true })
  providerMessageId?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the provider refused it (FAILED)' })
  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}

redactInAudit(MessageSend, ['subject', 'recipient', 'error']);
