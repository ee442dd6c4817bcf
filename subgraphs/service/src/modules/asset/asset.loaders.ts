import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import type { Asset } from './asset.entity.js';
import { assetCountsByCustomer, assetPagesByCustomer, visitCountsByAsset, visitPagesByAsset } from './asset.queries.js';
import type { ServiceVisit } from './service-visit.entity.js';

export function createAssetLoaders(em: EntityManager) {
  return {
    assetPagesByCustomer: loaderPerArgs<PageArgs, string, Page<Asset>>((page, customerIds) => assetPagesByCustomer(em, customerIds, page)),
    assetCountByCustomer: loaderPerArgs<null, string, number>((_, customerIds) => assetCountsByCustomer(em, customerIds)),
    visitPagesByAsset: loaderPerArgs<PageArgs, string, Page<ServiceVisit>>((page, assetIds) => visitPagesByAsset(em, assetIds, page)),
    visitCountByAsset: loaderPerArgs<null, string, number>((_, assetIds) => visitCountsByAsset(em, assetIds)),
  };
}
