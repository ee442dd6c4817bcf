import { Field, ID, InputType, Int } from 'type-graphql';
import { IsEmail, Length, Max, MaxLength, Min } from 'class-validator';
import { LeadSource, LeadStatus } from './lead.entity.js';
import { MoneyInput } from '@crm/kit/scalars.js';

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

@InputType()
export class UpdateLeadStatusInput {
  @Field(() => LeadStatus)
  status!: LeadStatus;

  @Field(() => String, { nullable: true, description: 'Why; required to disqualify' })
  reason?: string | null;
}

@InputType()
export class AssignLeadInput {
  @Field(() => ID, { description: 'The member of staff who takes the lead' })
  ownerId!: string;
}

@InputType()
export class ConvertLeadInput {
  @Field(() => ID, { nullable: true, description: 'The default pipeline when omitted' })
  pipelineId?: string | null;

  @Field(() => MoneyInput, { nullable: true, description: "The product of interest's list price when omitted" })
  amount?: MoneyInput | null;
}
