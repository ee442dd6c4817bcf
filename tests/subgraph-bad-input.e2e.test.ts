import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SubgraphName } from '@crm/kit/config.js';
import { errorCodes, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

/**
 * Bad input that reached a subgraph's database (or Express) and came back as INTERNAL_SERVER_ERROR or HTTP 500: each
 * is answered with a code and a message a person understands, and a refused write leaves nothing behind.
 */
let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A request as any client would send it: the document and variables as written. */
async function postGraphql(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<Record<string, unknown>>> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<Record<string, unknown>>;
}

async function postOk(query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await postGraphql(query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

function expectNoLeaks(result: GraphQLResponse<unknown>) {
  expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|\bat .*\.(ts|js):\d+|select |insert into|relation "|violates|node_modules|out of range:/i);
}

/** Rows of a subgraph's table that match, read straight from its database. */
async function countRows(subgraph: SubgraphName, sql: string, params: unknown[]): Promise<number> {
  const [row] = await platform.subgraphs[subgraph].orm.em.fork().getConnection().execute<Array<{ n: number }>>(`select count(*)::int as n ${sql}`, params);
  return row!.n;
}

async function createCustomer(input: Record<string, unknown>) {
  return postGraphql('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }', { input });
}

async function newCustomerId(): Promise<string> {
  const data = await postOk('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }', {
    input: { firstName: 'Bad', lastName: `Input ${randomUUID().slice(0, 8)}` },
  });
  return (data.createCustomer as { id: string }).id;
}

const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe('a forged cursor whose sort value has the wrong type', () => {
  it.each([
    ['customers', 'customers(first: 2, after: $after) { edges { node { id } } }'],
    ['opportunities', 'opportunities(first: 2, after: $after) { edges { node { id } } }'],
    ['leads', 'leads(first: 2, after: $after) { edges { node { id } } }'],
    ['activities', 'activities(first: 2, after: $after) { edges { node { id } } }'],
    ['cases', 'cases(first: 2, after: $after) { edges { node { id } } }'],
    ['campaigns', 'campaigns(first: 2, after: $after) { edges { node { id } } }'],
    ['products', 'products(first: 2, after: $after) { edges { node { id } } }'],
    ['auditLog', 'auditLog(first: 2, after: $after) { edges { node { id } } }'],
  ])('is refused as a cursor of another list by %s', async (_list, field) => {
    for (const sortValue of [12345, 1e300]) {
      const result = await postGraphql(`query($after: String) { ${field} }`, { after: cursorOf([sortValue, randomUUID()]) });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toBe('This cursor belongs to another list');
      expectNoLeaks(result);
    }
  });
});

describe('a date in year 0000', () => {
  it('is refused by every mutation that takes a date, and nothing is written', async () => {
    const customerId = await newCustomerId();
    const name = `Year zero ${randomUUID().slice(0, 8)}`;
    const refusals = [
      await createCustomer({ firstName: name, birthDate: '0000-01-01' }),
      await postGraphql('mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }', {
        input: { customerId, title: name, amount: { amount: '1', currency: 'CZK' }, expectedCloseDate: '0000-06-30' },
      }),
      await postGraphql('mutation($input: [CreateQuoteInput!]!) { createQuotes(input: $input) { id } }', {
        input: [{ customerId, title: name, currency: 'CZK', validUntil: '0000-12-31' }],
      }),
      await postGraphql('mutation($input: CreateWorkingCalendarInput!) { createWorkingCalendar(input: $input) { id } }', {
        input: { name, workingHours: [{ days: ['MON'], opens: '08:00', closes: '16:00' }], holidays: [{ date: '0000-01-01' }] },
      }),
      // A literal in the document too, not only a variable.
      await postGraphql(`mutation { createCustomer(input: { firstName: "${name}", birthDate: "0000-01-01" }) { id } }`),
    ];
    for (const result of refusals) {
      expect(errorCodes(result)).toEqual([expect.stringMatching(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/)]);
      expect(result.errors?.[0]?.message).toContain('"0000-');
      expect(result.errors?.[0]?.message).toContain('the year must be 0001 or later');
      expectNoLeaks(result);
    }
    expect(await countRows('identity', 'from customer where first_name = ?', [name])).toBe(0);
    expect(await countRows('sales', 'from opportunity where title = ?', [name])).toBe(0);
    expect(await countRows('sales', 'from quote where title = ?', [name])).toBe(0);
    expect(await countRows('service', 'from working_calendar where name = ?', [name])).toBe(0);
    // Year 0001 is a date like any other.
    await postOk('mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }', { input: { firstName: name, birthDate: '0001-01-01' } });
  });
});

describe('money larger than its column', () => {
  it('is refused at the Decimal scalar with 15 digits before the point, and 14 are stored', async () => {
    const customerId = await newCustomerId();
    const title = `Large deal ${randomUUID().slice(0, 8)}`;
    const create = (amount: string) =>
      postGraphql('mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id amount { amount } } }', {
        input: { customerId, title, amount: { amount, currency: 'CZK' } },
      });
    const refused = await create('999999999999999');
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0]?.message).toContain('at most 14 digits before the point');
    expectNoLeaks(refused);
    expect(await countRows('sales', 'from opportunity where title = ?', [title])).toBe(0);

    const stored = await create('99999999999999.99');
    expect(stored.errors).toBeUndefined();
    expect(stored.data?.createOpportunity).toMatchObject({ amount: { amount: '99999999999999.99' } });
  });

  it('is refused when a sum of amounts that fit overflows its column, and nothing is written', async () => {
    const customerId = await newCustomerId();
    const run = randomUUID().slice(0, 8);
    const product = await postOk('mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
      input: { sku: `huge-${run}`, name: 'Fleet', category: 'CAR', listPrice: { amount: '90000000000000.00', currency: 'CZK' } },
    });
    const title = `Fleet quote ${run}`;
    const result = await postGraphql('mutation($input: [CreateQuoteInput!]!) { createQuotes(input: $input) { id } }', {
      input: [{ customerId, title, currency: 'CZK', lines: [{ productId: (product.createProduct as { id: string }).id, quantity: 10 }] }],
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain('out of the range that can be stored');
    expectNoLeaks(result);
    expect(await countRows('sales', 'from quote where title = ?', [title])).toBe(0);
  });
});

describe('an organizationId that names no customer', () => {
  it('is NOT_FOUND for createCustomer, naming the organization, and writes nothing', async () => {
    const name = `Orphan ${randomUUID().slice(0, 8)}`;
    const result = await createCustomer({ firstName: name, emails: [`${name.replace(' ', '.').toLowerCase()}@example.cz`], organizationId: UNKNOWN_ID });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(result.errors?.[0]?.message).toBe(`Customer ${UNKNOWN_ID} does not exist`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ field: 'organizationId', id: UNKNOWN_ID });
    expectNoLeaks(result);
    expect(await countRows('identity', 'from customer where first_name = ?', [name])).toBe(0);
    expect(await countRows('identity', 'from customer_identifier where value like ?', [`${name.replace(' ', '.').toLowerCase()}%`])).toBe(0);
  });

  it('is named as not existing by upsertCustomers', async () => {
    const externalId = `orphan-${randomUUID().slice(0, 8)}`;
    const result = await postGraphql('mutation($input: [UpsertCustomerInput!]!) { upsertCustomers(input: $input) { created } }', {
      input: [{ sourceSystem: 'dms', externalId, firstName: 'Orphan', organizationId: UNKNOWN_ID }],
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.items).toEqual([{ index: 0, field: 'organizationId', message: `Customer ${UNKNOWN_ID} does not exist` }]);
    expect(await countRows('identity', 'from customer_identifier where value = ?', [`dms:${externalId}`])).toBe(0);
  });
});

describe('a public link with malformed percent-encoding', () => {
  it('is answered 400 with the page of a link that is not valid', async () => {
    const base = platform.gatewayUrl.replace(/\/graphql$/, '');
    for (const path of ['/public/sales/quotes/%ZZ', '/public/sales/quotes/%ZZ/document.pdf', '/public/marketing/click/%E0%A4%A']) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status]).toEqual([path, 400]);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('This link is not valid');
    }
  });
});

