import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';
import { deliveryCounts, deliveryPages } from './webhook.queries.js';

export function createWebhookLoaders(em: EntityManager) {
  return {
    deliveriesByEndpoint: loaderPerArgs<PageArgs, string, Page<WebhookDelivery>>((page, endpointIds) => deliveryPages(em, endpointIds, page)),
    deliveryCountByEndpoint: new DataLoader<string, number>((endpointIds) => deliveryCounts(em, endpointIds)),
  };
}
