import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddCaseMessageDocument,
  AssignCaseDocument,
  CaseDetailsDocument,
  ChangeCaseStatusDocument,
  CreateCustomerDocument,
  CustomerServiceViewDocument,
  EscalateCaseDocument,
  MergeCustomersDocument,
  OpenCaseDocument,
  RegisterAssetDocument,
  SetServiceContractDocument,
  UpdateCaseDocument,
  type OpenCaseInput,
  type ServiceContractTier,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { flagCasesAtRisk } from '../subgraphs/service/src/modules/sla/sla-risk.service.js';
import { service } from '../subgraphs/service/src/app.js';
import { DEMO } from '@crm/demo/ids.js';
import { createLogger } from '@crm/kit/logger.js';
import { eventually } from './helpers/eventually.js';
import { catalogEvent, rawEvent } from './helpers/events.js';

// The SLA job started by the service definition checks often here, so a test can watch it work.
process.env.SLA_CHECK_INTERVAL_MS = '200';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const MINUTE = 60_000;
type Payload = Record<string, unknown>;

async function createCustomer(firstName: string) {
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Automation', emails: [`${firstName.toLowerCase()}.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  return createCustomer;
}

async function openCase(input: Partial<OpenCaseInput> & { customerId: string }) {
  const { openCase: opened } = await executeOk(platform.gatewayUrl, OpenCaseDocument, {
    input: { subject: 'Question about my car', channel: 'EMAIL', category: 'GENERAL', priority: 'LOW', ...input },
  });
  return opened;
}

async function eventsOf(aggregateId: string, type?: string): Promise<Array<{ type: string; payload: Payload }>> {
  const rows = await platform.subgraphs.service.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ type: string; payload: Payload }>>('select type, payload from outbox_event where aggregate_id = ? order by position', [aggregateId]);
  return type ? rows.filter((row) => row.type === type) : rows;
}

const serviceEm = () => platform.subgraphs.service.orm.em.fork();
const at = (iso: string, minutesOffset: number) => new Date(new Date(iso).getTime() + minutesOffset * MINUTE);

describe('case events carry the case snapshot', () => {
  it('puts { caseId, customerId, status, priority, line, category, assigneeId, channel } on every Case* event', async () => {
    const customer = await createCustomer('Snapshot');
    const opened = await openCase({ customerId: customer.id, channel: 'SOCIAL', category: 'COMPLAINT', priority: 'NORMAL' });
    const changed = (await executeOk(platform.gatewayUrl, UpdateCaseDocument, { input: { id: opened.id, version: opened.version, priority: 'HIGH' } }))
      .updateCase;
    const moved = (await executeOk(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: opened.id, version: changed.version, status: 'OPEN' } }))
      .changeCaseStatus;
    const agent = randomUUID();
    const assigned = (await executeOk(platform.gatewayUrl, AssignCaseDocument, { input: { id: opened.id, version: moved.version, assigneeId: agent } }))
      .assignCase;
    await executeOk(platform.gatewayUrl, EscalateCaseDocument, { input: { id: opened.id, version: assigned.version, reason: 'Needs a specialist' } });
    const longBody = `${'Still warm air. '.repeat(40)}😀 end`;
    const { addCaseMessage: message } = await executeOk(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: opened.id, channel: 'CHAT', direction: 'INBOUND', body: longBody },
    });

    const base = { caseId: opened.id, customerId: customer.id, category: 'COMPLAINT', channel: 'SOCIAL' };
    const events = await eventsOf(opened.id);
    const byType = (type: string) => events.find((e) => e.type === type)?.payload;
    expect(byType('CaseOpened')).toMatchObject({ ...base, status: 'NEW', priority: 'NORMAL', line: 'FIRST', assigneeId: null });
    expect(byType('CaseChanged')).toMatchObject({
      ...base,
      status: 'NEW',
      priority: 'HIGH',
      changedFields: ['priority'],
      firstResponseDueAt: changed.firstResponseDueAt,
    });
    expect(byType('CaseStatusChanged')).toMatchObject({ ...base, status: 'OPEN', priority: 'HIGH', from: 'NEW', to: 'OPEN' });
    expect(byType('CaseAssigned')).toMatchObject({ ...base, status: 'OPEN', assigneeId: agent, previousAssigneeId: null, line: 'FIRST' });
    expect(byType('CaseEscalated')).toMatchObject({ ...base, line: 'SECOND', assigneeId: agent, reason: 'Needs a specialist' });
    const added = byType('CaseMessageAdded');
    expect(added).toMatchObject({
      caseId: opened.id,
      customerId: customer.id,
      status: 'OPEN',
      priority: 'HIGH',
      line: 'SECOND',
      assigneeId: agent,
      messageId: message.id,
      // The case's channel, as in every Case* event; the message's own is messageChannel (version 2).
      channel: 'SOCIAL',
      messageChannel: 'CHAT',
      direction: 'INBOUND',
      currentChannel: 'CHAT',
      eventVersion: 2,
    });
    expect(added).not.toHaveProperty('caseChannel');
    expect(added?.body).toBe(longBody.slice(0, 500));
    expect(message.body).toBe(longBody);

    const snapshotKeys = ['caseId', 'customerId', 'status', 'priority', 'line', 'category', 'assigneeId', 'channel'];
    for (const event of events) expect(Object.keys(event.payload)).toEqual(expect.arrayContaining(snapshotKeys));
  });

  it('cuts a message body to 500 characters without splitting a character', async () => {
    const customer = await createCustomer('Emoji');
    const opened = await openCase({ customerId: customer.id });
    const body = '🚗'.repeat(600);
    await executeOk(platform.gatewayUrl, AddCaseMessageDocument, { input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body } });
    const [added] = await eventsOf(opened.id, 'CaseMessageAdded');
    expect(Array.from(added!.payload.body as string)).toHaveLength(500);
    expect(added!.payload.body).toBe('🚗'.repeat(500));
  });
});

