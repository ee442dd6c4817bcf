import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchCountedPage, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import { ownedBy } from './webhook.service.js';

/** The endpoints the viewer may manage (a partner's key: its own), newest first. */
export function webhookEndpointsPage(em: EntityManager, viewer: Viewer, page: PageArgs): Promise<CountedPage<WebhookEndpoint>> {
  const owner = ownedBy(viewer);
  const where = owner ? { sql: 't.owner_id = ?', params: [owner] } : undefined;
  return fetchCountedPage(em, { entity: WebhookEndpoint, orderBy: { property: 'createdAt', descending: true }, where }, page);
}

/** Each endpoint's delivery log, newest first, cut per endpoint in one statement. */
export async function deliveryPages(em: EntityManager, endpointIds: readonly string[], page: PageArgs): Promise<Array<Page<WebhookDelivery>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: WebhookDelivery, orderBy: { property: 'sequence', descending: true }, parent: { property: 'endpointId', ids: endpointIds } },
    page,
  );
  return endpointIds.map((id) => pages.get(id)!);
}

export const deliveryCounts = (em: EntityManager, endpointIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: WebhookDelivery, parent: { property: 'endpointId', ids: endpointIds } });
