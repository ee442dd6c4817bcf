import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Money } from '@crm/kit/scalars.js';

export enum ProductCategory {
  CAR = 'CAR',
  INSURANCE = 'INSURANCE',
  SERVICE_PACKAGE = 'SERVICE_PACKAGE',
  ACCESSORY = 'ACCESSORY',
}
registerEnumType(ProductCategory, { name: 'ProductCategory' });

/** The text search matches against; the index below is on exactly this expression. */
export const PRODUCT_SEARCH_VECTOR = `to_tsvector('simple', name || ' ' || sku)`;

@ObjectType({ description: 'Something the dealer sells: a car model, an insurance, a service package' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'product' })
@Index({ properties: ['category', 'active', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ name: 'product_search_index', expression: `create index "product_search_index" on "product" using gin (${PRODUCT_SEARCH_VECTOR})` })
export class Product extends BaseEntity {
  @Field()
  @Unique()
  @Property({ type: 'text' })
  sku!: string;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => ProductCategory)
  @Enum({ items: () => ProductCategory, nativeEnumName: 'product_category' })
  category!: ProductCategory;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  listPriceAmount!: string;

  @Property({ type: 'character', length: 3 })
  listPriceCurrency!: string;

  @Field(() => Boolean, { description: 'Inactive products stay on old quotes but cannot be quoted again' })
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;

  @Field(() => Money, { name: 'listPrice' })
  listPrice(): Money {
    return { amount: this.listPriceAmount, currency: this.listPriceCurrency };
  }
}
