import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddToListDocument,
  AnonymousInteractionsDocument,
  CreateCustomerDocument,
  CreateSegmentDocument,
  CustomerSegmentsDocument,
  CustomersWithMarketingDocument,
  CustomerTimelineDocument,
  LinkAnonymousInteractionsDocument,
  MarketingAutomationViewDocument,
  RecordInteractionDocument,
  RecordInteractionsDocument,
  type RecordInteractionInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, queryOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Marketing's fields on identity's Customer (the timeline, segments, message sends, enrolments) and the interaction API
// through the gateway: the answers and errors clients get, and the SQL a page of customers costs. Batches, linking,
// the timeline's filters and segment paging are tested on marketing's own database
// (subgraphs/marketing/test/{interaction,segment}.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(url, document, variables);
const attempt = <R, V>(document: Parameters<typeof execute<R, V>>[1], variables: V) => execute(url, document, variables);

/** The platform's own plumbing, not client API: the test feeds projections as the platform would. */
const upsertProjections = (variables: { input: Record<string, unknown> }) =>
  platform.internal('marketing', 'mutation($input: MarketingProjectionsInput!) { upsertMarketingProjections(input: $input) { profiles } }', variables);

async function createCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName: 'Marketing', emails: [], phones: [] } });
  return createCustomer.id;
}

const pageView = (customerId: string, url: string, age: number): RecordInteractionInput => ({
  customerId,
  channel: 'WEB',
  type: 'PAGE_VIEW',
  occurredAt: daysAgo(age),
  sourceSystem: 'website',
  properties: { url },
});

