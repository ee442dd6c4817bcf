import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Asset } from './asset.entity.js';
import { ServiceVisit } from './service-visit.entity.js';

export function createAssetLoaders(em: EntityManager) {
  return {
    assetPagesByCustomer: loaderPerArgs<PageArgs, string, Page<Asset>>(async (page, customerIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Asset,
          table: 'asset',
          orderBy: { column: 'created_at', property: 'createdAt', descending: true },
          parent: { column: 'customer_id', ids: customerIds },
        },
        page,
      );
      return customerIds.map((id) => pages.get(id)!);
    }),
    assetCountByCustomer: loaderPerArgs<null, string, number>((_, customerIds) =>
      countByParent(em, { table: 'asset', parentColumn: 'customer_id', ids: customerIds }),
    ),
    visitPagesByAsset: loaderPerArgs<PageArgs, string, Page<ServiceVisit>>(async (page, assetIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: ServiceVisit,
          table: 'service_visit',
          orderBy: { column: 'created_at', property: 'createdAt', descending: true },
          parent: { column: 'asset_id', ids: assetIds },
        },
        page,
      );
      return assetIds.map((id) => pages.get(id)!);
    }),
    visitCountByAsset: loaderPerArgs<null, string, number>((_, assetIds) =>
      countByParent(em, { table: 'service_visit', parentColumn: 'asset_id', ids: assetIds }),
    ),
  };
}
