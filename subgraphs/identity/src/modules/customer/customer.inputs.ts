import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';
import { CustomerCompanySize, CustomerGender, CustomerKind } from './customer.entity.js';
import { IdentifierKind } from './identifier.entity.js';
import { LocalDateScalar } from '@crm/kit/scalars.js';

/** Profile fields shared by create, update and resolve: absent = unchanged, null = cleared. */
@InputType({ description: 'Profile fields: a field left out stays as it is, null clears it' })
export class CustomerProfileInput {
  @Field(() => String, { nullable: true })
  @MaxLength(200)
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(300)
  organizationName?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  birthDate?: string | null;

  @Field(() => CustomerGender, { nullable: true })
  gender?: CustomerGender | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  education?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  occupation?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  jobTitle?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  industry?: string | null;

  @Field(() => CustomerCompanySize, { nullable: true })
  companySize?: CustomerCompanySize | null;

  @Field(() => ID, { nullable: true, description: 'The organization a person belongs to' })
  organizationId?: string | null;
}

@InputType()
export class CreateCustomerInput extends CustomerProfileInput {
  @Field(() => CustomerKind, { defaultValue: CustomerKind.PERSON })
  kind!: CustomerKind;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(20)
  emails!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Without a country prefix, numbers are read as Czech' })
  @ArrayMaxSize(20)
  phones!: string[];
}

@InputType()
export class IdentifierInput {
  @Field(() => IdentifierKind)
  kind!: IdentifierKind;

  @Field({ description: 'E-mails are lower-cased, phones written in E.164 (Czech without a prefix), others trimmed' })
  @MaxLength(300)
  value!: string;
}

@InputType()
export class ResolveCustomerProfileInput extends CustomerProfileInput {
  @Field(() => CustomerKind, { defaultValue: CustomerKind.PERSON })
  kind!: CustomerKind;
}

@InputType()
export class ResolveCustomerInput {
  @Field(() => [IdentifierInput], { description: 'What the caller knows: e-mail, phone, device ids… at least one' })
  @ArrayMaxSize(20)
  @ValidateNested()
  identifiers!: IdentifierInput[];

  @Field(() => ResolveCustomerProfileInput, { nullable: true, description: 'Used to create the customer, or to fill blanks of the one found' })
  @ValidateNested()
  profile?: ResolveCustomerProfileInput | null;
}

@InputType()
export class CustomerFilter {
  @Field(() => CustomerKind, { nullable: true })
  kind?: CustomerKind | null;

  @Field(() => String, { nullable: true, description: 'Prefix of a name word, or with pii:read of an e-mail or a phone number' })
  @MaxLength(200)
  search?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  industry?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  includeArchived!: boolean;
}

export enum CustomerOrderField {
  CREATED_AT = 'CREATED_AT',
  NAME = 'NAME',
}
registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });

export enum CustomerOrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(CustomerOrderDirection, { name: 'CustomerOrderDirection' });

@InputType()
export class CustomerOrder {
  @Field(() => CustomerOrderField)
  field!: CustomerOrderField;

  @Field(() => CustomerOrderDirection, { defaultValue: CustomerOrderDirection.ASC })
  direction!: CustomerOrderDirection;
}
