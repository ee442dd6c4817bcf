import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddCaseMessageDocument,
  AssetDocument,
  AssignCaseDocument,
  CaseDetailsDocument,
  CaseQueueDocument,
  CaseQueueWithConversationsDocument,
  CasesAtRiskDocument,
  ChangeCaseStatusDocument,
  CreateCustomerDocument,
  CreateKnowledgeArticleDocument,
  CustomerServiceViewDocument,
  CustomersServiceViewDocument,
  EscalateCaseDocument,
  OpenCaseDocument,
  PublishKnowledgeArticleDocument,
  RecordServiceVisitDocument,
  RegisterAssetDocument,
  SearchArticlesDocument,
  SetServiceContractDocument,
  UpdateAssetDocument,
  UpdateCaseDocument,
  type OpenCaseInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { DEMO } from '@crm/demo/ids.js';
import { createLogger } from '@crm/kit/logger.js';
import { subgraphs } from '../scripts/subgraphs.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;
let customerCount = 0;

async function createCustomer(firstName = 'Case') {
  customerCount += 1;
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: {
      kind: 'PERSON',
      firstName,
      lastName: `Tester${customerCount}`,
      emails: [`service${customerCount}.${randomUUID().slice(0, 8)}@example.cz`],
      phones: [],
    },
  });
  return createCustomer;
}

async function openCase(input: Partial<OpenCaseInput> & { customerId: string }) {
  const { openCase: opened } = await executeOk(platform.gatewayUrl, OpenCaseDocument, {
    input: { subject: 'When is my car ready?', channel: 'EMAIL', ...input },
  });
  return opened;
}

const minutesBetween = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / MINUTE;

async function eventsOf(aggregateId: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  return platform.subgraphs.service.orm.em
    .fork()
    .getConnection()
    .execute('select type, payload from outbox_event where aggregate_id = ? order by position', [aggregateId]);
}

