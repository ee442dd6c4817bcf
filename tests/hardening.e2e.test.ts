import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, CustomerEmailsDocument, CustomerNameDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform, type RunningGateway } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 9.5, 9.7, 9.8: whatever a client sends, it gets a clear refusal with a code before any subgraph works on it,
// nothing it sent is echoed or logged, and the next normal request is answered as usual.

let platform: Platform;
let url: string;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  customerId = (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Pevná', lastName: 'Hráz', emails: [], phones: [] } }))
    .createCustomer.id;
});
afterAll(() => platform.stop());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function send(body: string, headers: Record<string, string> = {}, target = url): Promise<Answer> {
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: platform.admin.authorization, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Answer['body'] };
}
const query = (q: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, target = url) =>
  send(JSON.stringify({ query: q, variables }), headers, target);

const subgraphStatements = () => Object.values(platform.sql).reduce((sum, statements) => sum + statements.length, 0);

/** The refusal came before any subgraph ran a statement, and a normal request is answered right after. */
async function refusedUpFront(answer: () => Promise<Answer>): Promise<Answer> {
  await platform.resetSqlLog();
  const result = await answer();
  expect(subgraphStatements()).toBe(0);
  expect((await executeOk(url, CustomerNameDocument, { id: customerId })).customer.displayName).toBe('Pevná Hráz');
  return result;
}

describe('limits like a hardened GraphQL service', () => {
  it('refuses 1,000 aliases of search and 33,000 aliases of id', async () => {
    const searches = await refusedUpFront(() => query(`{ ${Array.from({ length: 1000 }, (_, i) => `s${i}: search(query: "nov") { title }`).join(' ')} }`));
    expect([searches.status, searches.body.errors?.[0]?.extensions?.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    expect(searches.body.errors?.[0]?.message).toMatch(/more that 3000 tokens/); // graphql-js's wording
    const aliases = await refusedUpFront(() =>
      query(`{ customer(id: "${customerId}") { ${Array.from({ length: 33_000 }, (_, i) => `a${i}: id`).join(' ')} } }`),
    );
    expect(aliases.status).toBe(400);
    const few = await refusedUpFront(() => query(`{ ${Array.from({ length: 16 }, (_, i) => `c${i}: customer(id: "${customerId}") { id }`).join(' ')} }`));
    expect(few.body.errors?.[0]?.message).toMatch(/Aliases limit of 15 exceeded/);
  });

  it('refuses nested pages that would multiply into a million records, saying how many', async () => {
    const nested = await refusedUpFront(() =>
      query(
        '{ customers(first: 100) { edges { node { interactions(first: 100) { edges { node { customer { interactions(first: 100) { totalCount } } } } } } } } }',
      ),
    );
    expect(nested.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 10_000 });
    expect(nested.body.errors?.[0]?.extensions?.cost as number).toBeGreaterThan(1_000_000);
  });

  it('refuses oversized search terms and list sizes with BAD_USER_INPUT naming the argument', async () => {
    const term = await query('query($q: String!) { searchCustomers(query: $q) { score } }', { q: 'x'.repeat(5000) });
    expect(term.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
    const first = await query('{ searchProducts(query: "octavia", first: 51) { score } }');
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const huge = await query('{ searchProducts(query: "octavia", first: 100000) { score } }');
    expect(huge.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const page = await query('{ customers(first: 100000) { totalCount } }');
    expect(page.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses NUL bytes and lone surrogates anywhere in the input, naming where', async () => {
    const create = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }';
    const nul = await refusedUpFront(() => query(create, { input: { kind: 'PERSON', firstName: 'Nu\u0000l', emails: [], phones: [] } }));
    expect(nul.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'variables.input.firstName' });
    // In the operation's text itself: GraphQL's parser refuses the broken character before anything runs.
    const surrogate = await refusedUpFront(() =>
      send(`{"query":"mutation { createCustomer(input: { kind: PERSON, lastName: \\"\\ud800x\\", emails: [], phones: [] }) { id } }"}`),
    );
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.errors?.[0]?.message).toBe('Syntax Error: Invalid character within String: U+D800.');
  });

  it('refuses input nested deeper than any form or rule, and bounds free-form JSON', async () => {
    let rules: Record<string, unknown> = { operator: 'AND', conditions: [{ opportunity: { hasOpen: true } }] };
    for (let i = 0; i < 1000; i++) rules = { operator: 'AND', groups: [rules] };
    const deep = await refusedUpFront(() =>
      query('mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }', { input: { name: 'Deep', kind: 'DYNAMIC', rules } }),
    );
    expect(deep.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(deep.body.errors?.[0]?.message).toMatch(/nests deeper than 24 levels/);

    const record = 'mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }';
    const big = await query(record, { input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: { blob: 'x'.repeat(100_000) } } });
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'properties' });
    const wide = await query(record, {
      input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])) },
    });
    expect(wide.body.errors?.[0]?.message).toMatch(/more than 200 keys/);
    let nested: unknown = 'leaf';
    for (let i = 0; i < 10; i++) nested = { nested };
    const deepJson = await query(record, { input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: nested } });
    expect(deepJson.body.errors?.[0]?.message).toMatch(/properties nests deeper than 8 levels/);
  });
});

