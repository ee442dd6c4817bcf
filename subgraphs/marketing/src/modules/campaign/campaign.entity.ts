import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { InteractionChannel } from '../interaction/interaction.enums.js';
import { Segment } from '../segment/segment.entity.js';

export enum CampaignStatus {
  DRAFT = 'DRAFT',
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(CampaignStatus, { name: 'CampaignStatus' });

@ObjectType()
@Entity({ tableName: 'campaign' })
@Index({ properties: ['status', 'createdAt', 'id'] })
@Index({ properties: ['status', 'startsAt', 'id'] })
@Index({ properties: ['segmentId'] })
export class Campaign extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  // A declared relation (its id only): a campaign's audience cannot vanish under it (restrict; segments are archived).
  @ManyToOne(() => Segment, { fieldName: 'segment_id', mapToPk: true, deleteRule: 'restrict' })
  segmentId!: string;

  @Field(() => InteractionChannel)
  @Enum({ items: () => InteractionChannel })
  channel!: InteractionChannel;

  @Field({ description: 'When sending starts' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => CampaignStatus)
  @Enum({ items: () => CampaignStatus, nativeEnumName: 'campaign_status' })
  status!: CampaignStatus;
}

@ObjectType({ description: "Counted from the interactions that carry the campaign's id; opens, clicks and conversions count people, not repeats" })
export class CampaignMetrics {
  @Field(() => ID) campaignId!: string;
  @Field(() => Int) sent!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) opened!: number;
  @Field(() => Int) clicked!: number;
  @Field(() => Int) converted!: number;
}