describe('the timeline on the Customer', () => {
  it('records a partner batch and its retry, and shows it on the customer with its totalCount', async () => {
    const customerId = await createCustomer('Bulk');
    const batch = Array.from({ length: 3 }, (_, i) => ({ ...pageView(customerId, `/page/${i}`, 1), externalEventId: `evt-${customerId}-${i}` }));
    const first = await gql(RecordInteractionsDocument, { input: batch });
    expect(first.recordInteractions).toMatchObject({ accepted: 3, duplicates: 0 });
    const retry = await gql(RecordInteractionsDocument, {
      input: [...batch.slice(0, 2), { ...pageView(customerId, '/new', 1), externalEventId: `evt-${customerId}-new` }],
    });
    expect(retry.recordInteractions).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(retry.recordInteractions.ids.slice(0, 2)).toEqual(first.recordInteractions.ids.slice(0, 2));
    const again = await gql(RecordInteractionDocument, { input: batch[0]! });
    expect(again.recordInteraction).toMatchObject({ id: first.recordInteractions.ids[0], customer: { id: customerId } });
    const { customer } = await gql(CustomerTimelineDocument, { id: customerId, first: 1 });
    expect(customer.interactions?.totalCount).toBe(4);
  });

  it('answers one recorded interaction from the row its insert returned, without reading it back', async () => {
    const customerId = await createCustomer('Single');
    const input = { ...pageView(customerId, '/models/kodiaq', 2), externalEventId: `single-${customerId}` };
    await platform.resetSqlLog();
    const before = Date.now();
    const { recordInteraction } = await queryOk<{ recordInteraction: Record<string, unknown> }>(
      url,
      `mutation($input: RecordInteractionInput!) {
        recordInteraction(input: $input) { id customer { id } channel type occurredAt sourceSystem externalEventId properties recordedAt }
      }`,
      { input },
    );
    expect(recordInteraction).toMatchObject({
      customer: { id: customerId },
      channel: 'WEB',
      type: 'PAGE_VIEW',
      occurredAt: input.occurredAt,
      sourceSystem: 'website',
      externalEventId: input.externalEventId,
      properties: { url: '/models/kodiaq' },
    });
    // The server's time of the insert, as stored.
    expect(Date.parse(recordInteraction.recordedAt as string)).toBeGreaterThanOrEqual(before - 1000);
    const reads = platform.sql.marketing.filter((statement) => /\bfrom "?interaction"?\b/.test(statement));
    expect(reads).toEqual([]);
    // A retry under the same partner key inserts nothing: the stored row is read and answered.
    const { recordInteraction: again } = await queryOk<{ recordInteraction: Record<string, unknown> }>(
      url,
      'mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id recordedAt properties } }',
      { input: { ...pageView(customerId, '/other', 1), externalEventId: `single-${customerId}` } },
    );
    expect(again).toEqual({ id: recordInteraction.id, recordedAt: recordInteraction.recordedAt, properties: { url: '/models/kodiaq' } });
  });

  it('answers refused batches with the codes and messages clients read, writing nothing', async () => {
    expect(errorCodes(await attempt(RecordInteractionsDocument, { input: [] }))).toEqual(['BAD_USER_INPUT']);
    const item = { anonymousId: 'oversize', channel: 'WEB' as const, type: 'PAGE_VIEW' as const };
    const oversized = await attempt(RecordInteractionsDocument, { input: Array.from({ length: 1001 }, () => item) });
    expect(errorCodes(oversized)).toEqual(['BAD_USER_INPUT']);
    expect(oversized.errors?.[0]?.message).toContain('at most 1000');
    const device = `device-${randomUUID()}`;
    const result = await attempt(RecordInteractionsDocument, {
      input: [
        { anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW' },
        { anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW' },
        { customerId: 'not-a-uuid', channel: 'WEB', type: 'PAGE_VIEW' },
      ],
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toContain('item 2 (customerId): ');
    expect((await gql(AnonymousInteractionsDocument, { anonymousId: device })).anonymousInteractions.totalCount).toBe(0);
  });

  it("links a device's anonymous interactions to the customer and filters the customer's timeline", async () => {
    const device = `device-${randomUUID()}`;
    await gql(RecordInteractionsDocument, {
      input: [
        { anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW', occurredAt: daysAgo(9), properties: { url: '/models/suv' } },
        { anonymousId: device, channel: 'APP', type: 'SEARCH', occurredAt: daysAgo(8), properties: { query: '7 seats' } },
      ],
    });
    const customerId = await createCustomer('Linked');
    await gql(RecordInteractionDocument, { input: { customerId, channel: 'PHONE', type: 'CALL', occurredAt: daysAgo(2) } });
    const { linkAnonymousInteractions } = await gql(LinkAnonymousInteractionsDocument, { anonymousId: device, customerId });
    expect(linkAnonymousInteractions).toEqual({ linked: 2, customer: { id: customerId } });

    const all = await gql(CustomerTimelineDocument, { id: customerId, first: 10 });
    expect(all.customer.interactions?.edges.map((e) => e.node.type)).toEqual(['CALL', 'SEARCH', 'PAGE_VIEW']);
    const recent = await gql(CustomerTimelineDocument, { id: customerId, first: 10, filter: { channels: ['WEB', 'APP'], since: daysAgo(8.5) } });
    expect(recent.customer.interactions?.edges.map((e) => e.node.type)).toEqual(['SEARCH']);
    expect(errorCodes(await attempt(LinkAnonymousInteractionsDocument, { anonymousId: device, customerId: 'nope' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('segments, sends and enrolments on the Customer', () => {
  it('pages Customer.segments with cursors and refuses a forged one', async () => {
    const customer = await createCustomer('Listed'); // no profile: in no DYNAMIC segment, only on the lists below
    for (const name of ['Paging list B', 'Paging list A', 'Paging list C']) {
      const { createSegment } = await gql(CreateSegmentDocument, { input: { name, kind: 'STATIC' } });
      expect((await gql(AddToListDocument, { segmentId: createSegment.id, customerIds: [customer] })).addToList.size).toBe(1);
    }
    const names = (c: { segments?: { edges: Array<{ node: { name: string } }> } | null }) => c.segments?.edges.map((e) => e.node.name);
    const first = (await gql(CustomerSegmentsDocument, { id: customer, first: 2 })).customer;
    expect(names(first)).toEqual(['Paging list A', 'Paging list B']);
    expect(first.segments).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const next = (await gql(CustomerSegmentsDocument, { id: customer, first: 2, after: first.segments!.pageInfo.endCursor })).customer;
    expect(names(next)).toEqual(['Paging list C']);
    const before = (await gql(CustomerSegmentsDocument, { id: customer, last: 1, before: next.segments!.pageInfo.startCursor })).customer;
    expect(names(before)).toEqual(['Paging list B']);
    expect(errorCodes(await attempt(CustomerSegmentsDocument, { id: customer, first: 1, after: 'not-a-cursor' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses bad page arguments on messageSends and sequenceEnrolments with BAD_USER_INPUT', async () => {
    const customerId = await createCustomer('Paging');
    expect((await attempt(MarketingAutomationViewDocument, { id: customerId })).errors).toBeUndefined();
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
      body: JSON.stringify({
        query: `{ customer(id: "${customerId}") { messageSends(first: -1) { totalCount } sequenceEnrolments(first: -1) { totalCount } } }`,
      }),
    });
    expect(errorCodes((await bad.json()) as never)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
  });
});

// The outbox relay polls in the background; its statements are not part of the request.
const BACKGROUND = /outbox|advisory|pg_snapshot|^\[query\] (begin|commit|rollback)/;

describe('no N+1 on Customer', () => {
  it('answers Customer.segments and Customer.interactions with the same number of statements for 2 or 12 customers', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => createCustomer(`Many${i}`)));
    await upsertProjections({ input: { profiles: ids.map((customerId) => ({ customerId })) } });
    await gql(RecordInteractionsDocument, { input: ids.map((id) => pageView(id, '/models/suv', 1)) });
    await gql(CreateSegmentDocument, {
      input: { name: 'Any page view', kind: 'DYNAMIC', rules: { operator: 'AND', conditions: [{ interactions: { withinDays: 7 } }] } },
    });
    await gql(CreateSegmentDocument, { input: { name: 'Hand-picked', kind: 'STATIC' } });
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { customers } = await gql(CustomersWithMarketingDocument, { first });
      expect(customers.edges).toHaveLength(first);
      expect(customers.edges.every((e) => (e.node.segments?.totalCount ?? 0) >= 1 && e.node.interactions !== null)).toBe(true);
      return platform.sql.marketing.filter((statement) => !BACKGROUND.test(statement));
    };
    const few = await statementsFor(2);
    const many = await statementsFor(12);
    expect(many).toHaveLength(few.length);
    // The timeline's first page with its count (one statement), the active segments, one membership query for all.
    expect(many).toHaveLength(3);
  });
});