describe('cases: classification, SLA and lifecycle', () => {
  it('classifies a case opened without category or priority and gives it the SLA of the customer contract', async () => {
    const customer = await createCustomer('Premium');
    const { setServiceContract } = await executeOk(platform.gatewayUrl, SetServiceContractDocument, {
      input: { customerId: customer.id, tier: 'PREMIUM' },
    });
    expect(setServiceContract).toMatchObject({ tier: 'PREMIUM', customer: { id: customer.id } });

    const opened = await openCase({ customerId: customer.id, subject: 'Air conditioning still broken after service', channel: 'SOCIAL' });
    expect(opened).toMatchObject({
      status: 'NEW',
      category: 'COMPLAINT',
      priority: 'HIGH',
      line: 'FIRST',
      autoClassified: true,
      contractTier: 'PREMIUM',
      channel: 'SOCIAL',
      currentChannel: 'SOCIAL',
      firstRespondedAt: null,
      firstResponseBreached: false,
      resolutionBreached: false,
      customer: { displayName: `Premium Tester${customerCount}` },
    });
    expect(minutesBetween(opened.createdAt, opened.firstResponseDueAt)).toBe(60);
    expect(minutesBetween(opened.createdAt, opened.resolutionDueAt)).toBe(8 * 60);
    const [event] = await eventsOf(opened.id);
    expect(event).toMatchObject({ type: 'CaseOpened', payload: { category: 'COMPLAINT', classificationRule: 'complaint' } });
  });

  it('keeps the category and priority an agent gives and uses STANDARD terms without a contract', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id, subject: 'Brake noise', priority: 'LOW', category: 'GENERAL' });
    expect(opened).toMatchObject({ priority: 'LOW', category: 'GENERAL', line: 'FIRST', autoClassified: false, contractTier: 'STANDARD' });
    expect(minutesBetween(opened.createdAt, opened.firstResponseDueAt)).toBe(24 * 60);
    expect(minutesBetween(opened.createdAt, opened.resolutionDueAt)).toBe(5 * 24 * 60);
    const { customer: view } = await executeOk(platform.gatewayUrl, CustomerServiceViewDocument, { id: customer.id });
    expect(view.serviceContract).toBeNull();
  });

  it('moves through the status machine, reopens a resolved case and rejects illegal moves', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id });
    let current: Omit<typeof opened, 'customer'> = opened;
    const move = async (status: 'OPEN' | 'PENDING' | 'RESOLVED' | 'CLOSED') => {
      current = (await executeOk(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: current.id, version: current.version, status } }))
        .changeCaseStatus;
      return current;
    };
    const skip = await execute(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: current.id, version: current.version, status: 'CLOSED' } });
    expect(errorCodes(skip)).toEqual(['BAD_USER_INPUT']);
    expect(skip.errors?.[0]?.message).toBe('A case cannot move from NEW to CLOSED; from NEW it can move to OPEN');

    await move('OPEN');
    await move('PENDING');
    expect((await move('RESOLVED')).resolvedAt).not.toBeNull();
    expect(await move('OPEN')).toMatchObject({ status: 'OPEN', resolvedAt: null });
    await move('RESOLVED');
    expect((await move('CLOSED')).status).toBe('CLOSED');
    const final = await execute(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: current.id, version: current.version, status: 'OPEN' } });
    expect(errorCodes(final)).toEqual(['BAD_USER_INPUT']);
    expect(final.errors?.[0]?.message).toContain('CLOSED is final');

    const events = await eventsOf(current.id);
    expect(events.filter((e) => e.type === 'CaseStatusChanged').map((e) => e.payload.to)).toEqual([
      'OPEN',
      'PENDING',
      'RESOLVED',
      'OPEN',
      'RESOLVED',
      'CLOSED',
    ]);
  });

  it('updates a case with its version, recomputing deadlines on a new priority, and rejects a stale version with CONFLICT', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id, priority: 'NORMAL', category: 'GENERAL' });
    const { updateCase } = await executeOk(platform.gatewayUrl, UpdateCaseDocument, {
      input: { id: opened.id, version: opened.version, priority: 'URGENT', description: 'Car does not start' },
    });
    expect(updateCase).toMatchObject({ priority: 'URGENT', description: 'Car does not start', version: opened.version + 1 });
    expect(minutesBetween(updateCase.createdAt, updateCase.firstResponseDueAt)).toBe(60);
    const stale = await execute(platform.gatewayUrl, UpdateCaseDocument, { input: { id: opened.id, version: opened.version, subject: 'Lost update' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors?.[0]?.message).toContain('was changed by someone else');
    const changed = (await eventsOf(opened.id)).find((e) => e.type === 'CaseChanged');
    expect(changed?.payload.changedFields).toEqual(['description', 'priority']);
  });

  it('assigns and escalates to the second line, once', async () => {
    const customer = await createCustomer();
    const agent = randomUUID();
    const specialist = randomUUID();
    const opened = await openCase({ customerId: customer.id });
    const { assignCase } = await executeOk(platform.gatewayUrl, AssignCaseDocument, { input: { id: opened.id, version: opened.version, assigneeId: agent } });
    expect(assignCase.assignee?.id).toBe(agent);
    const { escalateCase } = await executeOk(platform.gatewayUrl, EscalateCaseDocument, {
      input: { id: opened.id, version: assignCase.version, reason: 'Needs a diagnostics specialist', assigneeId: specialist },
    });
    expect(escalateCase).toMatchObject({ line: 'SECOND', assignee: { id: specialist } });
    const again = await execute(platform.gatewayUrl, EscalateCaseDocument, { input: { id: opened.id, version: escalateCase.version } });
    expect(errorCodes(again)).toEqual(['BAD_USER_INPUT']);
    expect(again.errors?.[0]?.message).toContain('already on the second line');
    expect((await eventsOf(opened.id)).map((e) => e.type)).toEqual(['CaseOpened', 'CaseAssigned', 'CaseEscalated']);
  });

  it('reports unknown and malformed case ids', async () => {
    const unknown = await execute(platform.gatewayUrl, CaseDetailsDocument, { id: UNKNOWN_ID });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    const assign = await execute(platform.gatewayUrl, AssignCaseDocument, { input: { id: UNKNOWN_ID, version: 1, assigneeId: randomUUID() } });
    expect(errorCodes(assign)).toEqual(['NOT_FOUND']);
    const malformed = await execute(platform.gatewayUrl, ChangeCaseStatusDocument, { input: { id: 'case-1', version: 1, status: 'OPEN' } });
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('the service queue', () => {
  it('filters by status, priority, category, line, assignee and deadline, ordered and paged by keyset', async () => {
    const customer = await createCustomer();
    const agent = randomUUID();
    const urgent = await openCase({ customerId: customer.id, subject: 'Smoke from the engine bay', assigneeId: agent });
    const low = await openCase({ customerId: customer.id, priority: 'LOW', category: 'BILLING', assigneeId: agent });
    const normal = await openCase({ customerId: customer.id, priority: 'NORMAL', category: 'GENERAL', assigneeId: agent });
    expect(urgent).toMatchObject({ priority: 'URGENT', line: 'SECOND', category: 'TECHNICAL' });

    const queue = (filter: object, orderBy?: 'FIRST_RESPONSE_DUE_SOONEST' | 'OLDEST_FIRST', first = 10, after?: string | null) =>
      executeOk(platform.gatewayUrl, CaseQueueDocument, { filter: { assigneeId: agent, ...filter }, orderBy, first, after });
    const ids = (result: Awaited<ReturnType<typeof queue>>) => result.cases.edges.map((e) => e.node.id);

    expect(ids(await queue({}, 'FIRST_RESPONSE_DUE_SOONEST'))).toEqual([urgent.id, normal.id, low.id]);
    expect(ids(await queue({}, 'OLDEST_FIRST'))).toEqual([urgent.id, low.id, normal.id]);
    expect(ids(await queue({ line: 'SECOND' }))).toEqual([urgent.id]);
    expect(ids(await queue({ priorities: ['LOW', 'NORMAL'] }, 'OLDEST_FIRST'))).toEqual([low.id, normal.id]);
    expect(ids(await queue({ categories: ['BILLING'] }))).toEqual([low.id]);
    expect(ids(await queue({ statuses: ['OPEN'] }))).toEqual([]);
    // Deadlines before two hours from now: the URGENT first response (1 h) and the NORMAL one (8 h) is not.
    const inTwoHours = new Date(Date.now() + 120 * MINUTE).toISOString();
    expect(ids(await queue({ breachingBefore: inTwoHours }))).toEqual([urgent.id]);

    const page1 = await queue({}, 'FIRST_RESPONSE_DUE_SOONEST', 2);
    expect(page1.cases).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await queue({}, 'FIRST_RESPONSE_DUE_SOONEST', 2, page1.cases.pageInfo.endCursor);
    expect(ids(page2)).toEqual([low.id]);
    expect(page2.cases.pageInfo.hasNextPage).toBe(false);

    const byCustomer = await executeOk(platform.gatewayUrl, CustomerServiceViewDocument, { id: customer.id, caseFilter: { priorities: ['URGENT'] } });
    expect(byCustomer.customer.cases).toMatchObject({ totalCount: 1, edges: [{ node: { id: urgent.id } }] });
  });

  it('lists cases at risk within a number of minutes and flags them', async () => {
    const customer = await createCustomer();
    await executeOk(platform.gatewayUrl, SetServiceContractDocument, { input: { customerId: customer.id, tier: 'PREMIUM' } });
    const opened = await openCase({ customerId: customer.id, priority: 'URGENT', category: 'TECHNICAL' }); // first response in 15 min
    expect(opened.slaAtRisk).toBe(true); // default window: 60 minutes
    const soon = await executeOk(platform.gatewayUrl, CasesAtRiskDocument, { within: 20, first: 100 });
    expect(soon.casesAtRisk.edges.map((e) => e.node.id)).toContain(opened.id);
    const now = await executeOk(platform.gatewayUrl, CasesAtRiskDocument, { within: 5, first: 100 });
    expect(now.casesAtRisk.edges.map((e) => e.node.id)).not.toContain(opened.id);
    const bad = await execute(platform.gatewayUrl, CasesAtRiskDocument, { within: 0 });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('case messages: one history across channels', () => {
  it('keeps the conversation from social to chat to phone on one case; the first reply is the first response', async () => {
    const customer = await createCustomer('Eva');
    const agent = randomUUID();
    const opened = await openCase({ customerId: customer.id, subject: 'A/C not cooling', channel: 'SOCIAL' });
    const add = (channel: 'SOCIAL' | 'CHAT' | 'PHONE', direction: 'INBOUND' | 'OUTBOUND' | 'INTERNAL_NOTE', body: string) =>
      executeOk(platform.gatewayUrl, AddCaseMessageDocument, {
        input: { caseId: opened.id, channel, direction, body, authorUserId: direction === 'INBOUND' ? null : agent },
      });
    const first = await add('SOCIAL', 'INBOUND', 'Still not cooling!');
    expect(first.addCaseMessage).toMatchObject({ authorCustomer: { id: customer.id }, authorUser: null });
    const reply = await add('SOCIAL', 'OUTBOUND', 'Sorry, moving to a private chat');
    await add('CHAT', 'INBOUND', 'Plate 2AB 1234');
    await add('CHAT', 'OUTBOUND', 'Booked a re-check');
    await add('PHONE', 'INBOUND', 'Called to confirm');
    await add('PHONE', 'INTERNAL_NOTE', 'Loan car reserved');

    const { case: found } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: opened.id, messagesFirst: 4 });
    expect(found.firstRespondedAt).toBe(reply.addCaseMessage.sentAt);
    expect(found.currentChannel).toBe('PHONE');
    expect(found.messages.totalCount).toBe(6);
    expect(found.messages.edges.map((e) => `${e.node.channel}:${e.node.direction}`)).toEqual([
      'SOCIAL:INBOUND',
      'SOCIAL:OUTBOUND',
      'CHAT:INBOUND',
      'CHAT:OUTBOUND',
    ]);
    const rest = await executeOk(platform.gatewayUrl, CaseDetailsDocument, {
      id: opened.id,
      messagesFirst: 4,
      messagesAfter: found.messages.pageInfo.endCursor,
    });
    expect(rest.case.messages.edges.map((e) => e.node.body)).toEqual(['Called to confirm', 'Loan car reserved']);
    expect((await eventsOf(opened.id)).filter((e) => e.type === 'CaseMessageAdded')).toHaveLength(6);
  });

  it('rejects messages with the wrong author and on unknown cases', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id });
    const inboundByStaff = await execute(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Hi', authorUserId: randomUUID() },
    });
    expect(errorCodes(inboundByStaff)).toEqual(['BAD_USER_INPUT']);
    // A member of staff replying is the author; a partner's key names who wrote it or is refused.
    const ownReply = await executeOk(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: opened.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'Hi' },
    });
    expect(ownReply.addCaseMessage.authorUser?.id).toBe(platform.admin.id);
    const partner = await platform.createApiKey(['cases:read', 'cases:write']);
    const anonymousReply = await execute(
      platform.gatewayUrl,
      AddCaseMessageDocument,
      { input: { caseId: opened.id, channel: 'EMAIL', direction: 'OUTBOUND', body: 'Hi' } },
      { authorization: partner.authorization },
    );
    expect(errorCodes(anonymousReply)).toEqual(['BAD_USER_INPUT']);
    expect(anonymousReply.errors?.[0]?.message).toContain('authorUserId');
    const unknown = await execute(platform.gatewayUrl, AddCaseMessageDocument, {
      input: { caseId: UNKNOWN_ID, channel: 'EMAIL', direction: 'INBOUND', body: 'Hi' },
    });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });
});

