import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { Browser } from 'playwright-core';
import { startPlatform, type Platform } from './helpers/platform.js';
import { launchBrowser, screenshot } from './helpers/browser.js';
import { eventually } from './helpers/eventually.js';
import { executeOk } from './helpers/graphql.js';
import { CreateCustomerDocument, UpdateCustomerDocument } from './generated/graphql.js';

// Frontend teams' tools (issue 13, point 3): introspection and /schema.graphql show the client schema with its
// subscriptions, and GraphiQL runs a subscription over graphql-ws with the token typed into its page.

let platform: Platform;
let browser: Browser;
const origin = () => new URL(platform.gatewayUrl).origin;

beforeAll(async () => {
  platform = await startPlatform();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

const post = async (body: Record<string, unknown>, authorization = platform.admin.authorization) => {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> },
  };
};

describe('the client schema over HTTP', () => {
  it('introspection shows the Subscription type and its fields', async () => {
    const { body } = await post({ query: '{ __schema { subscriptionType { name fields { name } } } }' });
    const type = (body.data!.__schema as { subscriptionType: { name: string; fields: Array<{ name: string }> } }).subscriptionType;
    expect(type.name).toBe('Subscription');
    expect(type.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['opportunityChanged', 'caseChanged', 'customerChanged', 'leadChanged']));
  });

  it("GraphiQL's full introspection, GET /schema.graphql and schema/api.graphql are one schema", async () => {
    const { body } = await post({ query: getIntrospectionQuery({ inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true }) });
    expect(body.errors).toBeUndefined();
    const introspected = buildClientSchema(body.data as unknown as IntrospectionQuery);
    const response = await fetch(`${origin()}/schema.graphql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const served = await response.text();
    expect(served).toContain('type Subscription {');
    // The same types, fields and descriptions as the committed file and as introspection, sorted by name.
    const sorted = (schema: GraphQLSchema) => `${printSchema(lexicographicSortSchema(schema))}\n`;
    expect(served).toBe(sorted(buildSchema(await readFile('schema/api.graphql', 'utf8'))));
    expect(sorted(introspected)).toBe(served);
  });

  it('queries and mutations still run through the gateway, also beside introspection', async () => {
    const { body } = await post({ query: '{ __typename customers(first: 1) { totalCount } }' });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ __typename: 'Query', customers: { totalCount: expect.any(Number) } });
    // Introspection beside data: the gateway answers the data, the client schema the introspection.
    const mixed = await post({ query: '{ customers(first: 1) { totalCount } schema: __schema { subscriptionType { name } } }' });
    expect(mixed.body).toEqual({ data: { customers: { totalCount: expect.any(Number) }, schema: { subscriptionType: { name: 'Subscription' } } } });
  });

  it('in production, /schema.graphql is for admins only, like introspection', async () => {
    // Another gateway of the platform, in production mode (the platform stops it with the others).
    const production = await platform.startGateway({ limits: { production: true, ide: false } });
    const schemaFile = (authorization?: string) => fetch(new URL('/schema.graphql', production.url), { headers: authorization ? { authorization } : {} });
    const rep = await platform.createStaff('SALES_REP');
    for (const refused of [await schemaFile(), await schemaFile(rep.authorization)]) {
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })] });
    }
    const forged = await schemaFile('Bearer not-a-token');
    expect(forged.status).toBe(401);
    const admin = await schemaFile(platform.admin.authorization);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('type Subscription {');

    // Introspection too, however it is asked: at the root, or inside an inline fragment or a fragment spread.
    const introspect = (query: string, authorization: string) =>
      fetch(production.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query }) });
    for (const query of [
      '{ __schema { queryType { name } } }',
      '{ ... on Query { __schema { queryType { name } } } }',
      'query { ...Schema } fragment Schema on Query { __type(name: "Customer") { name } }',
    ]) {
      const refused = await introspect(query, rep.authorization);
      expect([query, refused.status]).toEqual([query, 403]);
      expect(await refused.text()).not.toContain('queryType');
      expect((await introspect(query, platform.admin.authorization)).status).toBe(200);
    }
  });

  it('a subscription posted over HTTP is told to use graphql-ws on the WebSocket URL', async () => {
    const { status, body } = await post({ query: 'subscription { caseChanged { event { type } } }' });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/graphql-ws.*ws:\/\/localhost:\d+\/graphql/), extensions: { code: 'BAD_REQUEST' } }),
    ]);
  });
});

describe('GraphiQL', () => {
  it('runs a subscription over graphql-ws with the token given on its page, and shows the event', async () => {
    const { createCustomer: customer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Ida', lastName: 'Novotná' },
    });
    const page = await browser.newPage();
    try {
      await page.goto(platform.gatewayUrl);
      await page.waitForSelector('.graphiql-query-editor .CodeMirror');
      // The caller: a signed-in sales rep's token pasted into the page (the demo-user picker fills the same field).
      const rep = await platform.createStaff('SALES_REP');
      await page.fill('#token', rep.authorization);
      await page.dispatchEvent('#token', 'change');

      const subscriptionsBefore = await liveSubscriptions();
      await page.click('.graphiql-query-editor .CodeMirror');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(
        `subscription Follow {\n  customerChanged(id: "${customer.id}") {\n    event { type }\n    customer { displayName }\n  }\n}`,
      );
      await page.click('.graphiql-execute-button');
      await eventually(async () => expect(await liveSubscriptions()).toBe(subscriptionsBefore + 1));

      await executeOk(platform.gatewayUrl, UpdateCustomerDocument, { id: customer.id, version: customer.version, input: { firstName: 'Ivana' } });
      await page.locator('.graphiql-response', { hasText: 'Ivana Novotná' }).waitFor({ timeout: 10_000 });
      const pane = await page.textContent('.graphiql-response');
      expect(pane).toContain('CustomerChanged');
      await screenshot(page, 'graphiql-subscription');
    } finally {
      await page.close();
    }
  }, 60_000);
});

/** The gateway's live subscriptions (its health report counts the bus tail's listeners). */
async function liveSubscriptions(): Promise<number> {
  const health = (await (await fetch(`${origin()}/health/ready`)).json()) as { checks: { subscriptions: { subscriptions: number } } };
  return health.checks.subscriptions.subscriptions;
}
