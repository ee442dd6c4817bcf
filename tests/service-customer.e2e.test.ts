import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddCaseMessageDocument,
  AssetDocument,
  CreateCustomerDocument,
  CustomerServiceViewDocument,
  CustomersServiceViewDocument,
  OpenCaseDocument,
  RecordServiceVisitDocument,
  RegisterAssetDocument,
  UpdateAssetDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Service's fields on identity's Customer (assets with their visits, cases, the service contract) and the asset API
// through the gateway: money and dates as clients read them, the errors the API gives, and the SQL a page of
// customers costs. Mileage, versions and the asset rules are tested on service's own database
// (subgraphs/service/test/asset.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

async function createCustomer(firstName: string) {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Owner', emails: [`${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

describe('assets through the gateway', () => {
  const financing = {
    provider: 'Škoda Financial Services',
    contractNumber: 'SFS-1',
    monthlyPayment: { amount: '8990.00', currency: 'CZK' },
    endsOn: '2031-05-31',
  };
  const insurance = { provider: 'Kooperativa', policyNumber: 'K-1', type: 'LIABILITY' as const, validUntil: '2027-06-01' };

  it("registers a financed, insured car, records a visit and shows it under the customer's assets", async () => {
    const customerId = await createCustomer('Jan');
    const vin = `TMB${randomUUID().replace(/-/g, '').slice(0, 14)}`.toUpperCase();
    const { registerAsset: car } = await executeOk(url, RegisterAssetDocument, {
      input: { customerId, kind: 'VEHICLE', identifier: vin, model: 'Kodiaq', year: 2026, mileage: 10, financing, insurance },
    });
    expect(car).toMatchObject({ identifier: vin, mileage: 10, financing, insurance });
    const { recordServiceVisit } = await executeOk(url, RecordServiceVisitDocument, {
      input: { assetId: car.id, visitedOn: '2026-10-20', mileage: 15200, workDone: 'First inspection', cost: { amount: '4890', currency: 'CZK' } },
    });
    expect(recordServiceVisit).toMatchObject({ visitedOn: '2026-10-20', cost: { amount: '4890.00', currency: 'CZK' } });

    const { asset } = await executeOk(url, AssetDocument, { id: car.id });
    expect(asset).toMatchObject({ mileage: 15200, customer: { id: customerId } });
    expect(asset.serviceVisits).toMatchObject({
      totalCount: 1,
      edges: [{ node: { mileage: 15200, visitedOn: '2026-10-20', cost: { amount: '4890.00', currency: 'CZK' } } }],
    });
    const { updateAsset } = await executeOk(url, UpdateAssetDocument, {
      id: car.id,
      version: asset.version,
      input: { insurance: { ...insurance, type: 'COMPREHENSIVE' } },
    });
    expect(updateAsset.insurance?.type).toBe('COMPREHENSIVE');

    const { customer: view } = await executeOk(url, CustomerServiceViewDocument, { id: customerId });
    expect(view.assets).toMatchObject({ totalCount: 1, edges: [{ node: { identifier: vin, financing: { monthlyPayment: { amount: '8990.00' } } } }] });
  });

  it('answers refused asset changes with the codes and messages clients read', async () => {
    const customerId = await createCustomer('Refused');
    const input = { customerId, kind: 'VEHICLE' as const, identifier: `DUP${randomUUID().slice(0, 8)}`, model: 'Octavia', mileage: 100 };
    const { registerAsset } = await executeOk(url, RegisterAssetDocument, { input });
    expect(errorCodes(await execute(url, RegisterAssetDocument, { input }))).toEqual(['CONFLICT']);
    const negative = await execute(url, RegisterAssetDocument, {
      input: { ...input, identifier: 'NEG1', financing: { ...financing, monthlyPayment: { amount: '-1.00', currency: 'CZK' } } },
    });
    expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
    const lower = await execute(url, RecordServiceVisitDocument, {
      input: { assetId: registerAsset.id, visitedOn: '2026-11-01', mileage: 50, workDone: 'Tyres', cost: { amount: '100', currency: 'CZK' } },
    });
    expect(errorCodes(lower)).toEqual(['BAD_USER_INPUT']);
    expect(lower.errors?.[0]?.message).toBe('mileage 50 km is lower than the 100 km already recorded for this asset');
    const stale = await execute(url, UpdateAssetDocument, { id: registerAsset.id, version: registerAsset.version - 1, input: { financing: null } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
    expect(errorCodes(await execute(url, AssetDocument, { id: UNKNOWN_ID }))).toEqual(['NOT_FOUND']);
    const visit = await execute(url, RecordServiceVisitDocument, {
      input: { assetId: UNKNOWN_ID, visitedOn: '2026-10-20', mileage: 1, workDone: 'x', cost: { amount: '1', currency: 'CZK' } },
    });
    expect(errorCodes(visit)).toEqual(['NOT_FOUND']);
  });
});

describe('no N+1: SQL statements do not grow with the number of customers', () => {
  beforeAll(async () => {
    for (let i = 0; i < 12; i++) {
      const customerId = await createCustomer('Batch');
      const { openCase } = await executeOk(url, OpenCaseDocument, { input: { customerId, subject: `Air conditioning question ${i}`, channel: 'EMAIL' } });
      await executeOk(url, AddCaseMessageDocument, { input: { caseId: openCase.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Hello' } });
      const { registerAsset } = await executeOk(url, RegisterAssetDocument, {
        input: { customerId, kind: 'VEHICLE', identifier: `BATCH${i}${randomUUID().slice(0, 6)}`, model: 'Fabia', mileage: 0 },
      });
      await executeOk(url, RecordServiceVisitDocument, {
        input: { assetId: registerAsset.id, visitedOn: '2026-09-01', mileage: 1000, workDone: 'Check', cost: { amount: '10', currency: 'EUR' } },
      });
    }
  });

  // The tables each statement reads; the outbox relay polling in the background is not part of the request.
  const SERVICE_TABLES = /\b(support_case|case_message|service_contract|asset|service_visit|knowledge_article)\b/g;
  async function serviceStatements<T>(run: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    await platform.resetSqlLog();
    const result = await run();
    const statements = platform.sql.service.map((sql) => [...new Set(sql.match(SERVICE_TABLES) ?? [])].sort().join('+')).filter(Boolean);
    return { result, statements: statements.sort() };
  }

  it('Customer.cases, assets (with their visits) and serviceContract', async () => {
    const few = await serviceStatements(() => executeOk(url, CustomersServiceViewDocument, { first: 2 }));
    const many = await serviceStatements(() => executeOk(url, CustomersServiceViewDocument, { first: 40 }));
    const withAssets = many.result.customers.edges.filter((e) => (e.node.assets?.totalCount ?? 0) > 0);
    expect(withAssets.length).toBeGreaterThanOrEqual(12);
    expect(withAssets[0]?.node.assets?.edges[0]?.node.serviceVisits.totalCount).toBeGreaterThan(0);
    expect(many.result.customers.edges.filter((e) => (e.node.cases?.totalCount ?? 0) > 0).length).toBeGreaterThanOrEqual(12);
    expect(many.statements).toEqual(few.statements);
    expect(many.statements).toEqual(['asset', 'asset', 'service_contract', 'service_visit', 'service_visit', 'support_case', 'support_case']);
  });
});
