import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { ProductCategory } from '../product/product.entity.js';

@ObjectType({ description: 'Which reps get which leads: by region prefix and/or product category, tried by priority' })
@Entity({ tableName: 'lead_routing_rule' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['active', 'priority'] })
export class LeadRoutingRule extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Matches a lead whose region starts with it (case-insensitive); null matches any region' })
  @Property({ type: 'text', nullable: true })
  regionPrefix?: string | null;

  @Field(() => ProductCategory, { nullable: true, description: 'Matches a lead whose product of interest is of this category; null matches any' })
  @Enum({ items: () => ProductCategory, nativeEnumName: 'product_category', nullable: true })
  productCategory?: ProductCategory | null;

  @Field(() => [ID], { description: 'The reps who may get the lead; the one with the most free capacity does' })
  @Property({ type: 'string[]', columnType: 'uuid[]' })
  candidateUserIds!: string[];

  @Field(() => Int, { nullable: true, description: 'Open leads a rep may hold under this rule; the default capacity when null' })
  @Property({ type: 'integer', nullable: true })
  capacityPerRep?: number | null;

  @Field(() => Int, { description: 'Higher is tried first' })
  @Property({ type: 'integer' })
  priority: Opt<number> = 0;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;
}
