import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver, outboxOf } from '../../../tests/helpers/integration.js';
import { AssetKind } from '../src/modules/asset/asset.entity.js';
import { assetCountsByCustomer } from '../src/modules/asset/asset.queries.js';
import { registerAsset } from '../src/modules/asset/asset.service.js';
import { CaseChannel } from '../src/modules/case/case.enums.js';
import { caseCountsByCustomer } from '../src/modules/case/case.queries.js';
import { getCase, openCase } from '../src/modules/case/case.service.js';
import { contractTierOf, setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { ServiceContract } from '../src/modules/contract/service-contract.entity.js';
import { customerHandlers } from '../src/modules/customer/customer.handlers.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import { messagePagesByCase } from '../src/modules/message/case-message.queries.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { desk, em, orm, useFreshServiceDatabase, write } from './database.js';

// identity's CustomerMerged handled on service's own database. From the bus and identity's mergeCustomers through the
// gateway (dead letters, the survivor's Customer fields): tests/automation-service-merge.e2e.test.ts.

useFreshServiceDatabase();

const [handler] = customerHandlers;
const merge = (survivorId: string, mergedId: string) =>
  deliver(orm(), handler!, catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId, movedIdentifiers: 0 }));

async function customerWithServiceHistory(tier: ServiceContractTier | null) {
  const customerId = randomUUID();
  const opened = await write((em) => openCase(em, { customerId, subject: 'Broken mirror', channel: CaseChannel.EMAIL }));
  await write((em) =>
    addCaseMessage(em, { caseId: opened.id, channel: CaseChannel.EMAIL, direction: CaseMessageDirection.INBOUND, body: 'Mirror fell off.' }, desk),
  );
  const asset = await write((em) =>
    registerAsset(em, { customerId, kind: AssetKind.VEHICLE, identifier: `VIN${randomUUID().slice(0, 14)}`, model: 'Octavia', mileage: 0 }),
  );
  if (tier) await write((em) => setServiceContract(em, { customerId, tier }));
  return { customerId, caseId: opened.id, caseVersion: opened.version, assetId: asset.id };
}

const holdings = async (customerId: string) => [
  (await caseCountsByCustomer(em(), [customerId], null, desk))[0],
  (await assetCountsByCustomer(em(), [customerId]))[0],
  (await em().findOne(ServiceContract, { customerId }))?.tier ?? null,
];

describe('CustomerMerged moves the service records to the survivor', () => {
  it('moves cases, message authors, assets and the contract, once', async () => {
    const survivor = await customerWithServiceHistory(null);
    const merged = await customerWithServiceHistory(ServiceContractTier.PREMIUM);
    expect(await merge(survivor.customerId, merged.customerId)).toBe(true);

    expect(await holdings(survivor.customerId)).toEqual([2, 2, 'PREMIUM']);
    expect(await holdings(merged.customerId)).toEqual([0, 0, null]);
    expect(await contractTierOf(em(), survivor.customerId)).toBe('PREMIUM');
    const moved = await getCase(em(), merged.caseId);
    expect(moved.customerId).toBe(survivor.customerId);
    expect(moved.version).toBe(merged.caseVersion + 1);
    const [messages] = await messagePagesByCase(em(), [merged.caseId], { first: 5 });
    expect(messages!.edges.map((e) => e.node.authorCustomerId)).toEqual([survivor.customerId]);
    const caseChanged = (await outboxOf(orm(), merged.caseId)).filter((e) => e.type === 'CaseChanged');
    expect(caseChanged.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        caseId: merged.caseId,
        customerId: survivor.customerId,
        changedFields: ['customerId'],
        previousCustomerId: merged.customerId,
        status: 'NEW',
      }),
    ]);
    const recordsMerged = () => outboxOf(orm(), survivor.customerId).then((events) => events.filter((e) => e.type === 'CustomerServiceRecordsMerged'));
    expect((await recordsMerged()).map((e) => e.payload)).toEqual([
      expect.objectContaining({ survivorId: survivor.customerId, mergedId: merged.customerId, caseIds: [merged.caseId], assetIds: [merged.assetId] }),
    ]);

    // Redelivery under a new event id: nothing is left to move, nothing is emitted.
    expect(await merge(survivor.customerId, merged.customerId)).toBe(true);
    expect(await recordsMerged()).toHaveLength(1);
    expect((await outboxOf(orm(), merged.caseId)).filter((e) => e.type === 'CaseChanged')).toHaveLength(1);
    expect((await getCase(em(), merged.caseId)).version).toBe(moved.version);
  });

  it("keeps the survivor's own service contract", async () => {
    const survivor = await customerWithServiceHistory(ServiceContractTier.ENTERPRISE);
    const merged = await customerWithServiceHistory(ServiceContractTier.PREMIUM);
    await merge(survivor.customerId, merged.customerId);
    expect(await holdings(survivor.customerId)).toEqual([2, 2, 'ENTERPRISE']);
  });

  it('moves nothing for a customer merged into itself', async () => {
    const alone = await customerWithServiceHistory(ServiceContractTier.PREMIUM);
    expect(await merge(alone.customerId, alone.customerId)).toBe(true);
    expect(await holdings(alone.customerId)).toEqual([1, 1, 'PREMIUM']);
    expect((await getCase(em(), alone.caseId)).version).toBe(alone.caseVersion);
    expect((await outboxOf(orm(), alone.customerId)).filter((e) => e.type === 'CustomerServiceRecordsMerged')).toEqual([]);
  });
});
