import type { Opt } from '@mikro-orm/core';
import { BeforeCreate, BeforeUpdate, Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { PersonalData } from '@crm/kit/access/decorators.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';
import { LocalDateScalar } from '@crm/kit/scalars.js';

export enum CustomerKind {
  PERSON = 'PERSON',
  ORGANIZATION = 'ORGANIZATION',
}
registerEnumType(CustomerKind, { name: 'CustomerKind' });

export enum CustomerGender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  OTHER = 'OTHER',
  UNDISCLOSED = 'UNDISCLOSED',
}
registerEnumType(CustomerGender, { name: 'CustomerGender' });

export enum CustomerCompanySize {
  MICRO = 'MICRO',
  SMALL = 'SMALL',
  MEDIUM = 'MEDIUM',
  LARGE = 'LARGE',
}
registerEnumType(CustomerCompanySize, {
  name: 'CustomerCompanySize',
  description: 'Employees: MICRO < 10, SMALL < 50, MEDIUM < 250, LARGE 250 and more',
});

/** The name as the list sorts and searches it: lower-case, without diacritics ("Novák" → "novak"). */
export function foldName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();
}

@ObjectType({ description: 'A person or an organization the business deals with: the entity every domain extends' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'customer' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['sortName', 'id'] })
@Index({ properties: ['kind', 'createdAt', 'id'] })
@Index({ properties: ['industry', 'createdAt', 'id'] })
@Index({ properties: ['organizationId', 'sortName', 'id'] })
// Name filters of the list (every match, counted).
@Index({ name: 'customer_sort_name_trgm_index', expression: 'create index "customer_sort_name_trgm_index" on "customer" using gin ("sort_name" gin_trgm_ops)' })
// Search: the names nearest the query first, without reading every match (customer.queries.ts).
@Index({
  name: 'customer_sort_name_nearest_index',
  expression:
    'create index "customer_sort_name_nearest_index" on "customer" using gist ("sort_name" gist_trgm_ops(siglen=256)) where "merged_into_id" is null and "archived_at" is null',
})
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

  @Property({ type: 'text', default: '' })
  sortName!: Opt<string>;

  @PersonalData()
  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'string', columnType: 'date', nullable: true })
  birthDate?: string | null;

  @Field(() => CustomerGender, { nullable: true })
  @Enum({ items: () => CustomerGender, nativeEnumName: 'customer_gender', nullable: true })
  gender?: CustomerGender | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  education?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  occupation?: string | null;

  @Field(() => String, { nullable: true, description: "A person's position, e.g. fleet manager" })
  @Property({ type: 'text', nullable: true })
  jobTitle?: string | null;

  @Field(() => String, { nullable: true, description: "An organization's industry, e.g. car rental" })
  @Property({ type: 'text', nullable: true })
  industry?: string | null;

  @Field(() => CustomerCompanySize, { nullable: true })
  @Enum({ items: () => CustomerCompanySize, nativeEnumName: 'customer_company_size', nullable: true })
  companySize?: CustomerCompanySize | null;

  /** The organization a person works for (read through `organization`). */
  @ManyToOne(() => Customer, { fieldName: 'organization_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  organizationId?: string | null;

  /** Set once merged: the survivor that now holds this customer's identifiers, consents and history. */
  @Index()
  @ManyToOne(() => Customer, { fieldName: 'merged_into_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  mergedIntoId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Archived customers are left out of lists unless asked for' })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  @BeforeCreate()
  @BeforeUpdate()
  refreshSortName(): void {
    this.sortName = foldName(this.displayName());
  }

  @Field(() => String, { description: 'The name to show: the organization name, or first and last name' })
  displayName(): string {
    if (this.kind === CustomerKind.ORGANIZATION) return this.organizationName ?? '';
    return [this.firstName, this.lastName].filter(Boolean).join(' ');
  }
}

// Every column the erasure blanks (privacy.tables.ts) that is not @PersonalData already: the audit log keeps no copy.
redactInAudit(Customer, ['firstName', 'lastName', 'organizationName', 'sortName', 'gender', 'jobTitle', 'occupation', 'education', 'industry']);