describe('bulk calls whose items fail argument validation', () => {
  it('name each bad item by its index, and write nothing', async () => {
    const customerId = await newCustomerId();
    const run = randomUUID().slice(0, 8);
    const quotes = await postGraphql('mutation($input: [CreateQuoteInput!]!) { createQuotes(input: $input) { id } }', {
      input: [
        { customerId, title: `Fine ${run}`, currency: 'CZK' },
        { customerId, title: `Bad currency ${run}`, currency: 'NOPE' },
        { customerId, title: `Bad too ${run}`, currency: 'XX' },
      ],
    });
    expect(errorCodes(quotes)).toEqual(['BAD_USER_INPUT']);
    const message = 'currency must be an ISO 4217 code such as EUR or CZK';
    expect(quotes.errors?.[0]?.extensions?.items).toEqual([
      { index: 1, field: 'currency', message },
      { index: 2, field: 'currency', message },
    ]);
    expect(quotes.errors?.[0]?.message).toContain(`item 1 (currency): ${message}`);
    expect(await countRows('sales', 'from quote where title like ?', [`% ${run}`])).toBe(0);

    const deals = await postGraphql('mutation($input: [UpsertOpportunityInput!]!) { upsertOpportunities(input: $input) { created } }', {
      input: [
        { sourceSystem: 'dms', externalId: `ok-${run}`, customerId, title: 'Fine', amount: { amount: '1', currency: 'CZK' } },
        { sourceSystem: 'dms', externalId: `bad-${run}`, customerId, title: 'Sure thing', amount: { amount: '1', currency: 'CZK' }, probability: 200 },
      ],
    });
    expect(errorCodes(deals)).toEqual(['BAD_USER_INPUT']);
    expect(deals.errors?.[0]?.extensions?.items).toEqual([{ index: 1, field: 'probability', message: expect.any(String) }]);
    expect(await countRows('sales', 'from opportunity where external_id like ?', [`%-${run}`])).toBe(0);
  });
});
