import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../../../kit/base.entity.js';

export enum StaffRole {
  ADMIN = 'ADMIN',
  MANAGER = 'MANAGER',
  SALES_REP = 'SALES_REP',
  MARKETER = 'MARKETER',
  SERVICE_AGENT = 'SERVICE_AGENT',
}
registerEnumType(StaffRole, { name: 'StaffRole' });

@ObjectType({ description: 'A member of staff: owner of opportunities, assignee of cases' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'staff_user' })
@Index({ properties: ['name', 'id'] })
export class User extends BaseEntity {
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

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;
}
