import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { SubgraphName } from '@crm/kit/config.js';
import { CreateCustomerDocument, CreateSegmentDocument, CreateSequenceDocument, MergeCustomersDocument } from './generated/graphql.js';
import { execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 13, point 5: every reference to a customer that sales, marketing and service are given is checked against
// identity as it is written (kit/customer-references.ts, docs/adr/0016-customer-references.md): an id identity does
// not know is refused with NOT_FOUND naming the field and nothing is written, a merged id is stored as its survivor,
// and a bulk call with one unknown id writes none of its items.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const op = (source: string) => parse(source) as TypedDocumentNode<Record<string, { customer?: { id: string } | null }>, Record<string, unknown>>;
const unique = () => randomUUID().slice(0, 8);

async function newCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Reference', emails: [`${firstName.toLowerCase()}-${unique()}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

/** The rows a subgraph holds for a customer, over the tables where it keeps customer ids. */
async function rowsOf(subgraph: SubgraphName, tables: string[], customerId: string): Promise<number> {
  const [row] = await platform.subgraphs[subgraph].orm.em
    .fork()
    .execute<Array<{ count: string }>>(
      `select (${tables.map((table) => `(select count(*) from ${table} where customer_id = ?)`).join(' + ')})::text as count`,
      [...tables.map(() => customerId)],
    );
  return Number(row!.count);
}

const TABLES: Record<Exclude<SubgraphName, 'identity'>, string[]> = {
  sales: ['opportunity', 'sales_lead', 'quote', 'sales_activity'],
  marketing: ['interaction', 'sequence_enrolment', 'survey_response', 'segment_member'],
  service: ['support_case', 'asset', 'service_contract'],
};

/** Every mutation of sales, marketing and service that takes a customer id, with the customer it names. */
function entryPoints(customerId: string, context: { sequenceId: string; segmentId: string }) {
  const vin = () => `TMB${unique()}${unique()}`.toUpperCase();
  return {
    createOpportunity: [
      op('mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { customer { id } } }'),
      { input: { customerId, title: 'Kodiaq', amount: { amount: '100', currency: 'CZK' } } },
    ],
    createLead: [op('mutation($input: CreateLeadInput!) { createLead(input: $input) { customer { id } } }'), { input: { customerId, source: 'PHONE' } }],
    upsertLeads: [
      op('mutation($input: [UpsertLeadInput!]!) { upsertLeads(input: $input) { created } }'),
      { input: [{ sourceSystem: 'references-test', externalId: unique(), customerId, source: 'PHONE' }] },
    ],
    createQuote: [
      op('mutation($input: CreateQuoteInput!) { createQuote(input: $input) { customer { id } } }'),
      { input: { customerId, title: 'Offer', currency: 'CZK' } },
    ],
    createActivity: [
      op('mutation($input: CreateActivityInput!) { createActivity(input: $input) { customer { id } } }'),
      { input: { customerId, type: 'TASK', subject: 'Call back', dueAt: new Date(Date.now() + 86_400_000).toISOString() } },
    ],
    recordInteraction: [
      op('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { customer { id } } }'),
      { input: { customerId, channel: 'WEB', type: 'PAGE_VIEW' } },
    ],
    recordInteractions: [
      op('mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }'),
      { input: [{ customerId, channel: 'WEB', type: 'PAGE_VIEW' }] },
    ],
    linkAnonymousInteractions: [
      op(
        'mutation($anonymousId: String!, $customerId: ID!) { linkAnonymousInteractions(anonymousId: $anonymousId, customerId: $customerId) { customer { id } } }',
      ),
      { anonymousId: `device-${unique()}`, customerId },
    ],
    enrolInSequence: [
      op('mutation($input: EnrolInSequenceInput!) { enrolInSequence(input: $input) { customer { id } } }'),
      { input: { customerId, sequenceId: context.sequenceId } },
    ],
    answerSurvey: [
      op('mutation($input: AnswerSurveyInput!) { answerSurvey(input: $input) { customer { id } } }'),
      { input: { customerId, score: 9, channel: 'EMAIL' } },
    ],
    addToList: [
      op('mutation($segmentId: ID!, $customerIds: [ID!]!) { addToList(segmentId: $segmentId, customerIds: $customerIds) { id } }'),
      { segmentId: context.segmentId, customerIds: [customerId] },
    ],
    openCase: [
      op('mutation($input: OpenCaseInput!) { openCase(input: $input) { customer { id } } }'),
      { input: { customerId, subject: 'Rattling door', channel: 'EMAIL' } },
    ],
    registerAsset: [
      op('mutation($input: RegisterAssetInput!) { registerAsset(input: $input) { customer { id } } }'),
      { input: { customerId, kind: 'VEHICLE', identifier: vin(), model: 'Octavia', year: 2026, mileage: 5 } },
    ],
    setServiceContract: [
      op('mutation($input: SetServiceContractInput!) { setServiceContract(input: $input) { customer { id } } }'),
      { input: { customerId, tier: 'PREMIUM' } },
    ],
  } as const;
}

/** The refusal, and the mutation's answer (undefined: nothing answered). */
const errorOf = (result: GraphQLResponse<unknown>) => {
  const [error] = result.errors ?? [];
  const data = (result.data ?? {}) as Record<string, unknown>;
  return { code: error?.extensions?.code, field: error?.extensions?.field, message: error?.message, data: Object.values(data)[0] ?? undefined };
};

describe('customer references', () => {
  let context: { sequenceId: string; segmentId: string };
  beforeAll(async () => {
    const [{ createSequence }, { createSegment }] = await Promise.all([
      executeOk(url, CreateSequenceDocument, {
        input: { name: `References ${unique()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 }] },
      }),
      executeOk(url, CreateSegmentDocument, { input: { name: `References ${unique()}`, kind: 'STATIC' } }),
    ]);
    context = { sequenceId: createSequence.id, segmentId: createSegment.id };
  });

  it('refuses an id identity does not know at every entry point of sales, marketing and service, naming the field, and writes nothing', async () => {
    const unknown = randomUUID();
    const points = entryPoints(unknown, context);
    const answers: Record<string, unknown> = {};
    for (const [name, [document, variables]] of Object.entries(points)) answers[name] = errorOf(await execute(url, document, variables));
    const expected = (field: string) => ({ code: 'NOT_FOUND', field, message: `${field}: Customer ${unknown} does not exist`, data: undefined });
    expect(answers).toEqual({
      ...Object.fromEntries(Object.keys(points).map((name) => [name, expected('customerId')])),
      recordInteractions: {
        code: 'NOT_FOUND',
        field: 'input',
        message: `1 of 1 customer ids are unknown, so none was written: item 0 (customerId): Customer ${unknown} does not exist`,
        data: undefined,
      },
      upsertLeads: {
        code: 'NOT_FOUND',
        field: 'input',
        message: `1 of 1 customer ids are unknown, so none was written: item 0 (customerId): Customer ${unknown} does not exist`,
        data: undefined,
      },
      addToList: {
        code: 'NOT_FOUND',
        field: 'input',
        message: `1 of 1 customer ids are unknown, so none was written: item 0 (customerIds): Customer ${unknown} does not exist`,
        data: undefined,
      },
    });
    for (const [subgraph, tables] of Object.entries(TABLES)) expect([subgraph, await rowsOf(subgraph as SubgraphName, tables, unknown)]).toEqual([subgraph, 0]);
  });

  it("stores a merged id as its survivor, whether or not the merge's event has reached the subgraph yet", async () => {
    const [survivor, merged] = await Promise.all([newCustomer('Survivor'), newCustomer('Merged')]);
    await executeOk(url, MergeCustomersDocument, { survivorId: survivor, mergedId: merged });
    const points = entryPoints(merged, context);
    const stored: Record<string, unknown> = {};
    for (const [name, [document, variables]] of Object.entries(points)) {
      const data = (await executeOk(url, document, variables))[name];
      stored[name] = data && 'customer' in data ? data.customer?.id : 'no customer field';
    }
    expect(stored).toEqual({
      ...Object.fromEntries(Object.keys(points).map((name) => [name, survivor])),
      recordInteractions: 'no customer field',
      upsertLeads: 'no customer field',
      addToList: 'no customer field',
    });
    // In each subgraph's own tables: nothing under the merged id, everything under the survivor's.
    for (const [subgraph, tables] of Object.entries(TABLES)) {
      expect([subgraph, await rowsOf(subgraph as SubgraphName, tables, merged)]).toEqual([subgraph, 0]);
    }
    expect(await rowsOf('marketing', ['interaction'], survivor)).toBeGreaterThanOrEqual(2); // recordInteraction(s), answerSurvey's
    expect(await rowsOf('marketing', ['segment_member'], survivor)).toBe(1);
    expect(await rowsOf('sales', ['sales_lead'], survivor)).toBe(2); // createLead's and upsertLeads'
  });

  it('fails a bulk call of 1,000 whole when one of its customers is unknown, naming the item', async () => {
    const known = await newCustomer('Bulk');
    const unknown = randomUUID();
    const items = Array.from({ length: 1000 }, (_, i) => ({ customerId: i === 637 ? unknown : known, channel: 'WEB', type: 'PAGE_VIEW' }));
    const result = await execute(url, op('mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }'), { input: items });
    expect(errorOf(result)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'input',
      message: expect.stringContaining(`item 637 (customerId): Customer ${unknown}`),
    });
    expect(result.errors?.[0]?.extensions?.items).toEqual([{ index: 637, field: 'customerId', message: `Customer ${unknown} does not exist` }]);
    expect(await rowsOf('marketing', ['interaction'], known)).toBe(0);
  });
});
