import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Segment } from '../segment/segment.entity.js';
import { Campaign, CampaignMetrics, CampaignProgress } from './campaign.entity.js';
import { CampaignFilter, CampaignOrder, ChangeCampaignStatusInput, CreateCampaignInput } from './campaign.inputs.js';
import { campaignsPage } from './campaign.queries.js';
import * as campaigns from './campaign.service.js';
import { Allow } from '@crm/kit/access/decorators.js';

@ObjectType()
export class CampaignConnection extends ConnectionType(Campaign) {}

@Resolver(() => Campaign)
export class CampaignResolver {
  @Allow('marketing:read')
  @Query(() => Campaign, { description: 'A campaign by id; NOT_FOUND when there is none' })
  campaign(@Arg('id', () => ID) id: string, @Ctx() { em }: MarketingContext): Promise<Campaign> {
    return campaigns.getCampaign(em, id);
  }

  @Allow('marketing:read')
  @Query(() => CampaignConnection)
  async campaigns(
    @Args() page: PageArgs,
    @Arg('filter', () => CampaignFilter, { nullable: true }) filter: CampaignFilter | null,
    @Arg('orderBy', () => CampaignOrder, { defaultValue: CampaignOrder.NEWEST_FIRST }) orderBy: CampaignOrder,
    @Ctx() { em }: MarketingContext,
  ): Promise<CampaignConnection> {
    return connectionOf(CampaignConnection, await campaignsPage(em, filter, orderBy, page));
  }

  @Allow('marketing:write')
  @Mutation(() => Campaign, { description: 'A new campaign in DRAFT' })
  createCampaign(@Arg('input') input: CreateCampaignInput, @Ctx() { em }: MarketingContext): Promise<Campaign> {
    return campaigns.createCampaign(em, input);
  }

  @Allow('marketing:write')
  @Mutation(() => Campaign, { description: 'DRAFT → SCHEDULED → RUNNING → COMPLETED, or CANCELLED; other moves fail with CONFLICT' })
  changeCampaignStatus(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: ChangeCampaignStatusInput,
    @Ctx() { em }: MarketingContext,
  ): Promise<Campaign> {
    return campaigns.changeCampaignStatus(em, id, version, input);
  }

  @FieldResolver(() => Segment, { nullable: true })
  segment(@Root() campaign: Campaign, @Ctx() { loaders }: MarketingContext): Promise<Segment | null> {
    return loaders.segmentById.load(campaign.segmentId);
  }

  @FieldResolver(() => CampaignProgress, { description: 'Where its messages are: queued, sent, suppressed, failed…' })
  progress(@Root() campaign: Campaign, @Ctx() { loaders }: MarketingContext): Promise<CampaignProgress> {
    return loaders.campaignProgress.load(campaign.id);
  }

  @FieldResolver(() => CampaignMetrics)
  metrics(@Root() campaign: Campaign, @Ctx() { loaders }: MarketingContext): Promise<CampaignMetrics> {
    return loaders.campaignMetrics.load(campaign.id);
  }
}
