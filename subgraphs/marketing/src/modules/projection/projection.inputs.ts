import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, Length, MaxLength, ValidateNested } from 'class-validator';

@InputType()
export class CustomerProfileProjectionInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => String, { nullable: true }) @MaxLength(200) city?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(50) gender?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(20) preferredLanguage?: string | null;
  @Field(() => String, { nullable: true }) @MaxLength(200) occupation?: string | null;
}

@InputType()
export class ConsentStateProjectionInput {
  @Field(() => ID)
  customerId!: string;

  @Field({ description: 'e.g. "marketing-email"' })
  @Length(1, 100)
  purpose!: string;

  @Field(() => String, { nullable: true, description: 'e.g. EMAIL; defaults to ANY (every channel without its own decision)' })
  @MaxLength(20)
  channel?: string | null;

  @Field()
  granted!: boolean;

  @Field({ nullable: true, description: 'When the consent changed; an older change never overwrites a newer one. Defaults to now' })
  changedAt?: Date;
}

@InputType()
export class OpportunityStateProjectionInput {
  @Field(() => ID)
  opportunityId!: string;

  @Field(() => ID)
  customerId!: string;

  @Field()
  isOpen!: boolean;

  @Field({ nullable: true, description: 'Defaults to now; an older change never overwrites a newer one' })
  changedAt?: Date;
}

@InputType({ description: "Facts other domains own, copied into marketing for segments (until their events feed them)" })
export class MarketingProjectionsInput {
  @Field(() => [CustomerProfileProjectionInput], { defaultValue: [] })
  @ValidateNested() @ArrayMaxSize(1000)
  profiles!: CustomerProfileProjectionInput[];

  @Field(() => [ConsentStateProjectionInput], { defaultValue: [] })
  @ValidateNested() @ArrayMaxSize(1000)
  consents!: ConsentStateProjectionInput[];

  @Field(() => [OpportunityStateProjectionInput], { defaultValue: [] })
  @ValidateNested() @ArrayMaxSize(1000)
  opportunities!: OpportunityStateProjectionInput[];
}

@ObjectType()
export class MarketingProjectionsResult {
  @Field(() => Int) profiles!: number;
  @Field(() => Int) consents!: number;
  @Field(() => Int) opportunities!: number;
}
