import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from '../customer/customer.entity.js';
import { PersonalData } from '@crm/kit/access/decorators.js';

export enum ConsentPurpose {
  MARKETING = 'MARKETING',
  PROFILING = 'PROFILING',
  SERVICE_COMMUNICATION = 'SERVICE_COMMUNICATION',
  THIRD_PARTY_SHARING = 'THIRD_PARTY_SHARING',
}
registerEnumType(ConsentPurpose, { name: 'ConsentPurpose' });

export enum ConsentChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PHONE = 'PHONE',
  PUSH = 'PUSH',
  POST = 'POST',
  ANY = 'ANY',
}
registerEnumType(ConsentChannel, { name: 'ConsentChannel' });

export enum ConsentStatus {
  GRANTED = 'GRANTED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });

/**
 * One consent decision as the customer made it. Append-only (no version, never updated):
 * the current state is the latest row per purpose × channel.
 */
@ObjectType({ description: 'A consent decision: purpose × channel, with where it was given and which text was shown' })
@Entity({ tableName: 'customer_consent' })
@Index({ properties: ['customer', 'purpose', 'channel', 'givenAt'] })
@Index({ properties: ['customer', 'givenAt', 'id'] })
export class Consent {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Field(() => ConsentPurpose)
  @Enum({ items: () => ConsentPurpose, nativeEnumName: 'consent_purpose' })
  purpose!: ConsentPurpose;

  @Field(() => ConsentChannel)
  @Enum({ items: () => ConsentChannel, nativeEnumName: 'consent_channel' })
  channel!: ConsentChannel;

  @Field(() => ConsentStatus)
  @Enum({ items: () => ConsentStatus, nativeEnumName: 'consent_status' })
  status!: ConsentStatus;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'Where it was given, e.g. "web-form" (evidence: pii:read)' })
  @Property({ type: 'text' })
  source!: string;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'Version of the consent text the customer saw, e.g. "v3" (evidence: pii:read)' })
  @Property({ type: 'text' })
  textVersion!: string;

  @Field(() => Date, { description: 'When the customer gave or withdrew it' })
  @Property({ type: 'timestamptz' })
  givenAt!: Date;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  recordedAt: Opt<Date> = new Date();
}
