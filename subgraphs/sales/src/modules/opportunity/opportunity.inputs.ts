import { Field, ID, InputType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Length, ValidateNested } from 'class-validator';
import { MoneyInput } from '../../../../kit/scalars.js';

@InputType()
export class CreateOpportunityInput {
  @Field(() => ID)
  customerId!: string;

  @Field()
  @Length(1, 300, { message: 'title must be between 1 and 300 characters' })
  title!: string;

  @Field({ defaultValue: 'Qualification' })
  @Length(1, 100)
  stage!: string;

  @Field(() => MoneyInput)
  @ValidateNested()
  amount!: MoneyInput;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  expectedCloseDate?: string | null;
}
