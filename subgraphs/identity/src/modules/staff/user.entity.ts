import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Allow } from '@crm/kit/access/decorators.js';
import type { Role } from '@crm/kit/access/permissions.js';

/** The roles of kit/access/permissions.ts: each is a set of permissions (see the README's table). */
export enum StaffRole {
  ADMIN = 'ADMIN',
  SALES_MANAGER = 'SALES_MANAGER',
  SALES_REP = 'SALES_REP',
  MARKETER = 'MARKETER',
  SERVICE_AGENT = 'SERVICE_AGENT',
  ANALYST = 'ANALYST',
}
registerEnumType(StaffRole, { name: 'StaffRole', description: 'What a member of staff may do; see the permission table in the README' });
// The role names are the access kit's: a role added on one side only fails type-checking here.
type SameRoles = [Role] extends [`${StaffRole}`] ? ([`${StaffRole}`] extends [Role] ? true : false) : false;
export const staffRolesMatchAccessRoles: SameRoles = true;

@ObjectType({ description: 'A member of staff: owner of opportunities, assignee of cases' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'staff_user' })
@Index({ properties: ['name', 'id'] })
export class User extends BaseEntity {
  // Sales answers it too, from its copy, where an owner is provided (ADR 12): resolved by two subgraphs.
  @Directive('@shareable')
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field()
  @Unique()
  @Property({ type: 'text' })
  email!: string;

  @Field(() => StaffRole)
  @Enum({ items: () => StaffRole, nativeEnumName: 'staff_role' })
  role!: StaffRole;

  @Field(() => Boolean, { description: 'An inactive user can no longer sign in' })
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;

  /** The `sub` of their tokens at the dealer's OpenID Connect issuer: how a signed-in person is recognised. */
  @Allow('staff:manage')
  @Field(() => String, { nullable: true, description: "The subject (sub) of the user's tokens at the OpenID Connect issuer" })
  @Unique()
  @Property({ type: 'text', nullable: true })
  subject?: string | null;

  @Field(() => [String], { description: 'Lines of support whose cases a service agent works, e.g. FIRST' })
  @Property({ type: 'text[]', default: [] })
  supportLines: Opt<string[]> = [];
}
