import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { BaseEntity } from '../../../../kit/base.entity.js';
import { Money } from '../../../../kit/scalars.js';

@ObjectType({ description: 'A potential sale to a customer, moving through the stages of a pipeline' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'opportunity' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
export class Opportunity extends BaseEntity {
  @Property({ type: 'uuid' })
  customerId!: string;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  @Field()
  @Property({ type: 'text' })
  stage!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  amount!: string;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Index()
  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateResolver, { nullable: true })
  @Property({ type: 'string', columnType: 'date', nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => Money, { name: 'amount' })
  money(): Money {
    return { amount: this.amount, currency: this.currency };
  }
}
