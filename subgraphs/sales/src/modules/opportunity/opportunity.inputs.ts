import { Field, ID, InputType, Int } from 'type-graphql';
import { Length, Max, Min, ValidateNested } from 'class-validator';
import { LocalDateScalar, MoneyInput } from '@crm/kit/scalars.js';
import { OpportunityStatus } from './opportunity.entity.js';

@InputType()
export class CreateOpportunityInput {
  @Field(() => ID)
  customerId!: string;

  @Field()
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title!: string;

  @Field(() => ID, { nullable: true, description: 'The default pipeline when omitted' })
  pipelineId?: string | null;

  @Field(() => ID, { nullable: true, description: "The pipeline's first stage when neither stageId nor stage is given" })
  stageId?: string | null;

  @Field(() => String, { nullable: true, description: 'A stage of the pipeline by name, as an alternative to stageId' })
  @Length(1, 100)
  stage?: string | null;

  @Field(() => MoneyInput)
  @ValidateNested()
  amount!: MoneyInput;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => Int, { nullable: true, description: "Overrides the stage's probability (0–100)" })
  @Min(0, { message: 'probability must be between 0 and 100' })
  @Max(100, { message: 'probability must be between 0 and 100' })
  probability?: number | null;
}

/** Omitted fields stay as they are; null clears a nullable one. */
@InputType()
export class UpdateOpportunityInput {
  @Field(() => String, { nullable: true })
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title?: string;

  @Field(() => MoneyInput, { nullable: true })
  @ValidateNested()
  amount?: MoneyInput;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => Int, { nullable: true, description: "null returns to the stage's probability" })
  @Min(0, { message: 'probability must be between 0 and 100' })
  @Max(100, { message: 'probability must be between 0 and 100' })
  probability?: number | null;
}

@InputType()
export class OpportunityFilter {
  @Field(() => ID, { nullable: true })
  pipelineId?: string | null;

  @Field(() => [ID], { nullable: true })
  stageIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  ownerIds?: string[] | null;

  @Field(() => [OpportunityStatus], { nullable: true })
  statuses?: OpportunityStatus[] | null;

  @Field({ defaultValue: false })
  includeArchived!: boolean;
}

@InputType()
export class MoveOpportunityInput {
  @Field(() => ID, { description: 'A stage of its pipeline' })
  stageId!: string;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the owner agreed to contact the customer next; a stage marked FIRST_OFFER_SENT plans the call then (when omitted: 3 days later at 10:00 in the dealer's time zone, DEALER_TIME_ZONE)",
  })
  followUpAt?: Date | null;
}
