import type { EntityManager } from '@mikro-orm/postgresql';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { Asset } from './asset.entity.js';
import { ServiceVisit } from './service-visit.entity.js';

/** Each customer's assets, newest first, one page each, in one statement. */
export async function assetPagesByCustomer(em: EntityManager, customerIds: readonly string[], page: PageArgs): Promise<Array<Page<Asset>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: Asset, orderBy: { property: 'createdAt', descending: true }, parent: { property: 'customerId', ids: customerIds } },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export const assetCountsByCustomer = (em: EntityManager, customerIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: Asset, parent: { property: 'customerId', ids: customerIds } });

/** Each asset's service visits, latest recorded first, one page each, in one statement. */
export async function visitPagesByAsset(em: EntityManager, assetIds: readonly string[], page: PageArgs): Promise<Array<Page<ServiceVisit>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: ServiceVisit, orderBy: { property: 'createdAt', descending: true }, parent: { property: 'assetId', ids: assetIds } },
    page,
  );
  return assetIds.map((id) => pages.get(id)!);
}

export const visitCountsByAsset = (em: EntityManager, assetIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: ServiceVisit, parent: { property: 'assetId', ids: assetIds } });
