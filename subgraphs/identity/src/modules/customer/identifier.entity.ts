import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Customer } from './customer.entity.js';
import { PersonalData } from '@crm/kit/access/decorators.js';

export enum IdentifierKind {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  DEVICE = 'DEVICE',
  SOCIAL = 'SOCIAL',
  EXTERNAL = 'EXTERNAL',
}
registerEnumType(IdentifierKind, { name: 'IdentifierKind' });

@ObjectType({ description: 'A normalized way to recognise a customer: e-mail (lower-case), phone (E.164), device id…' })
@Entity({ tableName: 'customer_identifier' })
@Unique({ properties: ['kind', 'value'] })
// Serves the e-mail / phone search of customers: prefixes as a range, in byte order (customer.queries.ts).
@Index({
  name: 'customer_identifier_value_prefix_index',
  expression: 'create index "customer_identifier_value_prefix_index" on "customer_identifier" ("value" collate "C")',
})
export class Identifier {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Index()
  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Field(() => IdentifierKind)
  @Enum({ items: () => IdentifierKind, nativeEnumName: 'identifier_kind' })
  kind!: IdentifierKind;

  @PersonalData()
  @Field(() => String, { nullable: true, description: 'The e-mail, phone or other id (personal data: pii:read)' })
  @Property({ type: 'text' })
  value!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
