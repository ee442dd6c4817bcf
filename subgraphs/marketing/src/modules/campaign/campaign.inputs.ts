import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, Length } from 'class-validator';
import { InteractionChannel } from '../interaction/interaction.entity.js';
import { CampaignStatus } from './campaign.entity.js';

@InputType()
export class CreateCampaignInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => ID) segmentId!: string;
  @Field(() => InteractionChannel) channel!: InteractionChannel;
  @Field() startsAt!: Date;
}

@InputType()
export class ChangeCampaignStatusInput {
  @Field(() => CampaignStatus) status!: CampaignStatus;
}

export enum CampaignOrder {
  NEWEST_FIRST = 'NEWEST_FIRST',
  STARTS_AT = 'STARTS_AT',
}
registerEnumType(CampaignOrder, { name: 'CampaignOrder', valuesConfig: { STARTS_AT: { description: 'Earliest start first' } } });

@InputType()
export class CampaignFilter {
  @Field(() => [CampaignStatus], { nullable: true })
  @ArrayMaxSize(5)
  statuses?: CampaignStatus[] | null;

  @Field(() => ID, { nullable: true }) segmentId?: string | null;
}
