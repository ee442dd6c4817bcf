import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignMetrics, CampaignProgress } from './campaign.entity.js';
import { campaignMetrics } from './campaign.queries.js';
import { campaignProgress } from './campaign.sending.js';

export function createCampaignLoaders(em: EntityManager) {
  return {
    campaignMetrics: new DataLoader<string, CampaignMetrics>((ids) => campaignMetrics(em, ids)),
    campaignProgress: new DataLoader<string, CampaignProgress>((ids) => campaignProgress(em, ids)),
  };
}
