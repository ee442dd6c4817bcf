import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../../../kit/base.entity.js';

export enum CaseStatus {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  RESOLVED = 'RESOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(CaseStatus, { name: 'CaseStatus' });

export enum CasePriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(CasePriority, { name: 'CasePriority' });

export enum CaseChannel {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  CHAT = 'CHAT',
  SOCIAL = 'SOCIAL',
  MESSENGER = 'MESSENGER',
  WEB = 'WEB',
  IN_STORE = 'IN_STORE',
}
registerEnumType(CaseChannel, { name: 'CaseChannel' });

@ObjectType({ description: 'A service request (ticket) from a customer' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'support_case' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt', 'id'] })
export class Case extends BaseEntity {
  @Property({ type: 'uuid' })
  customerId!: string;

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => CaseStatus)
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: Opt<CaseStatus> = CaseStatus.NEW;

  @Field(() => CasePriority)
  @Enum({ items: () => CasePriority, nativeEnumName: 'case_priority' })
  priority: Opt<CasePriority> = CasePriority.NORMAL;

  @Field(() => CaseChannel, { description: 'The channel the case came in on' })
  @Enum({ items: () => CaseChannel, nativeEnumName: 'case_channel' })
  channel!: CaseChannel;

  @Index()
  @Property({ type: 'uuid', nullable: true })
  assigneeId?: string | null;
}
