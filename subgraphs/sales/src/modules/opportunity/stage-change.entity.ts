import { Entity, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Opportunity } from './opportunity.entity.js';
import { Stage } from '../pipeline/pipeline.entity.js';

@ObjectType({ description: 'One move of an opportunity between stages' })
@Entity({ tableName: 'opportunity_stage_change' })
@Index({ properties: ['opportunityId', 'createdAt', 'id'] })
export class StageChange extends BaseEntity {
  // A declared relation (its id only), so a flush inserts the opportunity before its first stage change.
  @ManyToOne(() => Opportunity, { fieldName: 'opportunity_id', mapToPk: true, deleteRule: 'cascade' })
  opportunityId!: string;

  /** Null for the stage an opportunity was created in. The history keeps naming its stages: they cannot be deleted. */
  @Index({ name: 'opportunity_stage_change_from_stage_id_index' })
  @ManyToOne(() => Stage, { fieldName: 'from_stage_id', mapToPk: true, nullable: true, deleteRule: 'restrict' })
  fromStageId?: string | null;

  @Index({ name: 'opportunity_stage_change_to_stage_id_index' })
  @ManyToOne(() => Stage, { fieldName: 'to_stage_id', mapToPk: true, deleteRule: 'restrict' })
  toStageId!: string;

  @Field({ description: 'The id of the viewer who moved it' })
  @Property({ type: 'text' })
  changedBy!: string;

  @Field(() => Date)
  changedAt(): Date {
    return this.createdAt;
  }
}
