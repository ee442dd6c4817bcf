import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { LocalDateScalar, Money } from '@crm/kit/scalars.js';
import { Pipeline, Stage } from '../pipeline/pipeline.entity.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export enum OpportunityStatus {
  OPEN = 'OPEN',
  WON = 'WON',
  LOST = 'LOST',
}
registerEnumType(OpportunityStatus, { name: 'OpportunityStatus', description: 'Follows the won/lost flags of the current stage' });

@ObjectType({ description: 'A potential sale to a customer, moving through the stages of a pipeline' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'opportunity' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['pipelineId', 'stageId', 'createdAt', 'id'] })
@Index({ properties: ['ownerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt', 'id'] })
// The forecast: a pipeline's open opportunities by expected close date.
@Index({ properties: ['pipelineId', 'status', 'expectedCloseDate'] })
// A partner's key of an opportunity it upserts (upsertOpportunities): one opportunity per key.
@Unique({ properties: ['sourceSystem', 'externalId'] })
export class Opportunity extends BaseEntity {
  @Field(() => String, { nullable: true, description: 'The system a bulk upsert (upsertOpportunities) brought it from' })
  @Property({ type: 'text', nullable: true })
  sourceSystem?: string | null;

  @Field(() => String, { nullable: true, description: "The opportunity's id in sourceSystem: the key upsertOpportunities finds it by" })
  @Property({ type: 'text', nullable: true })
  externalId?: string | null;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Field()
  @Property({ type: 'text' })
  title!: string;

  // Declared relations (their ids only): the foreign keys of Migration20261204130000_foreign_keys, and a flush inserts
  // a new pipeline or stage before the opportunities in it. Pipelines and stages in use cannot be deleted (restrict).
  @ManyToOne(() => Pipeline, { fieldName: 'pipeline_id', mapToPk: true, deleteRule: 'restrict' })
  pipelineId!: string;

  @Index()
  @ManyToOne(() => Stage, { fieldName: 'stage_id', mapToPk: true, deleteRule: 'restrict' })
  stageId!: string;

  @Field(() => OpportunityStatus)
  @Enum({ items: () => OpportunityStatus, nativeEnumName: 'opportunity_status' })
  status: Opt<OpportunityStatus> = OpportunityStatus.OPEN;

  /** Set when a rep knows better than the stage; otherwise the stage's probability applies. */
  @Property({ type: 'integer', nullable: true })
  probabilityOverride?: number | null;

  @Property({ type: 'decimal', precision: 16, scale: 2 })
  amount!: string;

  @Property({ type: 'character', length: 3 })
  currency!: string;

  @Property({ type: 'uuid', nullable: true })
  ownerId?: string | null;

  @Field(() => LocalDateScalar, { nullable: true })
  @Property({ type: 'string', columnType: 'date', nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the owner agreed to contact the customer next (e.g. the call after the first offer)' })
  @Property({ type: 'timestamptz', nullable: true })
  nextContactAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Set when archived; archived opportunities leave lists and summaries' })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  @Field(() => Money, { name: 'amount' })
  money(): Money {
    return { amount: this.amount, currency: this.currency };
  }
}

redactInAudit(Opportunity, ['title']);
