import { Field, InputType } from 'type-graphql';
import { Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MoneyInput } from '@crm/kit/scalars.js';
import { ProductCategory } from './product.entity.js';

@InputType()
export class CreateProductInput {
  @Field()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'sku must be 1–64 letters, digits, dots, dashes or underscores' })
  sku!: string;

  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => ProductCategory)
  category!: ProductCategory;

  @Field(() => MoneyInput)
  @ValidateNested()
  listPrice!: MoneyInput;

  @Field({ defaultValue: true })
  active!: boolean;
}

@InputType()
export class UpdateProductInput {
  @Field(() => String, { nullable: true })
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name?: string;

  @Field(() => MoneyInput, { nullable: true })
  @ValidateNested()
  listPrice?: MoneyInput;

  @Field(() => Boolean, { nullable: true })
  active?: boolean;
}

@InputType()
export class ProductFilter {
  @Field(() => [ProductCategory], { nullable: true })
  categories?: ProductCategory[] | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Words the name or sku starts with' })
  @MaxLength(200)
  search?: string | null;
}
