import { Field, InputType, ObjectType } from 'type-graphql';
import { ArrayMaxSize, Length, ValidateNested } from 'class-validator';
import { UpsertResultType } from '@crm/kit/bulk.js';
import { ConsentChannel, ConsentPurpose, ConsentStatus } from '../consent/consent.entity.js';
import { CustomerKind } from './customer.entity.js';
import { CustomerProfileInput } from './customer.inputs.js';

@InputType({ description: 'A consent decision as a partner knows it: recorded unless it is already the current one' })
export class CustomerConsentInput {
  @Field(() => ConsentPurpose)
  purpose!: ConsentPurpose;

  @Field(() => ConsentChannel)
  channel!: ConsentChannel;

  @Field(() => ConsentStatus)
  status!: ConsentStatus;

  @Field({ description: 'Where it was given, e.g. "dms-import"' })
  @Length(1, 100)
  source!: string;

  @Field({ description: 'Version of the consent text shown, e.g. "v3"' })
  @Length(1, 50)
  textVersion!: string;

  @Field({ nullable: true, description: 'When the customer decided; defaults to now' })
  givenAt?: Date;
}

@InputType({
  description:
    'One customer of a bulk upsert, known by the caller as sourceSystem + externalId (kept as an EXTERNAL identifier "<sourceSystem>:<externalId>"). ' +
    'Profile fields left out stay as they are, null clears them; e-mails, phones and consents are added, never removed',
})
export class UpsertCustomerInput extends CustomerProfileInput {
  @Field({ description: 'The system the record comes from, e.g. "dms"' })
  @Length(1, 50)
  sourceSystem!: string;

  @Field({ description: "The record's id in that system: the key a later upsert finds this customer by" })
  @Length(1, 200)
  externalId!: string;

  @Field(() => CustomerKind, { nullable: true, description: 'PERSON when a new customer is created without it; it cannot change' })
  kind?: CustomerKind | null;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(20)
  emails!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Without a country prefix, numbers are read in DEFAULT_PHONE_COUNTRY' })
  @ArrayMaxSize(20)
  phones!: string[];

  @Field(() => [CustomerConsentInput], { defaultValue: [] })
  @ArrayMaxSize(20)
  @ValidateNested()
  consents!: CustomerConsentInput[];
}

@ObjectType({ description: 'The outcome of upsertCustomers: one entry per item, in input order, and the counts' })
export class UpsertCustomersResult extends UpsertResultType('Customer') {}