describe('clean failure on bad bytes', () => {
  it('answers a malformed, oversized or non-JSON body with a JSON error: no stack, no paths, no echo', async () => {
    const secret = `jan.novak.${randomUUID()}@example.cz`;
    const malformed = await send(`{"query": "{ customers { totalCount } }", "variables": {"email": "${secret}"`);
    expect([malformed.status, malformed.body.errors?.[0]?.extensions?.code]).toEqual([400, 'BAD_REQUEST']);
    const oversized = await send(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2_000_000) } }));
    expect([oversized.status, oversized.body.errors?.[0]?.extensions?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const plain = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: platform.admin.authorization },
      body: '{ __typename }',
    });
    expect([plain.status, ((await plain.json()) as Answer['body']).errors?.[0]?.extensions?.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    for (const answer of [malformed, oversized]) {
      expect(answer.text).not.toMatch(/at \w+ \(|node_modules|\/work\/|<html|<pre/i);
      expect(answer.text).not.toContain(secret);
      expect(answer.headers.get('x-powered-by')).toBeNull();
      expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    }
  });

  it('sends security headers with the IDE page, whose one inline script carries the nonce of its policy', async () => {
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const policy = page.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(policy)![1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-powered-by')).toBeNull();
  });
});

describe('in production', () => {
  let production: RunningGateway;
  beforeAll(async () => {
    production = await platform.startGateway({ limits: { production: true, ide: false } });
  });

  it('serves no IDE, hides field suggestions, and keeps introspection for admins', async () => {
    const page = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    const typo = await query('{ customerz(first: 1) { totalCount } }', {}, {}, production.url);
    expect(typo.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const rep = await platform.createStaff('SALES_REP');
    const asRep = await query('{ __schema { queryType { name } } }', {}, { authorization: rep.authorization }, production.url);
    expect([asRep.status, asRep.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    const asAdmin = await query('{ __schema { queryType { name } } }', {}, {}, production.url);
    expect(asAdmin.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    // In development the suggestion helps the person writing the query.
    expect((await query('{ customerz(first: 1) { totalCount } }')).body.errors?.[0]?.message).toMatch(/Did you mean "customer/);
  });
});

describe('rate limits per caller', () => {
  it('answers 429 with Retry-After and RateLimit headers past the requests per window, and lets the caller in again', async () => {
    const gateway = await platform.startGateway({
      rateLimits: {
        requestsPerMinute: 3,
        windowSeconds: 2,
        costPerMinute: 1e6,
        anonymousRequestsPerMinute: 2,
        socketsPerCaller: 100,
        subscriptionsPerSocket: 100,
      },
    });
    const rep = await platform.createStaff('SALES_REP');
    const calls: Answer[] = [];
    for (let i = 0; i < 4; i++) calls.push(await query('{ __typename }', {}, { authorization: rep.authorization }, gateway.url));
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200, 429]);
    expect(calls.map((c) => c.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    expect(calls[0]!.headers.get('ratelimit-limit')).toBe('3');
    expect(calls[3]!.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(calls[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another caller is not held up by this one.
    expect((await query('{ __typename }', {}, {}, gateway.url)).status).toBe(200);
    await eventually(async () => expect((await query('{ __typename }', {}, { authorization: rep.authorization }, gateway.url)).status).toBe(200), 10_000);
    // Without credentials, the public form is limited per address.
    const form = () =>
      send(
        JSON.stringify({
          query: 'mutation($f: WebFormInput!) { submitWebForm(input: $f) { id } }',
          variables: { f: { formKey: platform.webFormKey, submissionId: randomUUID(), email: `p.${randomUUID().slice(0, 6)}@example.cz` } },
        }),
        { authorization: '' },
        gateway.url,
      );
    expect([(await form()).status, (await form()).status, (await form()).status]).toEqual([200, 200, 429]);
  });

  /** Room for 700 records a minute, and for everything else. */
  const COST_OF_700 = {
    requestsPerMinute: 1000,
    windowSeconds: 60,
    costPerMinute: 700,
    anonymousRequestsPerMinute: 10,
    socketsPerCaller: 100,
    subscriptionsPerSocket: 100,
  };

  it('limits the records a caller may ask for per window', async () => {
    const gateway = await platform.startGateway({
      rateLimits: COST_OF_700,
    });
    const pages = () => query('{ customers(first: 100) { edges { node { id } } } }', {}, {}, gateway.url);
    expect((await pages()).status).toBe(200);
    expect((await pages()).status).toBe(200);
    const third = await pages();
    expect([third.status, third.body.errors?.[0]?.extensions?.code]).toEqual([429, 'RATE_LIMITED']);
    expect(third.body.errors?.[0]?.message).toMatch(/records requested/);
  });

  it('charges nothing for an operation whose variables are refused, whether or not its cost is known', async () => {
    const gateway = await platform.startGateway({
      rateLimits: COST_OF_700,
    });
    const text = 'query($id: ID!) { customers(first: 100) { edges { node { id } } } customer(id: $id) { id } }';
    const ask = (id: unknown) => query(text, { id }, {}, gateway.url);
    // Its cost is worked out (and charged) once: a bit over 100 records of the 700 a minute.
    expect((await ask(customerId)).status).toBe(200);
    // The gateway checks the variables of an operation whose cost it knows after charging it, and gives it back.
    for (let attempt = 0; attempt < 8; attempt++) {
      const refused = await ask({ not: 'an id' });
      expect([refused.status, refused.body.errors?.map((error) => error.extensions?.code)]).toEqual([400, ['BAD_USER_INPUT']]);
    }
    expect((await ask(customerId)).status).toBe(200);
  });

  it('caps open sockets per caller and subscriptions per socket', async () => {
    const gateway = await platform.startGateway({
      rateLimits: {
        requestsPerMinute: 1000,
        windowSeconds: 60,
        costPerMinute: 1e6,
        anonymousRequestsPerMinute: 10,
        socketsPerCaller: 2,
        subscriptionsPerSocket: 1,
      },
    });
    const rep = await platform.createStaff('SALES_REP');
    const clients = [connect(gateway.wsUrl, rep.authorization), connect(gateway.wsUrl, rep.authorization), connect(gateway.wsUrl, rep.authorization)];
    try {
      const first = subscribe(clients[0]!, CustomerEmailsDocument, { id: customerId });
      const second = subscribe(clients[1]!, CustomerEmailsDocument, { id: customerId });
      await eventually(async () =>
        expect(
          (await (await fetch(gateway.url.replace('/graphql', '/health'))).json()) as { checks: { subscriptions: { subscriptions: number } } },
        ).toMatchObject({ checks: { subscriptions: { subscriptions: 2 } } }),
      );
      const third = (await subscribe(clients[2]!, CustomerEmailsDocument, { id: customerId }).failure) as { code?: number; reason?: string };
      expect(third.code).toBe(4129);
      const another = subscribe(clients[0]!, CustomerEmailsDocument, { id: randomUUID() });
      const [refused] = await another.waitFor(1).catch(() => [undefined]);
      const failure = refused ?? (await another.failure);
      expect(JSON.stringify(failure)).toContain('RATE_LIMITED');
      await Promise.all([first.close(), second.close()]);
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
