import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, Length, Max, MaxLength, Min } from 'class-validator';
import { ProductCategory } from '../product/product.entity.js';

@InputType()
export class CreateLeadRoutingRuleInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'e.g. "Praha" matches "Praha 5"' })
  @MaxLength(200)
  regionPrefix?: string | null;

  @Field(() => ProductCategory, { nullable: true })
  productCategory?: ProductCategory | null;

  @Field(() => [ID])
  @ArrayMinSize(1, { message: 'Name at least one candidate rep' })
  @ArrayMaxSize(50)
  candidateUserIds!: string[];

  @Field(() => Int, { nullable: true })
  @Min(1, { message: 'capacityPerRep must be between 1 and 1000' })
  @Max(1000, { message: 'capacityPerRep must be between 1 and 1000' })
  capacityPerRep?: number | null;

  @Field(() => Int, { defaultValue: 0 })
  @Min(-1000)
  @Max(1000)
  priority!: number;
}
