import type { EntityManager } from '@mikro-orm/postgresql';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { escapeLike } from '@crm/kit/sql.js';
import { Asset, AssetKind } from './asset.entity.js';
import { recordAssetChanged, recordAssetRegistered } from './asset.service.js';

export interface WonDeal {
  opportunityId: string;
  quoteId: string;
  customerId: string;
  products: ReadonlyArray<{ productId: string; name: string; category: string }>;
}

/** Until the car is delivered and its VIN known (updateAsset), a car a deal ordered is named by the quote and line. */
export const orderIdentifier = (quoteId: string, index: number) => `ORDER-${quoteId}-${index + 1}`.toUpperCase();

/**
 * DOMAIN Story 1 step 10: the cars a won deal's accepted quote sold become the customer's assets, linked to the deal
 * and the quote. Per car: an asset already linked to the deal keeps it (and gets the quote); else the customer's
 * unlinked vehicle of that model (registered by hand at delivery) is linked; else one is registered under its order
 * identifier. Delivered again, nothing changes.
 */
export async function registerDealAssets(em: EntityManager, deal: WonDeal): Promise<Asset[]> {
  const customerId = await liveCustomerId(em, deal.customerId);
  const cars = deal.products.filter((product) => product.category === 'CAR');
  const assets: Asset[] = [];
  for (const [index, car] of cars.entries()) {
    const model = { $ilike: escapeLike(car.name) };
    const linked = await em.findOne(Asset, { opportunityId: deal.opportunityId, model }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const mine =
      linked ?? (await em.findOne(Asset, { customerId, kind: AssetKind.VEHICLE, opportunityId: null, model }, { orderBy: { createdAt: 'desc', id: 'desc' } }));
    if (mine) {
      const changedFields = [...(mine.opportunityId ? [] : ['opportunityId']), ...(mine.quoteId ? [] : ['quoteId'])];
      if (changedFields.length) {
        mine.opportunityId ??= deal.opportunityId;
        mine.quoteId ??= deal.quoteId;
        recordAssetChanged(em, mine, changedFields);
      }
      assets.push(mine);
      continue;
    }
    const asset = em.create(Asset, {
      customerId,
      kind: AssetKind.VEHICLE,
      identifier: orderIdentifier(deal.quoteId, index),
      model: car.name,
      opportunityId: deal.opportunityId,
      quoteId: deal.quoteId,
    });
    recordAssetRegistered(em, asset);
    assets.push(asset);
  }
  await em.flush();
  return assets;
}
