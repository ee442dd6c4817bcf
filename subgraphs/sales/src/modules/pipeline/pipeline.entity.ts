import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';

/** Named milestones automations can listen for, whatever a dealer calls the stage. */
export enum StageMarker {
  NEW_INQUIRY = 'NEW_INQUIRY',
  TEST_DRIVE = 'TEST_DRIVE',
  FIRST_OFFER_SENT = 'FIRST_OFFER_SENT',
  NEGOTIATION = 'NEGOTIATION',
  ORDERED = 'ORDERED',
  LOST = 'LOST',
}
registerEnumType(StageMarker, { name: 'StageMarker', description: 'A milestone automations can react to' });

@ObjectType({ description: 'An ordered set of stages opportunities move through, configured by data' })
@Entity({ tableName: 'pipeline' })
// At most one default pipeline: opportunities created without one land there.
@Unique({ name: 'pipeline_single_default', expression: 'create unique index "pipeline_single_default" on "pipeline" ("is_default") where "is_default"' })
export class Pipeline extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isDefault: Opt<boolean> = false;
}

@ObjectType('PipelineStage', { description: 'One step of a pipeline; won/lost flags decide the opportunity status' })
@Entity({ tableName: 'pipeline_stage' })
@Index({ properties: ['pipelineId', 'position'] })
export class Stage extends BaseEntity {
  // A declared relation (its id only), so a flush inserts the parent before this row and the foreign key holds.
  @ManyToOne(() => Pipeline, { fieldName: 'pipeline_id', mapToPk: true, deleteRule: 'cascade' })
  pipelineId!: string;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => Int, { description: 'Order within the pipeline, from 0' })
  @Property({ type: 'integer' })
  position!: number;

  @Field(() => Int, { description: 'Chance of winning in percent (0–100)' })
  @Property({ type: 'integer' })
  probability!: number;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isWon: Opt<boolean> = false;

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  isLost: Opt<boolean> = false;

  @Field(() => StageMarker, { nullable: true })
  @Enum({ items: () => StageMarker, nativeEnumName: 'stage_marker', nullable: true })
  marker?: StageMarker | null;
}
