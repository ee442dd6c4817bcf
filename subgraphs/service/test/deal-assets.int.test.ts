import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { catalogEvent, opportunitySnapshot, quoteSnapshot } from '../../../tests/helpers/events.js';
import { deliver, outboxOf, outboxTypes } from '../../../tests/helpers/integration.js';
import { Asset, AssetKind } from '../src/modules/asset/asset.entity.js';
import { registerAsset, updateAsset } from '../src/modules/asset/asset.service.js';
import { dealAssets } from '../src/modules/asset/deal-assets.handlers.js';
import { em, orm, useFreshServiceDatabase, write } from './database.js';

// Issue 12, point 4: a deal WON with an accepted quote gives the customer the cars it sold as assets, linked to the
// deal and the quote (sales' side: subgraphs/sales/test/deal-delivery.int.test.ts).

useFreshServiceDatabase();

const products = [
  { productId: randomUUID(), name: 'Kodiaq Sportline', category: 'CAR' },
  { productId: randomUUID(), name: 'Comprehensive cover', category: 'INSURANCE' },
];
const wonWithQuote = (customerId: string, opportunityId: string, quoteId: string) =>
  catalogEvent('OpportunityWon', opportunityId, { ...opportunitySnapshot({ opportunityId, customerId, status: 'WON' }), acceptedQuote: { quoteId, products } });
const acceptedWinning = (customerId: string, opportunityId: string, quoteId: string, opportunityStatus: 'OPEN' | 'WON') =>
  catalogEvent('QuoteAccepted', quoteId, { ...quoteSnapshot({ quoteId, customerId, opportunityId, status: 'ACCEPTED', products }), opportunityStatus });
const assetsOf = (customerId: string) => em().find(Asset, { customerId }, { orderBy: { createdAt: 'asc' } });

describe('a won deal with an accepted quote', () => {
  it('registers the car it sold for the customer, linked to the deal and the quote, once however often it is told', async () => {
    const [customerId, opportunityId, quoteId] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await deliver(orm(), dealAssets, wonWithQuote(customerId, opportunityId, quoteId))).toBe(true);
    const [car, ...more] = await assetsOf(customerId);
    expect(more).toEqual([]); // the insurance is no asset
    expect(car).toMatchObject({ kind: 'VEHICLE', model: 'Kodiaq Sportline', opportunityId, quoteId, identifier: `ORDER-${quoteId.toUpperCase()}-1` });
    const [registered] = await outboxOf(orm(), car!.id);
    expect(registered).toMatchObject({ type: 'AssetRegistered', payload: { customerId, opportunityId, quoteId, model: 'Kodiaq Sportline' } });

    // Told again, and by the quote's own event: nothing new.
    await deliver(orm(), dealAssets, wonWithQuote(customerId, opportunityId, quoteId));
    await deliver(orm(), dealAssets, acceptedWinning(customerId, opportunityId, quoteId, 'WON'));
    expect(await assetsOf(customerId)).toHaveLength(1);
    expect(await outboxTypes(orm(), car!.id)).toEqual(['AssetRegistered']);

    // Delivered months later: the VIN replaces the order identifier.
    const delivered = await write((em) => updateAsset(em, car!.id, car!.version, { identifier: 'tmbjj7ns4r8099999' }));
    expect(delivered).toMatchObject({ identifier: 'TMBJJ7NS4R8099999', opportunityId, quoteId });
  });

  it('links the car registered by hand at delivery (same model, no deal yet) instead of registering another', async () => {
    const [customerId, opportunityId, quoteId] = [randomUUID(), randomUUID(), randomUUID()];
    const byHand = await write((em) =>
      registerAsset(em, { customerId, kind: AssetKind.VEHICLE, identifier: `VIN${randomUUID().slice(0, 14)}`, model: 'kodiaq sportline', mileage: 12 }),
    );
    expect(await deliver(orm(), dealAssets, acceptedWinning(customerId, opportunityId, quoteId, 'WON'))).toBe(true);
    expect((await assetsOf(customerId)).map((a) => [a.id, a.opportunityId, a.quoteId])).toEqual([[byHand.id, opportunityId, quoteId]]);
    const changed = (await outboxOf(orm(), byHand.id)).at(-1);
    expect(changed).toMatchObject({ type: 'AssetChanged', payload: { changedFields: ['opportunityId', 'quoteId'] } });
  });

  it('registers nothing for a quote accepted on a deal still open, nor for a deal won without an accepted quote', async () => {
    const [customerId, opportunityId, quoteId] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await deliver(orm(), dealAssets, acceptedWinning(customerId, opportunityId, quoteId, 'OPEN'))).toBe(false);
    const wonBare = catalogEvent('OpportunityWon', opportunityId, {
      ...opportunitySnapshot({ opportunityId, customerId, status: 'WON' }),
      acceptedQuote: null,
    });
    expect(await deliver(orm(), dealAssets, wonBare)).toBe(false);
    expect(await assetsOf(customerId)).toEqual([]);
  });
});
