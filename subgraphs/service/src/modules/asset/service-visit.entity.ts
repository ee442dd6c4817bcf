import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Asset } from './asset.entity.js';
import { LocalDateScalar, Money } from '@crm/kit/scalars.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

@ObjectType({ description: 'A visit of an asset to the workshop' })
@Entity({ tableName: 'service_visit' })
@Index({ properties: ['assetId', 'createdAt', 'id'] })
export class ServiceVisit extends BaseEntity {
  // A declared relation (its id only), so a flush inserts the asset before its visits.
  @ManyToOne(() => Asset, { fieldName: 'asset_id', mapToPk: true, deleteRule: 'cascade' })
  assetId!: string;

  @Field(() => LocalDateScalar)
  @Property({ type: 'string', columnType: 'date' })
  visitedOn!: string;

  @Field(() => Int, { description: 'km on the odometer at the visit' })
  @Property({ type: 'integer' })
  mileage!: number;

  @Field()
  @Property({ type: 'text' })
  workDone!: string;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  cost!: string;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Field(() => Money, { name: 'cost' })
  money(): Money {
    return { amount: this.cost, currency: this.currency };
  }
}

redactInAudit(ServiceVisit, ['workDone']);