describe('SLA at risk', () => {
  it('emits CaseSlaAtRisk once per case and deadline when the deadline enters the at-risk window', async () => {
    const customer = await createCustomer('Risk');
    const opened = await openCase({ customerId: customer.id }); // STANDARD/LOW: first response in 1 day, resolution in 5 days
    const em = serviceEm();
    const atRisk = () => eventsOf(opened.id, 'CaseSlaAtRisk');

    await flagCasesAtRisk(em, at(opened.firstResponseDueAt, -120));
    await flagCasesAtRisk(em, at(opened.firstResponseDueAt, +1)); // already breached: a breach, not a risk
    expect(await atRisk()).toHaveLength(0);

    expect(await flagCasesAtRisk(em, at(opened.firstResponseDueAt, -30))).toBeGreaterThanOrEqual(1);
    await flagCasesAtRisk(em, at(opened.firstResponseDueAt, -30));
    await flagCasesAtRisk(em, at(opened.firstResponseDueAt, -10));
    const [first, ...others] = await atRisk();
    expect(others).toHaveLength(0);
    expect(first!.payload).toMatchObject({
      caseId: opened.id,
      customerId: customer.id,
      status: 'NEW',
      priority: 'LOW',
      line: 'FIRST',
      category: 'GENERAL',
      channel: 'EMAIL',
      assigneeId: null,
      deadline: 'FIRST_RESPONSE',
      dueAt: opened.firstResponseDueAt,
    });

    await flagCasesAtRisk(em, at(opened.resolutionDueAt, -10));
    await flagCasesAtRisk(em, at(opened.resolutionDueAt, -5));
    expect((await atRisk()).map((e) => [e.payload.deadline, e.payload.dueAt])).toEqual([
      ['FIRST_RESPONSE', opened.firstResponseDueAt],
      ['RESOLUTION', opened.resolutionDueAt],
    ]);
    // Internal bookkeeping: the flag is no edit, so a client's version stays valid.
    const { case: after } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: opened.id });
    expect(after.version).toBe(opened.version);
  });

  it('does not flag a deadline already met', async () => {
    const customer = await createCustomer('Answered');
    const answered = await openCase({ customerId: customer.id });
    await executeOk(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: answered.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'We are on it.', authorUserId: randomUUID() },
    });
    const resolved = await openCase({ customerId: customer.id });
    const open = (await executeOk(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: resolved.id, version: resolved.version, status: 'OPEN' } }))
      .changeCaseStatus;
    await executeOk(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: resolved.id, version: open.version, status: 'RESOLVED' } });

    await flagCasesAtRisk(serviceEm(), at(answered.firstResponseDueAt, -30));
    await flagCasesAtRisk(serviceEm(), at(resolved.firstResponseDueAt, -30));
    await flagCasesAtRisk(serviceEm(), at(resolved.resolutionDueAt, -30));
    // The answered case still has its resolution to meet (flagged by the last call, like every open case then).
    expect((await eventsOf(answered.id, 'CaseSlaAtRisk')).map((e) => e.payload.deadline)).toEqual(['RESOLUTION']);
    expect(await eventsOf(resolved.id, 'CaseSlaAtRisk')).toHaveLength(0);
  });

  it('flags a new deadline again after a new priority moved it', async () => {
    const customer = await createCustomer('Repriority');
    const opened = await openCase({ customerId: customer.id });
    await flagCasesAtRisk(serviceEm(), at(opened.firstResponseDueAt, -30));
    const { updateCase } = await executeOk(platform.gatewayUrl, UpdateCaseDocument, { input: { id: opened.id, version: opened.version, priority: 'NORMAL' } });
    expect(updateCase.firstResponseDueAt).not.toBe(opened.firstResponseDueAt);
    await flagCasesAtRisk(serviceEm(), at(updateCase.firstResponseDueAt, -30));
    expect((await eventsOf(opened.id, 'CaseSlaAtRisk')).map((e) => [e.payload.priority, e.payload.dueAt])).toEqual([
      ['LOW', opened.firstResponseDueAt],
      ['NORMAL', updateCase.firstResponseDueAt],
    ]);
  });

  it('is run by the periodic job the service definition starts', async () => {
    const customer = await createCustomer('Urgent');
    // STANDARD/URGENT: the first response is due in 60 minutes, inside the 60-minute window at once.
    const first = await openCase({ customerId: customer.id, priority: 'URGENT' });
    const [flagged] = await eventually(async () => {
      const events = await eventsOf(first.id, 'CaseSlaAtRisk');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(flagged!.payload).toMatchObject({ caseId: first.id, deadline: 'FIRST_RESPONSE', dueAt: first.firstResponseDueAt, priority: 'URGENT' });

    // Once the job has flagged a later case it has run again since: the first case stays flagged once.
    const second = await openCase({ customerId: customer.id, priority: 'URGENT' });
    await eventually(async () => expect(await eventsOf(second.id, 'CaseSlaAtRisk')).toHaveLength(1));
    expect(await eventsOf(first.id, 'CaseSlaAtRisk')).toHaveLength(1);
  });

  it('flags the demo fleet case whose resolution deadline is 20 minutes away (Story 3)', async () => {
    await service.seedDemoData(serviceEm(), createLogger('service'));
    const [row] = await serviceEm()
      .getConnection()
      .execute<Array<{ id: string }>>('select id from support_case where customer_id = ?', [DEMO.customers.autoparkFleet]);
    const [flagged] = await eventually(async () => {
      const events = await eventsOf(row!.id, 'CaseSlaAtRisk');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(flagged!.payload).toMatchObject({ deadline: 'RESOLUTION', priority: 'URGENT', line: 'SECOND', customerId: DEMO.customers.autoparkFleet });
  });
});

describe('CustomerMerged moves the service records to the survivor', () => {
  async function customerWithServiceHistory(firstName: string, tier: ServiceContractTier | null) {
    const customer = await createCustomer(firstName);
    const opened = await openCase({ customerId: customer.id, subject: `${firstName}'s broken mirror` });
    await executeOk(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Mirror fell off.' },
    });
    const { registerAsset } = await executeOk(platform.gatewayUrl, RegisterAssetDocument, {
      input: { customerId: customer.id, kind: 'VEHICLE', identifier: `VIN${randomUUID().slice(0, 14)}`, model: 'Octavia' },
    });
    if (tier) await executeOk(platform.gatewayUrl, SetServiceContractDocument, { input: { customerId: customer.id, tier } });
    return { customer, caseId: opened.id, caseVersion: opened.version, assetId: registerAsset.id };
  }

  // As identity would publish it; the test's own checkpoint key keeps it apart from the real relay's.
  const customerMerged = (survivorId: string, mergedId: string) => catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId, movedIdentifiers: 0 });

  const serviceView = async (customerId: string) => (await executeOk(platform.gatewayUrl, CustomerServiceViewDocument, { id: customerId })).customer;

  const processed = async (eventId: string) => {
    const rows = await serviceEm()
      .getConnection()
      .execute<Array<{ n: string }>>("select count(*) as n from processed_event where consumer = 'service.customerMerged' and event_id = ?", [eventId]);
    expect(Number(rows[0]!.n)).toBe(1);
  };

  it('moves cases, message authors, assets and the contract from a published CustomerMerged, once, and passes over unusable ones', async () => {
    const survivor = await customerWithServiceHistory('Survivor', null);
    const merged = await customerWithServiceHistory('Merged', 'PREMIUM');
    const stream = `test-${randomUUID().slice(0, 8)}`;
    // One breaks the contract (a dead letter), one keeps it but merges a customer into itself (nothing to do).
    const broken = rawEvent('identity', 'CustomerMerged', merged.customer.id, { survivorId: 'not-a-uuid', mergedId: merged.customer.id, movedIdentifiers: 0 });
    const intoItself = customerMerged(survivor.customer.id, survivor.customer.id);
    await platform.bus.publish(stream, [broken, intoItself, customerMerged(survivor.customer.id, merged.customer.id)], '1');

    // The fields of one answer are separate statements: wait until all of them see the merge's commit.
    const view = await eventually(async () => {
      const found = await serviceView(survivor.customer.id);
      expect([found.cases?.totalCount, found.assets?.totalCount, found.serviceContract?.tier]).toEqual([2, 2, 'PREMIUM']);
      return found;
    });
    expect(view.cases?.edges.map((e) => e.node.id).sort()).toEqual([survivor.caseId, merged.caseId].sort());
    expect(view.assets?.edges.map((e) => e.node.id).sort()).toEqual([survivor.assetId, merged.assetId].sort());
    expect(view.serviceContract?.tier).toBe('PREMIUM');
    const left = await serviceView(merged.customer.id);
    expect([left.cases?.totalCount, left.assets?.totalCount, left.serviceContract]).toEqual([0, 0, null]);

    const { case: movedCase } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: merged.caseId, messagesFirst: 5 });
    expect(movedCase.customer.id).toBe(survivor.customer.id);
    expect(movedCase.messages.edges.map((e) => e.node.authorCustomer?.id)).toEqual([survivor.customer.id]);
    expect(movedCase.version).toBe(merged.caseVersion + 1);
    const [caseChanged] = await eventsOf(merged.caseId, 'CaseChanged');
    expect(caseChanged!.payload).toMatchObject({
      caseId: merged.caseId,
      customerId: survivor.customer.id,
      changedFields: ['customerId'],
      previousCustomerId: merged.customer.id,
      status: 'NEW',
    });
    await processed(intoItself.id);
    const letters = await serviceEm()
      .getConnection()
      .execute<Array<{ reason: string }>>("select reason from dead_letter where consumer = 'service.customerMerged' and event_id = ?", [broken.id]);
    expect(letters).toEqual([{ reason: expect.stringMatching(/^CustomerMerged survivorId: Invalid GUID/) }]);

    // Redelivery under a new event id: nothing is left to move, nothing is emitted.
    const again = customerMerged(survivor.customer.id, merged.customer.id);
    await platform.bus.publish(stream, [again], '2');
    await eventually(() => processed(again.id));
    expect(await eventsOf(survivor.customer.id, 'CustomerServiceRecordsMerged')).toHaveLength(1);
    expect((await eventsOf(merged.caseId, 'CaseChanged')).length).toBe(1);
    const { case: unchanged } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: merged.caseId });
    expect(unchanged.version).toBe(movedCase.version);
  });

  it("keeps the survivor's own service contract", async () => {
    const survivor = await customerWithServiceHistory('Enterprise', 'ENTERPRISE');
    const merged = await customerWithServiceHistory('Premium', 'PREMIUM');
    const stream = `test-${randomUUID().slice(0, 8)}`;
    const event = customerMerged(survivor.customer.id, merged.customer.id);
    await platform.bus.publish(stream, [event], '1');
    await eventually(() => processed(event.id));
    const view = await serviceView(survivor.customer.id);
    expect(view.cases?.totalCount).toBe(2);
    expect(view.serviceContract?.tier).toBe('ENTERPRISE');
  });

  it("follows identity's mergeCustomers end to end", async () => {
    const survivor = await customerWithServiceHistory('Keeper', null);
    const merged = await customerWithServiceHistory('Duplicate', 'PREMIUM');
    await executeOk(platform.gatewayUrl, MergeCustomersDocument, { survivorId: survivor.customer.id, mergedId: merged.customer.id });
    // The fields of one answer are separate statements: wait until all of them see the merge's commit.
    await eventually(async () => {
      const found = await serviceView(survivor.customer.id);
      expect([found.cases?.totalCount, found.assets?.totalCount, found.serviceContract?.tier]).toEqual([2, 2, 'PREMIUM']);
    });
    const { case: movedCase } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: merged.caseId, messagesFirst: 5 });
    expect(movedCase.customer.id).toBe(survivor.customer.id);
  });
});
