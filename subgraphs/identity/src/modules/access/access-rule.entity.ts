import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import type { Opt } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { StaffRole } from '../staff/user.entity.js';
import { AccessHours } from './access-hours.js';

export enum AccessRuleScope {
  ORGANIZATION = 'ORGANIZATION',
  ROLE = 'ROLE',
}
registerEnumType(AccessRuleScope, { name: 'AccessRuleScope', description: 'Whom a rule applies to: everyone, or the staff of one role' });

/**
 * Where and when staff may call: the organisation's rule applies to every person, a role's rule on top of it (both
 * must allow the call). API keys carry their own (ApiKey.allowedCidrs / allowedHours). Changed through the graph and
 * effective without a restart: the gateway reloads the rules when identity announces a change.
 */
@ObjectType({ description: 'An access rule: the networks and hours calls are allowed from and in' })
@Entity({ tableName: 'access_rule' })
export class AccessRule extends BaseEntity {
  /** One rule per whom it applies to: ORGANIZATION, or ROLE:<role>. */
  @Field({ description: 'ORGANIZATION or ROLE:<role>' })
  @Property({ type: 'text', unique: true })
  appliesTo!: string;

  @Field(() => AccessRuleScope)
  @Enum({ items: () => AccessRuleScope, nativeEnumName: 'access_rule_scope' })
  scope!: AccessRuleScope;

  @Field(() => StaffRole, { nullable: true, description: 'Set when scope is ROLE' })
  @Enum({ items: () => StaffRole, nativeEnumName: 'staff_role', nullable: true })
  role?: StaffRole | null;

  @Field(() => [String], { description: 'Allowed client networks (CIDR); empty: any address' })
  @Property({ type: 'text[]' })
  cidrs: Opt<string[]> = [];

  @Field(() => AccessHours, { nullable: true, description: 'Allowed hours; null: any time' })
  @Property({ type: 'json', nullable: true })
  hours?: AccessHours | null;
}
