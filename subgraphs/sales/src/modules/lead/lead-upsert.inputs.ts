import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IsEmail, Length, Max, MaxLength, Min } from 'class-validator';
import { UpsertResultType } from '@crm/kit/bulk.js';
import { LeadSource } from './lead.entity.js';

@InputType({
  description:
    'One lead of a bulk upsert, known by the caller as sourceSystem + externalId. A field left out stays as it is, null clears it; ' +
    'source is needed to create a lead',
})
export class UpsertLeadInput {
  @Field({ description: 'The system the record comes from, e.g. "dms"' })
  @Length(1, 50)
  sourceSystem!: string;

  @Field({ description: "The lead's id in that system: the key a later upsert finds it by" })
  @Length(1, 200)
  externalId!: string;

  @Field(() => LeadSource, { nullable: true })
  source?: LeadSource | null;

  @Field(() => ID, { nullable: true, description: 'The customer the lead is from (a merged id is kept as its survivor)' })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  contactName?: string | null;

  @Field(() => String, { nullable: true })
  @IsEmail({}, { message: 'contactEmail must be an e-mail address' })
  contactEmail?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(50)
  contactPhone?: string | null;

  @Field(() => Date, { nullable: true })
  requestedAppointment?: Date | null;

  @Field(() => String, { nullable: true })
  @MaxLength(500)
  interest?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  region?: string | null;

  @Field(() => Int, { nullable: true })
  @Min(0, { message: 'score must be between 0 and 100' })
  @Max(100, { message: 'score must be between 0 and 100' })
  score?: number | null;

  @Field(() => ID, { nullable: true, description: 'The rep it belongs to (yourself when left out, for a rep)' })
  ownerId?: string | null;
}

@ObjectType({ description: 'The outcome of upsertLeads: one entry per item, in input order, and the counts' })
export class UpsertLeadsResult extends UpsertResultType('Lead') {}
