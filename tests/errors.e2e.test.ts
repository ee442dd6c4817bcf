import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CustomerNameDocument,
  CustomerWithCasesDocument,
  Customer360Document,
  OpportunityDocument,
  RecordInteractionDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A request as any client would send it: the document and variables as written, not typed by codegen. */
async function postGraphql(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<unknown>> {
  return (await postWithStatus(query, variables)).body;
}

async function postWithStatus(query: string, variables: Record<string, unknown>): Promise<{ status: number; body: GraphQLResponse<unknown> }> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<unknown> };
}

function expectNoLeaks(result: GraphQLResponse<unknown>) {
  const text = JSON.stringify(result.errors);
  expect(text).not.toMatch(/stacktrace|\bat .*\.(ts|js):\d+|select |insert into|relation "|node_modules/i);
}

describe('bad input gets a clear error and loses nothing', () => {
  it('rejects a malformed id with BAD_USER_INPUT', async () => {
    const result = await execute(platform.gatewayUrl, CustomerNameDocument, { id: 'not-an-id' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toBe('"not-an-id" is not a valid Customer id');
    expectNoLeaks(result);
  });

  it('rejects a variable the schema does not allow with BAD_USER_INPUT, naming the value', async () => {
    // An enum value that does not exist, deep in an input object: the gateway's own coercion of the variables.
    const stage = await postGraphql('mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }', {
      input: { name: 'Bad marker', stages: [{ name: 'Won', probability: 100, marker: 'WON' }] },
    });
    expect(errorCodes(stage)).toEqual(['BAD_USER_INPUT']);
    expect(stage.errors?.[0]?.message).toContain('"WON" does not exist in "StageMarker" enum');
    // A required variable left out, and one of the wrong type.
    const missing = await postGraphql('query($id: ID!) { customer(id: $id) { id } }', {});
    expect(errorCodes(missing)).toEqual(['BAD_USER_INPUT']);
    expect(missing.errors?.[0]?.message).toContain('"$id" of required type "ID!" was not provided');
    const wrongType = await postGraphql('query($first: Int) { customers(first: $first) { totalCount } }', { first: 'ten' });
    expect(errorCodes(wrongType)).toEqual(['BAD_USER_INPUT']);
    expectNoLeaks(wrongType);
  });

  it('answers bad variables alike whether or not the cost of their document is already known', async () => {
    // The first call of a document works out its cost and checks its variables on the way; once the cost is known,
    // the variables it does not depend on are left to the gateway's own check (coerced once, not twice).
    const query = 'mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }';
    // Two bad items: the first refusal answers, once the cost is known as before.
    const badItems = [
      { channel: 'WEB', type: 'NOT_A_TYPE' },
      { channel: 'NOT_A_CHANNEL', type: 'PAGE_VIEW' },
    ];
    const first = await postWithStatus(query, { input: badItems });
    // Valid variables: past the gateway's checks (marketing refuses an empty batch), and the cost is known now.
    const known = await postWithStatus(query, { input: [] });
    expect(known.body.errors?.[0]).toMatchObject({ message: 'Send at least one of the interactions', extensions: { serviceName: 'marketing' } });
    const again = await postWithStatus(query, { input: badItems });
    for (const answer of [first, again]) {
      expect(answer.status).toBe(400);
      expect(errorCodes(answer.body)).toEqual(['BAD_USER_INPUT']);
      expect(answer.body.data).toBeUndefined();
      expectNoLeaks(answer.body);
    }
    expect(first.body.errors).toHaveLength(1);
    expect(again.body.errors).toEqual(first.body.errors);
    expect(first.body.errors?.[0]?.message).toContain('"NOT_A_TYPE" does not exist in "InteractionType" enum');
  });

  it('reports an unknown id as NOT_FOUND', async () => {
    const customer = await execute(platform.gatewayUrl, CustomerNameDocument, { id: UNKNOWN_ID });
    expect(errorCodes(customer)).toEqual(['NOT_FOUND']);
    expect(customer.errors?.[0]?.message).toBe(`Customer ${UNKNOWN_ID} does not exist`);
    const opportunity = await execute(platform.gatewayUrl, OpportunityDocument, { id: UNKNOWN_ID });
    expect(errorCodes(opportunity)).toEqual(['NOT_FOUND']);
  });

  it('rejects an invalid e-mail and writes nothing', async () => {
    const result = await execute(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Half', emails: ['half@example.cz', 'not-an-email'], phones: [] },
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain('not-an-email');
    expectNoLeaks(result);
    // The valid address of the failed call was not stored: it is still free.
    await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Whole', emails: ['half@example.cz'], phones: [] },
    });
  });

  it('rejects a duplicate e-mail with CONFLICT', async () => {
    const input = { kind: 'PERSON' as const, firstName: 'Twin', emails: ['twin@example.cz'], phones: [] };
    await executeOk(platform.gatewayUrl, CreateCustomerDocument, { input });
    const result = await execute(platform.gatewayUrl, CreateCustomerDocument, { input });
    expect(errorCodes(result)).toEqual(['CONFLICT']);
  });

  it('rejects negative and malformed money and bad currencies', async () => {
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Money', emails: [], phones: [] },
    });
    const base = { customerId: createCustomer.id, title: 'Car' };
    const negative = await execute(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { ...base, amount: { amount: '-5.00', currency: 'EUR' } },
    });
    expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);
    expect(negative.errors?.[0]?.message).toBe('amount must not be negative');
    const malformed = await execute(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { ...base, amount: { amount: '12,50', currency: 'EUR' } },
    });
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.errors?.[0]?.message).toContain('is not a decimal number');
    const currency = await execute(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { ...base, amount: { amount: '10', currency: 'XYZ' } },
    });
    expect(errorCodes(currency)).toEqual(['BAD_USER_INPUT']);
    expect(currency.errors?.[0]?.message).toContain('ISO 4217');
    [negative, malformed, currency].forEach(expectNoLeaks);
  });

  it('rejects an interaction with no one to attach it to, and an unknown cursor', async () => {
    const orphan = await execute(platform.gatewayUrl, RecordInteractionDocument, { input: { channel: 'WEB', type: 'PAGE_VIEW' } });
    expect(errorCodes(orphan)).toEqual(['BAD_USER_INPUT']);
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Cursor', emails: [], phones: [] },
    });
    const cursor = await execute(platform.gatewayUrl, Customer360Document, { id: createCustomer.id, timelineAfter: 'garbage' });
    expect(errorCodes(cursor)).toContain('BAD_USER_INPUT');
    expect(cursor.errors?.find((e) => e.extensions?.code === 'BAD_USER_INPUT')?.message).toContain('is not a cursor');
  });
});

