import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Length, Max, Min, ValidateNested } from 'class-validator';
import { UpsertResultType } from '@crm/kit/bulk.js';
import { LocalDateScalar, MoneyInput } from '@crm/kit/scalars.js';

@InputType({
  description:
    'One opportunity of a bulk upsert, known by the caller as sourceSystem + externalId. A field left out stays as it is, null clears a ' +
    'nullable one; customerId, title and amount are needed to create one. Its customer and pipeline never change; a stage other ' +
    'than its current one moves it there, as moveOpportunity does',
})
export class UpsertOpportunityInput {
  @Field({ description: 'The system the record comes from, e.g. "dms"' })
  @Length(1, 50)
  sourceSystem!: string;

  @Field({ description: "The opportunity's id in that system: the key a later upsert finds it by" })
  @Length(1, 200)
  externalId!: string;

  @Field(() => ID, { nullable: true, description: 'The customer it is for (a merged id is kept as its survivor)' })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title?: string | null;

  @Field(() => ID, { nullable: true, description: 'The default pipeline when omitted' })
  pipelineId?: string | null;

  @Field(() => ID, { nullable: true, description: "A stage of its pipeline; the pipeline's first stage for a new one when neither this nor stage is given" })
  stageId?: string | null;

  @Field(() => String, { nullable: true, description: 'A stage of its pipeline by name, as an alternative to stageId' })
  @Length(1, 100)
  stage?: string | null;

  @Field(() => MoneyInput, { nullable: true })
  @ValidateNested()
  amount?: MoneyInput | null;

  @Field(() => ID, { nullable: true, description: 'The rep it belongs to (yourself when left out, for a rep)' })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => Int, { nullable: true, description: "Overrides the stage's probability (0–100); null returns to the stage's" })
  @Min(0, { message: 'probability must be between 0 and 100' })
  @Max(100, { message: 'probability must be between 0 and 100' })
  probability?: number | null;
}

@ObjectType({ description: 'The outcome of upsertOpportunities: one entry per item, in input order, and the counts' })
export class UpsertOpportunitiesResult extends UpsertResultType('Opportunity') {}
