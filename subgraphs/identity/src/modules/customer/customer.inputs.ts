import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { CustomerKind } from './customer.entity.js';

@InputType()
export class CreateCustomerInput {
  @Field(() => CustomerKind, { defaultValue: CustomerKind.PERSON })
  kind!: CustomerKind;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(300)
  organizationName?: string | null;

  @Field(() => [String], { defaultValue: [] })
  @ArrayMaxSize(20)
  emails!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Without a country prefix, numbers are read as Czech' })
  @ArrayMaxSize(20)
  phones!: string[];
}
