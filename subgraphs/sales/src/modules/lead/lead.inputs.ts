import { Field, ID, InputType, Int } from 'type-graphql';
import { IsEmail, Length, Max, MaxLength, Min } from 'class-validator';
import { LeadSource, LeadStatus } from './lead.entity.js';

@InputType()
export class CreateLeadInput {
  @Field(() => LeadSource)
  source!: LeadSource;

  @Field(() => ID, { nullable: true, description: 'The customer identity matched or created for this person' })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @Length(1, 200, { message: 'contactName must be between 1 and 200 characters' })
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

  @Field(() => ID, { nullable: true })
  interestProductId?: string | null;

  @Field(() => Int, { defaultValue: 0 })
  @Min(0, { message: 'score must be between 0 and 100' })
  @Max(100, { message: 'score must be between 0 and 100' })
  score!: number;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;
}

@InputType()
export class LeadFilter {
  @Field(() => [LeadStatus], { nullable: true })
  statuses?: LeadStatus[] | null;

  @Field(() => [ID], { nullable: true })
  ownerIds?: string[] | null;
}