describe('a stopped subgraph', () => {
  it('nulls only its own fields; the gateway still answers the rest', async () => {
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Outage', emails: ['outage@example.cz'], phones: [] },
    });
    await platform.stopSubgraph('service');
    const result = await execute(platform.gatewayUrl, CustomerWithCasesDocument, { id: createCustomer.id });
    expect(result.data?.customer).toMatchObject({
      displayName: 'Outage',
      emails: ['outage@example.cz'],
      cases: null,
      opportunities: { totalCount: 0 },
    });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      message: 'The service service is unavailable right now; the rest of the answer is still returned',
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'service' },
    });
    expectNoLeaks(result);
    // And the gateway keeps serving.
    const again = await executeOk(platform.gatewayUrl, CustomerNameDocument, { id: createCustomer.id });
    expect(again.customer.displayName).toBe('Outage');
  });
});

describe('query limits', () => {
  it('refuses a query nested deeper than any screen needs before running it', async () => {
    const nested = Array.from({ length: 14 }).reduce<string>((inner) => `organization { ${inner} }`, 'id');
    const response = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ customer(id: "${UNKNOWN_ID}") { ${nested} } }` }),
    });
    const result = (await response.json()) as GraphQLResponse<unknown>;
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0]?.message).toMatch(/depth limit of 12 exceeded/);
  });
});
