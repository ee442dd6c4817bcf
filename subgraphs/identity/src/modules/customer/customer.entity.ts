import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '../../../../kit/base.entity.js';

export enum CustomerKind {
  PERSON = 'PERSON',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(CustomerKind, { name: 'CustomerKind' });

@ObjectType({ description: 'A person or an organization the business deals with: the entity every domain extends' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'customer' })
@Index({ properties: ['createdAt', 'id'] })
export class Customer extends BaseEntity {
  @Field(() => CustomerKind)
  @Enum({ items: () => CustomerKind, nativeEnumName: 'customer_kind' })
  kind: Opt<CustomerKind> = CustomerKind.PERSON;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  organizationName?: string | null;

  @Field(() => String, { description: 'The name to show: the organization name, or first and last name' })
  displayName(): string {
    if (this.kind === CustomerKind.ORGANIZATION) return this.organizationName ?? '';
    return [this.firstName, this.lastName].filter(Boolean).join(' ');
  }
}
