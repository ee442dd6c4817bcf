import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddToListDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateSegmentDocument,
  CustomerSegmentsDocument,
  RecordConsentDocument,
  RecordInteractionsDocument,
  SegmentMembersDocument,
  SegmentsWithMembersDocument,
  UpdateSegmentDocument,
  type RecordInteractionInput,
  type SegmentRuleGroup,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';

// Segments through the gateway: rules evaluated over what identity's consents and sales' opportunities told marketing,
// members answered as identity's Customers, rule trees refused as clients send them, and the SQL a page of segments
// costs. Lists, paging and the rule engine are tested on marketing's own database
// (subgraphs/marketing/test/segment.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

/** The platform's own plumbing, not client API: the test feeds projections as the platform would. */
const upsertProjections = (variables: { input: Record<string, unknown> }) =>
  platform.internal('marketing', 'mutation($input: MarketingProjectionsInput!) { upsertMarketingProjections(input: $input) { profiles } }', variables);

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const attempt = <R, V>(document: Parameters<typeof execute<R, V>>[1], variables: V) => execute(platform.gatewayUrl, document, variables);
const marketingSql = <T>(sql: string, params: unknown[]) => platform.subgraphs.marketing.orm.em.fork().getConnection().execute<T[]>(sql, params);

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

const suvInterest: SegmentRuleGroup = {
  operator: 'AND',
  conditions: [
    { interactions: { type: 'PAGE_VIEW', property: { key: 'url', contains: 'suv' }, atLeast: 3, withinDays: 30 } },
    { consent: { purpose: 'MARKETING', channel: 'EMAIL', granted: true } },
    { opportunity: { hasOpen: false } },
  ],
};

