import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsIn, Length, ValidateNested } from 'class-validator';
import { InteractionChannel } from '../interaction/interaction.entity.js';
import { CampaignStatus } from './campaign.entity.js';

@InputType()
export class CampaignContentInput {
  @Field({ description: 'cs, pl, sk or en' })
  @IsIn(['cs', 'pl', 'sk', 'en'], { message: 'language must be one of cs, pl, sk, en' })
  language!: string;

  @Field()
  @Length(1, 200, { message: 'subject must be between 1 and 200 characters' })
  subject!: string;

  @Field({ description: 'Handlebars: {{firstName}}, {{#each cars}}…{{/each}}, {{rep.name}}, {{unsubscribeUrl}}' })
  @Length(1, 20_000, { message: 'text must be between 1 and 20,000 characters' })
  text!: string;
}

@InputType()
export class CreateCampaignInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => ID) segmentId!: string;
  @Field(() => InteractionChannel, { description: 'EMAIL, SMS or PUSH to send; other channels only record' }) channel!: InteractionChannel;
  @Field({ description: 'A SCHEDULED campaign starts sending then' }) startsAt!: Date;

  @Field(() => [CampaignContentInput], { nullable: true, description: 'Needed before it can start' })
  @ArrayMaxSize(4)
  @ValidateNested()
  content?: CampaignContentInput[] | null;
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
