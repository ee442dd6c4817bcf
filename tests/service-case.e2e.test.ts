import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddCaseMessageDocument,
  AssignCaseDocument,
  CaseDetailsDocument,
  CaseQueueWithConversationsDocument,
  CasesAtRiskDocument,
  ChangeCaseStatusDocument,
  CreateCustomerDocument,
  CreateKnowledgeArticleDocument,
  CreateWorkingCalendarDocument,
  CustomerServiceViewDocument,
  EscalateCaseDocument,
  OpenCaseDocument,
  PublishKnowledgeArticleDocument,
  SearchArticlesDocument,
  SetServiceContractDocument,
  UpdateCaseDocument,
  UpdateServiceContractDocument,
  type OpenCaseInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { addBusinessMinutes, businessMinutesBetween } from '@crm/kit/business-time.js';

// Service's cases and knowledge base through the gateway: the answers as clients read them (the customer's name from
// identity, a message's author from the caller's sign-in), the errors the API gives, and the SQL a queue page costs.
// Classification, SLA, the status machine, the queue's filters, messages and search are tested on service's own
// database (subgraphs/service/test/{case,case-queue,message,knowledge}.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
let customerCount = 0;

async function createCustomer(firstName = 'Case') {
  customerCount += 1;
  const lastName = `Tester${customerCount}`;
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName, emails: [`service${customerCount}.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  return { ...createCustomer, displayName: `${firstName} ${lastName}` };
}

async function openCase(input: Partial<OpenCaseInput> & { customerId: string }) {
  return (await executeOk(url, OpenCaseDocument, { input: { subject: 'When is my car ready?', channel: 'EMAIL', ...input } })).openCase;
}

function expectError(result: GraphQLResponse<unknown>, code: string, message?: string) {
  expect(errorCodes(result)).toEqual([code]);
  if (message) expect(result.errors?.[0]?.message).toContain(message);
}

describe('cases through the gateway', () => {
  it("opens a case under the customer's contract, named from identity, and lists it on the Customer", async () => {
    const customer = await createCustomer('Premium');
    const { setServiceContract } = await executeOk(url, SetServiceContractDocument, { input: { customerId: customer.id, tier: 'PREMIUM' } });
    expect(setServiceContract).toMatchObject({ tier: 'PREMIUM', customer: { id: customer.id } });
    const opened = await openCase({ customerId: customer.id, subject: 'Air conditioning still broken after service', channel: 'SOCIAL' });
    expect(opened).toMatchObject({
      status: 'NEW',
      category: 'COMPLAINT',
      priority: 'HIGH',
      contractTier: 'PREMIUM',
      firstRespondedAt: null,
      firstResponseBreached: false,
      resolutionBreached: false,
      // 60 minutes to respond: at risk in the last quarter of them, not as it opens (SLA_AT_RISK_FRACTION).
      slaAtRisk: false,
      customer: { displayName: customer.displayName },
    });
    const { casesAtRisk: atRiskNow } = await executeOk(url, CasesAtRiskDocument, { first: 100 });
    expect(atRiskNow.edges.map((e) => e.node.id)).not.toContain(opened.id);
    const { casesAtRisk: dueWithinTheHour } = await executeOk(url, CasesAtRiskDocument, { within: 60, first: 100 });
    expect(dueWithinTheHour.edges.map((e) => e.node.id)).toContain(opened.id);
    const low = await openCase({ customerId: customer.id, priority: 'LOW', category: 'GENERAL' });
    const { customer: view } = await executeOk(url, CustomerServiceViewDocument, { id: customer.id, caseFilter: { priorities: ['HIGH'] } });
    expect(view).toMatchObject({ serviceContract: { tier: 'PREMIUM' }, cases: { totalCount: 1, edges: [{ node: { id: opened.id } }] } });
    expect(low.contractTier).toBe('PREMIUM');

    const standard = await createCustomer();
    const { customer: none } = await executeOk(url, CustomerServiceViewDocument, { id: standard.id });
    expect(none.serviceContract).toBeNull();
  });

  it("runs a contract's deadlines in its working calendar, and in calendar time again without it", async () => {
    const customer = await createCustomer('Office hours');
    const { createWorkingCalendar: calendar } = await executeOk(url, CreateWorkingCalendarDocument, {
      input: { name: 'Office hours', workingHours: [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], opens: '08:00', closes: '17:00' }], holidays: [] },
    });
    expect(calendar).toMatchObject({ timeZone: 'Europe/Prague', version: 1 });
    const { setServiceContract: contract } = await executeOk(url, SetServiceContractDocument, {
      input: { customerId: customer.id, tier: 'PREMIUM', calendarId: calendar.id },
    });
    expect(contract.calendar).toEqual({ id: calendar.id, name: 'Office hours' });
    // PREMIUM HIGH: 1 business hour to respond (at risk in its last 15 minutes), 8 to resolve, whenever it opens.
    const opened = await openCase({ customerId: customer.id, subject: 'Air conditioning still broken after service', channel: 'SOCIAL' });
    const business = { timeZone: calendar.timeZone, hours: calendar.workingHours, holidays: [] };
    const createdAt = new Date(opened.createdAt);
    expect(opened.slaCalendar?.id).toBe(calendar.id);
    expect(businessMinutesBetween(createdAt, new Date(opened.firstResponseDueAt), business)).toBe(60);
    expect(businessMinutesBetween(createdAt, new Date(opened.resolutionDueAt), business)).toBe(8 * 60);
    expect(opened.firstResponseAtRiskFrom).toBe(addBusinessMinutes(createdAt, 45, business).toISOString());

    const { updateServiceContract: roundTheClock } = await executeOk(url, UpdateServiceContractDocument, {
      id: contract.id,
      version: contract.version,
      input: { calendarId: null },
    });
    expect(roundTheClock).toMatchObject({ tier: 'PREMIUM', calendar: null, version: contract.version + 1 });
    const later = await openCase({ customerId: customer.id, subject: 'Air conditioning still broken after service', channel: 'SOCIAL' });
    expect(later.slaCalendar).toBeNull();
    expect(new Date(later.firstResponseDueAt).getTime() - new Date(later.createdAt).getTime()).toBe(60 * 60_000);
    const stale = await execute(url, UpdateServiceContractDocument, { id: contract.id, version: contract.version, input: { tier: 'STANDARD' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
  });

  it('answers refused changes with the codes and messages clients read', async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id, priority: 'NORMAL', category: 'GENERAL' });
    const { id, version } = opened;
    expectError(
      await execute(url, ChangeCaseStatusDocument, { id, version, input: { status: 'CLOSED' } }),
      'CONFLICT', // its status forbids it, as for campaigns
      'A case cannot move from NEW to CLOSED; from NEW it can move to OPEN',
    );
    const { updateCase } = await executeOk(url, UpdateCaseDocument, { id, version, input: { priority: 'URGENT' } });
    expect(updateCase.version).toBe(version + 1);
    expectError(await execute(url, UpdateCaseDocument, { id, version, input: { subject: 'Lost update' } }), 'CONFLICT', 'was changed by someone else');
    const { assignCase } = await executeOk(url, AssignCaseDocument, {
      id,
      version: updateCase.version,
      input: { assigneeId: (await platform.createStaff('SERVICE_AGENT')).id },
    });
    const { escalateCase } = await executeOk(url, EscalateCaseDocument, { id, version: assignCase.version, input: { reason: 'Specialist' } });
    expect(escalateCase.line).toBe('SECOND');
    expectError(await execute(url, EscalateCaseDocument, { id, version: escalateCase.version }), 'CONFLICT', 'already on the second line');

    expectError(await execute(url, CaseDetailsDocument, { id: UNKNOWN_ID }), 'NOT_FOUND');
    expectError(await execute(url, AssignCaseDocument, { id: UNKNOWN_ID, version: 1, input: { assigneeId: platform.admin.id } }), 'NOT_FOUND');
    expectError(await execute(url, ChangeCaseStatusDocument, { id: 'case-1', version: 1, input: { status: 'OPEN' } }), 'BAD_USER_INPUT');
    expectError(await execute(url, CasesAtRiskDocument, { within: 0 }), 'BAD_USER_INPUT');
  });
});

describe('case messages through the gateway', () => {
  it('keeps the conversation across channels, with its authors as the API names them', async () => {
    const customer = await createCustomer('Eva');
    const opened = await openCase({ customerId: customer.id, subject: 'A/C not cooling', channel: 'SOCIAL' });
    const add = (channel: 'SOCIAL' | 'CHAT', direction: 'INBOUND' | 'OUTBOUND', body: string) =>
      executeOk(url, AddCaseMessageDocument, { input: { caseId: opened.id, channel, direction, body } });
    const first = await add('SOCIAL', 'INBOUND', 'Still not cooling!');
    expect(first.addCaseMessage).toMatchObject({ authorCustomer: { id: customer.id }, authorUser: null });
    // A member of staff replying is the author: the signed-in caller, as the gateway vouches for them.
    const reply = await add('SOCIAL', 'OUTBOUND', 'Sorry, moving to a private chat');
    expect(reply.addCaseMessage.authorUser?.id).toBe(platform.admin.id);
    await add('CHAT', 'INBOUND', 'Plate 2AB 1234');

    const { case: found } = await executeOk(url, CaseDetailsDocument, { id: opened.id, messagesFirst: 2 });
    expect(found).toMatchObject({ firstRespondedAt: reply.addCaseMessage.sentAt, currentChannel: 'CHAT', messages: { totalCount: 3 } });
    expect(found.messages.edges.map((e) => `${e.node.channel}:${e.node.direction}`)).toEqual(['SOCIAL:INBOUND', 'SOCIAL:OUTBOUND']);
    const rest = await executeOk(url, CaseDetailsDocument, { id: opened.id, messagesFirst: 2, messagesAfter: found.messages.pageInfo.endCursor });
    expect(rest.case.messages.edges.map((e) => e.node.body)).toEqual(['Plate 2AB 1234']);
  });

  it("refuses a partner's reply that names no author, a staff author on an inbound message, and unknown cases", async () => {
    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id });
    const message = { caseId: opened.id, channel: 'EMAIL' as const, body: 'Hi' };
    const partner = await platform.createApiKey(['cases:read', 'cases:write']);
    const anonymousReply = await execute(
      url,
      AddCaseMessageDocument,
      { input: { ...message, direction: 'OUTBOUND' } },
      { authorization: partner.authorization },
    );
    expectError(anonymousReply, 'BAD_USER_INPUT', 'authorUserId');
    expectError(await execute(url, AddCaseMessageDocument, { input: { ...message, direction: 'INBOUND', authorUserId: platform.admin.id } }), 'BAD_USER_INPUT');
    expectError(await execute(url, AddCaseMessageDocument, { input: { ...message, caseId: UNKNOWN_ID, direction: 'INBOUND' } }), 'NOT_FOUND');
  });
});

describe('the knowledge base through the gateway', () => {
  it('finds published articles, publishes a draft with its version and suggests articles on a case', async () => {
    const create = async (title: string, body: string, status: 'DRAFT' | 'PUBLISHED') =>
      (await executeOk(url, CreateKnowledgeArticleDocument, { input: { title, body, tags: ['gateway'], status } })).createKnowledgeArticle;
    const wipers = await create('Wipers squeak in the rain', 'Clean the wiper blades and the windscreen; replace worn blades.', 'PUBLISHED');
    const draft = await create('Wipers freeze overnight', 'Lift the wipers off the windscreen on frosty nights.', 'DRAFT');

    const { searchArticles } = await executeOk(url, SearchArticlesDocument, { query: 'wipers', first: 5 });
    expect(searchArticles.map((hit) => hit.article)).toEqual([{ id: wipers.id, title: wipers.title, status: 'PUBLISHED' }]);
    expect(searchArticles[0]!.score).toBeGreaterThan(0);
    expectError(await execute(url, SearchArticlesDocument, { query: '   ' }), 'BAD_USER_INPUT', 'query must not be empty');
    expectError(await execute(url, PublishKnowledgeArticleDocument, { id: draft.id, version: draft.version + 1 }), 'CONFLICT');
    const { publishKnowledgeArticle } = await executeOk(url, PublishKnowledgeArticleDocument, { id: draft.id, version: draft.version });
    expect(publishKnowledgeArticle.status).toBe('PUBLISHED');

    const customer = await createCustomer();
    const opened = await openCase({ customerId: customer.id, subject: 'Wipers squeak', description: 'Loud squeak in the rain' });
    const { case: found } = await executeOk(url, CaseDetailsDocument, { id: opened.id, suggestionsFirst: 1 });
    expect(found.suggestedArticles.map((hit) => hit.article.id)).toEqual([wipers.id]);
  });
});

describe('no N+1: SQL statements do not grow with the number of cases', () => {
  beforeAll(async () => {
    await executeOk(url, CreateKnowledgeArticleDocument, {
      input: { title: 'Air conditioning questions', body: 'Air conditioning service and refill.', tags: [], status: 'PUBLISHED' },
    });
    for (let i = 0; i < 12; i++) {
      const customer = await createCustomer('Batch');
      const opened = await openCase({ customerId: customer.id, subject: `Air conditioning question ${i}` });
      await executeOk(url, AddCaseMessageDocument, { input: { caseId: opened.id, channel: 'EMAIL', direction: 'INBOUND', body: 'Hello' } });
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

  it('Case.messages and Case.suggestedArticles in the queue', async () => {
    const few = await serviceStatements(() => executeOk(url, CaseQueueWithConversationsDocument, { first: 2 }));
    const many = await serviceStatements(() => executeOk(url, CaseQueueWithConversationsDocument, { first: 12 }));
    expect(many.result.cases.edges.length).toBe(12);
    expect(many.result.cases.edges.some((e) => e.node.suggestedArticles.length > 0 && e.node.messages.totalCount > 0)).toBe(true);
    expect(many.statements).toEqual(few.statements);
    expect(many.statements).toEqual(['case_message', 'case_message', 'knowledge_article+support_case', 'support_case']);
  });
});
