import type { Opt } from '@mikro-orm/core';
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

  @Field(() => [CampaignContent], { description: "What it says, per language; a member gets their language's, else the first" })
  @Property({ type: 'json', default: '[]' })
  content: Opt<CampaignContent[]> = [];

  @Field(() => Date, { nullable: true, description: 'When it started sending: the audience is the segment at that moment' })
  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  /** The last member queued so far (members are queued in batches, in id order). */
  @Property({ type: 'uuid', nullable: true })
  audienceCursor?: string | null;

  @Field(() => Date, { nullable: true, description: 'When every member of the audience had been queued' })
  @Property({ type: 'timestamptz', nullable: true })
  audienceQueuedAt?: Date | null;
}

@ObjectType({ description: 'A Handlebars text (fields: firstName, displayName, rep.name, cars, financing, dealer.name, unsubscribeUrl)' })
export class CampaignContent {
  @Field({ description: 'cs, pl, sk or en' }) language!: string;
  @Field() subject!: string;
  @Field() text!: string;
}

@ObjectType({ description: "Where each of the campaign's messages is (MessageSend statuses)" })
export class CampaignProgress {
  @Field(() => ID) campaignId!: string;
  @Field(() => Int, { description: 'Members the audience had when it was queued' }) audience!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) sending!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) bounced!: number;
  @Field(() => Int) suppressed!: number;
  @Field(() => Int) failed!: number;
}

@ObjectType({ description: "Counted from the interactions that carry the campaign's id; opens, clicks and conversions count people, not repeats" })
export class CampaignMetrics {
  @Field(() => ID) campaignId!: string;
  @Field(() => Int) sent!: number;
  @Field(() => Int) delivered!: number;
  @Field(() => Int) opened!: number;
  @Field(() => Int) clicked!: number;
  @Field(() => Int) converted!: number;
  @Field(() => Int, { description: "People who used a campaign message's unsubscribe link" }) unsubscribed!: number;
}
