import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, MaxLength, ValidateNested } from 'class-validator';

@InputType()
export class CustomerProfileProjectionInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { nullable: true }) @MaxLength(200) city?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(50) gender?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(20) preferredLanguage?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(200) occupation?: string | null;
}

/**
 * Profile facts no domain owns yet (city, language, occupation), fed by the platform's own integrations. Consents and
 * opportunities are never fed here: they come only from identity's and sales' events, in bus order, so no caller can
 * forge a consent that outranks the customer's withdrawal.
 */
@InputType({ description: 'Profile facts for segments that no other domain owns' })
export class MarketingProjectionsInput {
  @Field(() => [CustomerProfileProjectionInput], { defaultValue: [] })
  @ValidateNested()
  @ArrayMaxSize(1000)
  profiles!: CustomerProfileProjectionInput[];
}

@ObjectType()
export class MarketingProjectionsResult {
  @Field(() => Int) profiles!: number;
}
