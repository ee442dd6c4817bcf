import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '../../../../kit/base.entity.js';

@ObjectType({ description: 'One move of an opportunity between stages' })
@Entity({ tableName: 'opportunity_stage_change' })
@Index({ properties: ['opportunityId', 'createdAt', 'id'] })
export class StageChange extends BaseEntity {
  @Property({ type: 'uuid' })
  opportunityId!: string;

  /** Null for the stage an opportunity was created in. */
  @Property({ type: 'uuid', nullable: true })
  fromStageId?: string | null;

  @Property({ type: 'uuid' })
  toStageId!: string;

  @Field({ description: 'The id of the viewer who moved it' })
  @Property({ type: 'text' })
  changedBy!: string;

  @Field(() => Date)
  changedAt(): Date {
    return this.createdAt;
  }
}
