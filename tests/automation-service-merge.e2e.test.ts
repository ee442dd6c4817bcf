import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddCaseMessageDocument,
  CaseDetailsDocument,
  CreateCustomerDocument,
  CustomerServiceViewDocument,
  MergeCustomersDocument,
  OpenCaseDocument,
  RegisterAssetDocument,
  SetServiceContractDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';
import { catalogEvent, rawEvent } from './helpers/events.js';

// identity's CustomerMerged reaching service over the bus: the consumer's dead letters and checkpoints, and the
// survivor's service history on the Customer through the gateway, also after identity's own mergeCustomers. What the
// merge moves and keeps is tested on service's own database (subgraphs/service/test/customer.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const serviceSql = <T>(sql: string, params: unknown[]) => platform.subgraphs.service.orm.em.fork().getConnection().execute<T[]>(sql, params);

async function customerWithServiceHistory(firstName: string, tier: 'PREMIUM' | null) {
  const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Merge', emails: [`${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  const { openCase } = await executeOk(url, OpenCaseDocument, {
    input: { customerId: customer.id, subject: `${firstName}'s broken mirror`, channel: 'EMAIL', category: 'GENERAL', priority: 'LOW' },
  });
  await executeOk(url, AddCaseMessageDocument, { input: { caseId: openCase.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Mirror fell off.' } });
  const { registerAsset } = await executeOk(url, RegisterAssetDocument, {
    input: { customerId: customer.id, kind: 'VEHICLE', identifier: `VIN${randomUUID().slice(0, 14)}`, model: 'Octavia' },
  });
  if (tier) await executeOk(url, SetServiceContractDocument, { input: { customerId: customer.id, tier } });
  return { customerId: customer.id, caseId: openCase.id, assetId: registerAsset.id };
}

const serviceView = async (customerId: string) => (await executeOk(url, CustomerServiceViewDocument, { id: customerId })).customer;

/** The fields of one answer are separate statements: wait until all of them see the merge's commit. */
const mergedView = (customerId: string) =>
  eventually(async () => {
    const found = await serviceView(customerId);
    expect([found.cases?.totalCount, found.assets?.totalCount, found.serviceContract?.tier]).toEqual([2, 2, 'PREMIUM']);
    return found;
  });

const processed = async (eventId: string) => {
  const rows = await serviceSql<{ n: string }>("select count(*) as n from processed_event where consumer = 'service.customerMerged' and event_id = ?", [
    eventId,
  ]);
  expect(Number(rows[0]!.n)).toBe(1);
};

describe("CustomerMerged moves the merged customer's service history to the survivor", () => {
  it('applies a published CustomerMerged and passes over unusable ones, dead-lettering one that breaks the contract', async () => {
    const survivor = await customerWithServiceHistory('Survivor', null);
    const merged = await customerWithServiceHistory('Merged', 'PREMIUM');
    // As identity would publish them; the test's own checkpoint key keeps them apart from the real relay's.
    const customerMerged = (survivorId: string, mergedId: string) => catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId, movedIdentifiers: 0 });
    // One breaks the contract (a dead letter), one keeps it but merges a customer into itself (nothing to do).
    const broken = rawEvent('identity', 'CustomerMerged', merged.customerId, { survivorId: 'not-a-uuid', mergedId: merged.customerId, movedIdentifiers: 0 });
    const intoItself = customerMerged(survivor.customerId, survivor.customerId);
    await platform.bus.publish(`test-${randomUUID().slice(0, 8)}`, [broken, intoItself, customerMerged(survivor.customerId, merged.customerId)], '1');

    const view = await mergedView(survivor.customerId);
    expect(view.cases?.edges.map((e) => e.node.id).sort()).toEqual([survivor.caseId, merged.caseId].sort());
    expect(view.assets?.edges.map((e) => e.node.id).sort()).toEqual([survivor.assetId, merged.assetId].sort());
    const left = await serviceView(merged.customerId);
    expect([left.cases?.totalCount, left.assets?.totalCount, left.serviceContract]).toEqual([0, 0, null]);
    const { case: movedCase } = await executeOk(url, CaseDetailsDocument, { id: merged.caseId, messagesFirst: 5 });
    expect(movedCase.customer.id).toBe(survivor.customerId);
    expect(movedCase.messages.edges.map((e) => e.node.authorCustomer?.id)).toEqual([survivor.customerId]);

    await processed(intoItself.id);
    const letters = await serviceSql<{ reason: string }>("select reason from dead_letter where consumer = 'service.customerMerged' and event_id = ?", [
      broken.id,
    ]);
    expect(letters).toEqual([{ reason: expect.stringMatching(/^CustomerMerged survivorId: Invalid GUID/) }]);
  });

  it("follows identity's mergeCustomers end to end", async () => {
    const survivor = await customerWithServiceHistory('Keeper', null);
    const merged = await customerWithServiceHistory('Duplicate', 'PREMIUM');
    await executeOk(url, MergeCustomersDocument, { survivorId: survivor.customerId, mergedId: merged.customerId });
    await mergedView(survivor.customerId);
    const { case: movedCase } = await executeOk(url, CaseDetailsDocument, { id: merged.caseId, messagesFirst: 5 });
    expect(movedCase.customer.id).toBe(survivor.customerId);
  });
});
