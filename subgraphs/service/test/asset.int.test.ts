import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { AssetInsuranceType, AssetKind } from '../src/modules/asset/asset.entity.js';
import type { RecordServiceVisitInput, RegisterAssetInput } from '../src/modules/asset/asset.inputs.js';
import { assetCountsByCustomer, assetPagesByCustomer, visitCountsByAsset, visitPagesByAsset } from '../src/modules/asset/asset.queries.js';
import { getAsset, recordServiceVisit, registerAsset, updateAsset } from '../src/modules/asset/asset.service.js';
import { em, orm, useFreshServiceDatabase, write } from './database.js';

// Assets and their service visits on service's own database. Through the gateway: tests/service-customer.e2e.test.ts.

useFreshServiceDatabase();

const financing = {
  provider: 'Škoda Financial Services',
  contractNumber: 'SFS-1',
  monthlyPayment: { amount: '8990.00', currency: 'CZK' },
  endsOn: '2031-05-31',
};
const insurance = { provider: 'Kooperativa', policyNumber: 'K-1', type: AssetInsuranceType.LIABILITY, validUntil: '2027-06-01' };

const register = (input: Partial<RegisterAssetInput> & Pick<RegisterAssetInput, 'customerId'>) =>
  write((em) => registerAsset(em, { kind: AssetKind.VEHICLE, identifier: `VIN${randomUUID().slice(0, 14)}`, model: 'Octavia', mileage: 0, ...input }));
const visit = (input: Partial<RecordServiceVisitInput> & Pick<RecordServiceVisitInput, 'assetId' | 'mileage'>) =>
  write((em) => recordServiceVisit(em, { visitedOn: '2026-10-20', workDone: 'Inspection', cost: { amount: '100', currency: 'CZK' }, ...input }));

describe('assets and service visits', () => {
  it('registers a car with financing and insurance, records visits raising the mileage and updates with a version', async () => {
    const customerId = randomUUID();
    const vin = `tmb${randomUUID().replace(/-/g, '').slice(0, 14)}`;
    const car = await register({ customerId, identifier: vin, model: 'Kodiaq', year: 2026, mileage: 10, financing, insurance });
    expect(car).toMatchObject({ identifier: vin.toUpperCase(), mileage: 10 });
    expect([car.financing(), car.insurance()]).toEqual([financing, insurance]);

    await visit({ assetId: car.id, mileage: 15200, workDone: 'First inspection', cost: { amount: '4890', currency: 'CZK' } });
    const lower = await refusal(visit({ assetId: car.id, visitedOn: '2026-11-01', mileage: 15000, workDone: 'Tyres' }));
    expect(lower).toMatchObject({ code: 'BAD_USER_INPUT', message: 'mileage 15000 km is lower than the 15200 km already recorded for this asset' });

    const asset = await getAsset(em(), car.id);
    expect([asset.mileage, asset.customerId]).toEqual([15200, customerId]);
    expect(await visitCountsByAsset(em(), [car.id])).toEqual([1]);
    const [visits] = await visitPagesByAsset(em(), [car.id], { first: 10 });
    expect(visits!.edges.map((e) => [e.node.mileage, e.node.visitedOn, e.node.cost, e.node.currency])).toEqual([[15200, '2026-10-20', '4890.00', 'CZK']]);

    const updated = await write((em) => updateAsset(em, car.id, asset.version, { insurance: { ...insurance, type: AssetInsuranceType.COMPREHENSIVE } }));
    expect(updated.insurance()?.type).toBe('COMPREHENSIVE');
    expect((await refusal(write((em) => updateAsset(em, car.id, asset.version, { financing: null })))).code).toBe('CONFLICT');

    expect(await assetCountsByCustomer(em(), [customerId])).toEqual([1]);
    const [owned] = await assetPagesByCustomer(em(), [customerId], { first: 10 });
    expect(owned!.edges.map((e) => [e.node.identifier, e.node.financing()?.monthlyPayment.amount])).toEqual([[vin.toUpperCase(), '8990.00']]);
    expect(await outboxTypes(orm(), car.id)).toEqual(['AssetRegistered', 'ServiceVisitRecorded', 'AssetChanged']);
  });

  it('rejects unknown assets, duplicate identifiers and negative payments', async () => {
    const customerId = randomUUID();
    expect((await refusal(getAsset(em(), UNKNOWN_ID))).code).toBe('NOT_FOUND');
    expect((await refusal(visit({ assetId: UNKNOWN_ID, mileage: 1 }))).code).toBe('NOT_FOUND');
    const identifier = `DUP${randomUUID().slice(0, 8)}`;
    await register({ customerId, identifier });
    expect((await refusal(register({ customerId, identifier }))).code).toBe('CONFLICT');
    const negative = await refusal(
      register({ customerId, identifier: 'NEG1', financing: { ...financing, monthlyPayment: { amount: '-1.00', currency: 'CZK' } } }),
    );
    expect(negative).toMatchObject({ code: 'BAD_USER_INPUT', message: 'financing.monthlyPayment must not be negative' });
  });
});
