import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CampaignMetrics } from './campaign.entity.js';
import { campaignMetrics } from './campaign.queries.js';

export function createCampaignLoaders(em: EntityManager) {
  return {
    campaignMetrics: new DataLoader<string, CampaignMetrics>((ids) => campaignMetrics(em, ids)),
  };
}