describe('assets and service visits', () => {
  const financing = {
    provider: 'Škoda Financial Services',
    contractNumber: 'SFS-1',
    monthlyPayment: { amount: '8990.00', currency: 'CZK' },
    endsOn: '2031-05-31',
  };
  const insurance = { provider: 'Kooperativa', policyNumber: 'K-1', type: 'LIABILITY' as const, validUntil: '2027-06-01' };

  it('registers a car with financing and insurance, records visits raising the mileage and updates with a version', async () => {
    const customer = await createCustomer('Jan');
    const vin = `TMB${randomUUID().replace(/-/g, '').slice(0, 14)}`.toUpperCase();
    const { registerAsset: car } = await executeOk(platform.gatewayUrl, RegisterAssetDocument, {
      input: { customerId: customer.id, kind: 'VEHICLE', identifier: vin, model: 'Kodiaq', year: 2026, mileage: 10, financing, insurance },
    });
    expect(car).toMatchObject({ identifier: vin, mileage: 10, financing, insurance });

    await executeOk(platform.gatewayUrl, RecordServiceVisitDocument, {
      input: { assetId: car.id, visitedOn: '2026-10-20', mileage: 15200, workDone: 'First inspection', cost: { amount: '4890.00', currency: 'CZK' } },
    });
    const lower = await execute(platform.gatewayUrl, RecordServiceVisitDocument, {
      input: { assetId: car.id, visitedOn: '2026-11-01', mileage: 15000, workDone: 'Tyres', cost: { amount: '100', currency: 'CZK' } },
    });
    expect(errorCodes(lower)).toEqual(['BAD_USER_INPUT']);
    expect(lower.errors?.[0]?.message).toBe('mileage 15000 km is lower than the 15200 km already recorded for this asset');

    const { asset } = await executeOk(platform.gatewayUrl, AssetDocument, { id: car.id });
    expect(asset).toMatchObject({ mileage: 15200, customer: { id: customer.id } });
    expect(asset.serviceVisits).toMatchObject({
      totalCount: 1,
      edges: [{ node: { mileage: 15200, visitedOn: '2026-10-20', cost: { amount: '4890.00', currency: 'CZK' } } }],
    });

    const { updateAsset } = await executeOk(platform.gatewayUrl, UpdateAssetDocument, {
      input: { id: car.id, version: asset.version, insurance: { ...insurance, type: 'COMPREHENSIVE' } },
    });
    expect(updateAsset.insurance?.type).toBe('COMPREHENSIVE');
    const stale = await execute(platform.gatewayUrl, UpdateAssetDocument, { input: { id: car.id, version: asset.version, financing: null } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);

    const { customer: view } = await executeOk(platform.gatewayUrl, CustomerServiceViewDocument, { id: customer.id });
    expect(view.assets).toMatchObject({ totalCount: 1, edges: [{ node: { identifier: vin, financing: { monthlyPayment: { amount: '8990.00' } } } }] });
    expect((await eventsOf(car.id)).map((e) => e.type)).toEqual(['AssetRegistered', 'ServiceVisitRecorded', 'AssetChanged']);
  });

  it('rejects unknown assets, duplicate identifiers and negative payments', async () => {
    const customer = await createCustomer();
    expect(errorCodes(await execute(platform.gatewayUrl, AssetDocument, { id: UNKNOWN_ID }))).toEqual(['NOT_FOUND']);
    const visit = await execute(platform.gatewayUrl, RecordServiceVisitDocument, {
      input: { assetId: UNKNOWN_ID, visitedOn: '2026-10-20', mileage: 1, workDone: 'x', cost: { amount: '1', currency: 'CZK' } },
    });
    expect(errorCodes(visit)).toEqual(['NOT_FOUND']);
    const input = { customerId: customer.id, kind: 'VEHICLE' as const, identifier: `DUP${randomUUID().slice(0, 8)}`, model: 'Octavia', mileage: 0 };
    await executeOk(platform.gatewayUrl, RegisterAssetDocument, { input });
    expect(errorCodes(await execute(platform.gatewayUrl, RegisterAssetDocument, { input }))).toEqual(['CONFLICT']);
    const negative = await execute(platform.gatewayUrl, RegisterAssetDocument, {
      input: { ...input, identifier: 'NEG1', financing: { ...financing, monthlyPayment: { amount: '-1.00', currency: 'CZK' } } },
    });
    expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('knowledge base', () => {
  let acArticleId: string;
  beforeAll(async () => {
    const create = async (title: string, body: string, tags: string[], status: 'DRAFT' | 'PUBLISHED' = 'PUBLISHED') =>
      (await executeOk(platform.gatewayUrl, CreateKnowledgeArticleDocument, { input: { title, body, tags, status } })).createKnowledgeArticle;
    acArticleId = (
      await create('Air conditioning not cooling after service', 'Refill the refrigerant; the compressor relay may be disconnected.', ['air-conditioning'])
    ).id;
    await create('How to pair your phone', 'Open Settings > Bluetooth and add the device.', ['bluetooth']);
    await create('Warranty for repairs', 'Repairs carry a 24-month warranty on parts and labour.', ['warranty']);
    await create('Secret draft about cooling', 'Cooling cooling cooling air conditioning.', ['draft']);
  });

  it('ranks published articles by full-text relevance with a score', async () => {
    const { searchArticles } = await executeOk(platform.gatewayUrl, SearchArticlesDocument, { query: 'air conditioning cooled', first: 5 });
    expect(searchArticles[0]?.article).toMatchObject({ id: acArticleId, status: 'PUBLISHED' });
    expect(searchArticles.every((hit) => hit.article.status === 'PUBLISHED' && hit.score > 0)).toBe(true);
    const scores = searchArticles.map((hit) => hit.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const byTag = await executeOk(platform.gatewayUrl, SearchArticlesDocument, { query: 'bluetooth' });
    expect(byTag.searchArticles.map((hit) => hit.article.title)).toEqual(['How to pair your phone']);
  });

  it('rejects an empty query and publishes a draft only with the current version', async () => {
    const empty = await execute(platform.gatewayUrl, SearchArticlesDocument, { query: '   ' });
    expect(errorCodes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(empty.errors?.[0]?.message).toBe('query must not be empty');
    const { createKnowledgeArticle: draft } = await executeOk(platform.gatewayUrl, CreateKnowledgeArticleDocument, {
      input: { title: 'Tyre pressure warning', body: 'Reset the tyre pressure monitor after inflating.', tags: [] },
    });
    expect(draft.status).toBe('DRAFT');
    expect((await executeOk(platform.gatewayUrl, SearchArticlesDocument, { query: 'tyre pressure' })).searchArticles).toEqual([]);
    expect(errorCodes(await execute(platform.gatewayUrl, PublishKnowledgeArticleDocument, { input: { id: draft.id, version: draft.version + 1 } }))).toEqual([
      'CONFLICT',
    ]);
    await executeOk(platform.gatewayUrl, PublishKnowledgeArticleDocument, { input: { id: draft.id, version: draft.version } });
    expect((await executeOk(platform.gatewayUrl, SearchArticlesDocument, { query: 'tyre pressure' })).searchArticles[0]?.article.id).toBe(draft.id);
  });

  it('suggests articles for a case from its subject and description', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id, subject: 'Air conditioning blows warm air', description: 'Not cooling since the service' });
    const { case: found } = await executeOk(platform.gatewayUrl, CaseDetailsDocument, { id: opened.id, suggestionsFirst: 2 });
    expect(found.suggestedArticles[0]?.article.id).toBe(acArticleId);
    expect(found.suggestedArticles.length).toBeLessThanOrEqual(2);
  });
});

describe('no N+1: SQL statements do not grow with the number of customers or cases', () => {
  beforeAll(async () => {
    for (let i = 0; i < 12; i++) {
      const customer = await createCustomer('Batch');
      const opened = await openCase({ customerId: customer.id, subject: `Air conditioning question ${i}` });
      await executeOk(platform.gatewayUrl, AddCaseMessageDocument, { input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Hello' } });
      const { registerAsset } = await executeOk(platform.gatewayUrl, RegisterAssetDocument, {
        input: { customerId: customer.id, kind: 'VEHICLE', identifier: `BATCH${i}${randomUUID().slice(0, 6)}`, model: 'Fabia', mileage: 0 },
      });
      await executeOk(platform.gatewayUrl, RecordServiceVisitDocument, {
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
    const few = await serviceStatements(() => executeOk(platform.gatewayUrl, CustomersServiceViewDocument, { first: 2 }));
    const many = await serviceStatements(() => executeOk(platform.gatewayUrl, CustomersServiceViewDocument, { first: 40 }));
    const withAssets = many.result.customers.edges.filter((e) => (e.node.assets?.totalCount ?? 0) > 0);
    expect(withAssets.length).toBeGreaterThanOrEqual(12);
    expect(withAssets[0]?.node.assets?.edges[0]?.node.serviceVisits.totalCount).toBeGreaterThan(0);
    expect(many.statements).toEqual(few.statements);
    expect(many.statements).toEqual(['asset', 'asset', 'service_contract', 'service_visit', 'service_visit', 'support_case', 'support_case']);
  });

  it('Case.messages and Case.suggestedArticles in the queue', async () => {
    const few = await serviceStatements(() => executeOk(platform.gatewayUrl, CaseQueueWithConversationsDocument, { first: 2 }));
    const many = await serviceStatements(() => executeOk(platform.gatewayUrl, CaseQueueWithConversationsDocument, { first: 12 }));
    expect(many.result.cases.edges.length).toBe(12);
    expect(many.result.cases.edges.some((e) => e.node.suggestedArticles.length > 0 && e.node.messages.totalCount > 0)).toBe(true);
    expect(many.statements).toEqual(few.statements);
    expect(many.statements).toEqual(['case_message', 'case_message', 'knowledge_article+support_case', 'support_case']);
  });
});

describe('demo data (DOMAIN Story 1 and 3)', () => {
  // Its own platform: the story's cast must not meet the data of the tests above.
  let demo: Platform;
  beforeAll(async () => {
    demo = await startPlatform();
    for (const name of ['identity', 'service', 'service'] as const) {
      // service twice: seeding is idempotent
      await subgraphs[name].seedDemoData(demo.subgraphs[name].orm.em.fork(), createLogger(name));
    }
  });
  afterAll(() => demo.stop());

  it("tells Eva Horáková's complaint as one case across social, chat and phone, with PREMIUM SLA", async () => {
    const cases = await executeOk(demo.gatewayUrl, CaseQueueDocument, { filter: { assigneeId: DEMO.users.serviceAgent }, first: 10 });
    expect(cases.cases.totalCount).toBe(1);
    const evasCase = cases.cases.edges[0]!.node;
    expect(evasCase).toMatchObject({
      contractTier: 'PREMIUM',
      category: 'COMPLAINT',
      priority: 'HIGH',
      status: 'OPEN',
      currentChannel: 'PHONE',
      channel: 'SOCIAL',
    });
    expect(minutesBetween(evasCase.createdAt, evasCase.resolutionDueAt)).toBe(8 * 60);
    const { case: found } = await executeOk(demo.gatewayUrl, CaseDetailsDocument, { id: evasCase.id, messagesFirst: 20 });
    expect(found.messages.edges.map((e) => e.node.channel)).toEqual(['SOCIAL', 'SOCIAL', 'CHAT', 'CHAT', 'PHONE', 'PHONE']);
    expect(found.customer.displayName).toBe('Eva Horáková');
    expect(found.suggestedArticles[0]?.article.title).toBe('Air conditioning not cooling after service');
    const { customer: eva } = await executeOk(demo.gatewayUrl, CustomerServiceViewDocument, { id: DEMO.customers.evaHorakova });
    expect(eva.serviceContract?.tier).toBe('PREMIUM');
  });

  it("has Jan Novák's financed and insured car with one service visit", async () => {
    const em = demo.subgraphs.service.orm.em.fork();
    const [row] = await em.getConnection().execute<Array<{ id: string }>>('select id from asset where customer_id = ?', [DEMO.customers.janNovak]);
    const { asset } = await executeOk(demo.gatewayUrl, AssetDocument, { id: row!.id });
    expect(asset).toMatchObject({
      kind: 'VEHICLE',
      financing: { provider: 'Škoda Financial Services', monthlyPayment: { amount: '8990.00', currency: 'CZK' } },
      insurance: { provider: 'Kooperativa', type: 'COMPREHENSIVE' },
      serviceVisits: { totalCount: 1 },
    });
  });
});