describe('segments over what identity and sales told marketing', () => {
  let keen: string, lapsed: string, buyer: string;

  beforeAll(async () => {
    [keen, lapsed, buyer] = (await Promise.all(['Keen', 'Lapsed', 'Buyer'].map(createCustomer))) as [string, string, string];
    await upsertProjections({ input: { profiles: [keen, lapsed, buyer].map((customerId) => ({ customerId, city: 'Brno' })) } });
    // Consents and opportunities reach marketing only as identity's and sales' events.
    for (const customerId of [keen, lapsed, buyer]) {
      await gql(RecordConsentDocument, { input: { customerId, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v1' } });
    }
    await gql(CreateOpportunityDocument, { input: { customerId: buyer, title: 'Open deal', amount: { amount: '1.00', currency: 'CZK' } } });
    await eventually(async () => {
      const [row] = await marketingSql<{ consents: string; open: string }>(
        `select (select count(*) from consent_state where customer_id = any(?::uuid[]) and granted) as consents,
                (select count(*) from opportunity_state where customer_id = ? and is_open) as open`,
        [`{${[keen, lapsed, buyer].join(',')}}`, buyer],
      );
      expect([Number(row!.consents), Number(row!.open)]).toEqual([3, 1]);
    });
    await gql(RecordInteractionsDocument, {
      input: [
        ...[keen, buyer].flatMap((id) => [pageView(id, '/models/suv', 1), pageView(id, '/models/family-SUV', 5), pageView(id, '/suv/financing', 20)]),
        pageView(lapsed, '/models/suv', 1),
        pageView(lapsed, '/models/suv', 2),
        pageView(lapsed, '/models/suv', 40),
      ],
    });
  });

  it('evaluates a typed rule tree: size, members and Customer.segments', async () => {
    const { createSegment } = await gql(CreateSegmentDocument, { input: { name: 'SUV interest', kind: 'DYNAMIC', rules: suvInterest } });
    expect(createSegment.size).toBe(1);
    const { segment } = await gql(SegmentMembersDocument, { id: createSegment.id, first: 10 });
    expect(segment.members.totalCount).toBe(1);
    expect(segment.members.edges.map((e) => e.node.id)).toEqual([keen]);
    for (const [id, expected] of [
      [keen, true],
      [lapsed, false],
      [buyer, false],
    ] as const) {
      const { customer } = await gql(CustomerSegmentsDocument, { id });
      expect(customer.segments?.edges.some((e) => e.node.id === createSegment.id)).toBe(expected);
    }
    // Without the opportunity condition the buyer belongs too.
    const widened = await gql(UpdateSegmentDocument, {
      id: createSegment.id,
      version: createSegment.version,
      input: { rules: { ...suvInterest, conditions: suvInterest.conditions!.slice(0, 2) } },
    });
    expect(widened.updateSegment.size).toBe(2);
    // Kept soon by marketing's job (ADR 22): its members kept with these rules, and its size counted from them.
    await eventually(async () => {
      const [kept] = await marketingSql<{ kept: boolean; members: string }>(
        'select kept_rules = rules as kept, (select count(*) from segment_kept_member where segment_id = s.id) as members from segment s where id = ?',
        [createSegment.id],
      );
      expect(kept).toEqual({ kept: true, members: '2' });
    });
    expect((await gql(SegmentMembersDocument, { id: createSegment.id, first: 10 })).segment.members.totalCount).toBe(2);
    const stale = await attempt(UpdateSegmentDocument, { id: createSegment.id, version: createSegment.version, input: { name: 'Old' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
  });

  it('rejects invalid rule trees, as clients send them, with BAD_USER_INPUT', async () => {
    const cases: Array<[SegmentRuleGroup, string]> = [
      [{ operator: 'AND', conditions: [] }, 'empty group'],
      [{ operator: 'OR', conditions: [{ opportunity: { hasOpen: true } }], groups: [{ operator: 'AND' }] }, 'rules.groups[0] is an empty group'],
      [{ operator: 'AND', conditions: [{ interactions: { type: 'PAGE_VIEW', withinDays: 0 } }] }, 'withinDays must be between 1 and 3650'],
      [{ operator: 'AND', conditions: [{}] }, 'exactly one of'],
    ];
    for (const [rules, message] of cases) {
      const result = await attempt(CreateSegmentDocument, { input: { name: 'Broken', kind: 'DYNAMIC', rules } });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toContain(message);
    }
    expect(errorCodes(await attempt(CreateSegmentDocument, { input: { name: 'No rules', kind: 'DYNAMIC' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await attempt(SegmentMembersDocument, { id: UNKNOWN_ID }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await attempt(AddToListDocument, { segmentId: UNKNOWN_ID, customerIds: [keen] }))).toEqual(['NOT_FOUND']);
  });
});

// The outbox relay polls in the background; its statements are not part of the request.
const BACKGROUND = /outbox|advisory|pg_snapshot|^\[query\] (begin|commit|rollback)/;

describe('no N+1 on Segment.members', () => {
  it('answers the members of 1 or 3 segments with the same number of statements', async () => {
    const ids = await Promise.all(Array.from({ length: 4 }, (_, i) => createCustomer(`Batched${i}`)));
    await upsertProjections({ input: { profiles: ids.map((customerId) => ({ customerId, city: 'Batchov' })) } });
    await gql(CreateSegmentDocument, {
      input: {
        name: 'Batched 1 Batchov',
        kind: 'DYNAMIC',
        rules: { operator: 'AND', conditions: [{ profile: { field: 'CITY', operator: 'EQUALS', value: 'Batchov' } }] },
      },
    });
    for (const name of ['Batched 2 list', 'Batched 3 list']) {
      const { createSegment } = await gql(CreateSegmentDocument, { input: { name, kind: 'STATIC' } });
      await gql(AddToListDocument, { segmentId: createSegment.id, customerIds: ids.slice(0, 3) });
    }
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { segments } = await gql(SegmentsWithMembersDocument, { first, filter: { nameContains: 'Batched ' }, membersFirst: 2 });
      expect(segments.edges).toHaveLength(first);
      expect(segments.edges.map((e) => [e.node.members.totalCount, e.node.members.edges.length])).toEqual(
        [
          [4, 2],
          [3, 2],
          [3, 2],
        ].slice(0, first),
      );
      return platform.sql.marketing.filter((statement) => !BACKGROUND.test(statement));
    };
    // The first read of the new dynamic segment's size evaluates it whole and keeps its members.
    await statementsFor(1);
    const few = await statementsFor(1);
    const many = await statementsFor(3);
    expect(many).toHaveLength(few.length);
    // The segments page, one statement for every segment's members page, one finding the kept members up to date,
    // one for their sizes.
    expect(many).toHaveLength(4);
  });
});
