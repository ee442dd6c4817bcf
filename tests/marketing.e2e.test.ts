import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddToListDocument,
  AdvanceSequenceEnrolmentDocument,
  AnonymousInteractionsDocument,
  AnswerSurveyDocument,
  ArchiveSegmentDocument,
  CampaignsDocument,
  ChangeCampaignStatusDocument,
  CreateCampaignDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateSegmentDocument,
  CreateSequenceDocument,
  CustomerSegmentsDocument,
  CustomersWithMarketingDocument,
  CustomerTimelineDocument,
  EnrolInSequenceDocument,
  ExitSequenceDocument,
  LinkAnonymousInteractionsDocument,
  NpsSummaryDocument,
  RecordConsentDocument,
  RecordInteractionDocument,
  RecordInteractionsDocument,
  RemoveFromListDocument,
  SegmentMembersDocument,
  SegmentsDocument,
  SegmentsWithMembersDocument,
  SequenceEnrolmentsDocument,
  SurveyResponsesDocument,
  UpdateSegmentDocument,
  type RecordInteractionInput,
  type SegmentRuleGroup,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';

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

async function createCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName: 'Marketing', emails: [], phones: [] } });
  return createCustomer.id;
}

const marketingSql = <T>(sql: string, params: unknown[]) => platform.subgraphs.marketing.orm.em.fork().getConnection().execute<T[]>(sql, params);

async function outboxCount(type: string): Promise<number> {
  const [row] = await platform.subgraphs.marketing.orm.em
    .fork()
    .execute<Array<{ total: string }>>('select count(*) as total from outbox_event where type = ?', [type]);
  return Number(row?.total);
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

describe('bulk interactions from partners', () => {
  it('records hundreds of events in one call and a retried batch inserts nothing twice', async () => {
    const customerId = await createCustomer('Bulk');
    const batch: RecordInteractionInput[] = Array.from({ length: 400 }, (_, i) => ({
      ...pageView(customerId, `/page/${i}`, 1),
      sourceSystem: 'web-form-vendor',
      externalEventId: `evt-${customerId}-${i}`,
    }));
    const eventsBefore = await outboxCount('InteractionRecorded');
    await platform.resetSqlLog();
    const first = await gql(RecordInteractionsDocument, { input: batch });
    expect(first.recordInteractions).toMatchObject({ accepted: 400, duplicates: 0 });
    expect(new Set(first.recordInteractions.ids).size).toBe(400);
    expect(platform.sql.marketing.filter((s) => /insert into "?interaction"? /i.test(s))).toHaveLength(1);
    expect(await outboxCount('InteractionRecorded')).toBe(eventsBefore + 400);

    const retry = await gql(RecordInteractionsDocument, {
      input: [...batch.slice(0, 300), { ...pageView(customerId, '/new', 1), sourceSystem: 'web-form-vendor', externalEventId: `evt-${customerId}-new` }],
    });
    expect(retry.recordInteractions).toMatchObject({ accepted: 1, duplicates: 300 });
    expect(retry.recordInteractions.ids.slice(0, 300)).toEqual(first.recordInteractions.ids.slice(0, 300));
    expect(await outboxCount('InteractionRecorded')).toBe(eventsBefore + 401);

    const { customer } = await gql(CustomerTimelineDocument, { id: customerId, first: 1 });
    expect(customer.interactions?.totalCount).toBe(401);
    // The single mutation is idempotent by the same key.
    const again = await gql(RecordInteractionDocument, { input: batch[0]! });
    expect(again.recordInteraction.id).toBe(first.recordInteractions.ids[0]);
  });

  it('rejects an empty or oversized batch', async () => {
    const empty = await attempt(RecordInteractionsDocument, { input: [] });
    expect(errorCodes(empty)).toEqual(['BAD_USER_INPUT']);
    const item = { anonymousId: 'oversize', channel: 'WEB' as const, type: 'PAGE_VIEW' as const };
    const oversized = await attempt(RecordInteractionsDocument, { input: Array.from({ length: 1001 }, () => item) });
    expect(errorCodes(oversized)).toEqual(['BAD_USER_INPUT']);
    expect(oversized.errors?.[0]?.message).toContain('at most 1000');
  });

  it('writes nothing when one item is invalid and names that item', async () => {
    const device = `device-${randomUUID()}`;
    const input: RecordInteractionInput[] = [
      { anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW' },
      { anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW' },
      { customerId: 'not-a-uuid', channel: 'WEB', type: 'PAGE_VIEW' },
    ];
    const result = await attempt(RecordInteractionsDocument, { input });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(/^Item 2: /);
    const { anonymousInteractions } = await gql(AnonymousInteractionsDocument, { anonymousId: device });
    expect(anonymousInteractions.totalCount).toBe(0);
  });
});

describe('the customer timeline', () => {
  it("links a device's anonymous interactions to the customer and filters the timeline", async () => {
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
    const relink = await gql(LinkAnonymousInteractionsDocument, { anonymousId: device, customerId });
    expect(relink.linkAnonymousInteractions.linked).toBe(0);
    expect(await outboxCount('AnonymousInteractionsLinked')).toBeGreaterThanOrEqual(1);

    const all = await gql(CustomerTimelineDocument, { id: customerId, first: 10 });
    expect(all.customer.interactions?.edges.map((e) => e.node.type)).toEqual(['CALL', 'SEARCH', 'PAGE_VIEW']);
    const web = await gql(CustomerTimelineDocument, { id: customerId, first: 10, filter: { channels: ['WEB', 'APP'], types: ['SEARCH'] } });
    expect(web.customer.interactions?.edges.map((e) => e.node.type)).toEqual(['SEARCH']);
    const recent = await gql(CustomerTimelineDocument, { id: customerId, first: 10, filter: { since: daysAgo(8.5), until: daysAgo(1) } });
    expect(recent.customer.interactions?.edges.map((e) => e.node.type)).toEqual(['CALL', 'SEARCH']);

    const bad = await attempt(LinkAnonymousInteractionsDocument, { anonymousId: device, customerId: 'nope' });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('segments', () => {
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

  it('evaluates a typed rule tree in PostgreSQL: size, members and Customer.segments', async () => {
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
    const stale = await attempt(UpdateSegmentDocument, { id: createSegment.id, version: createSegment.version, input: { name: 'Old' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
  });

  it('rejects invalid rule trees with BAD_USER_INPUT', async () => {
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
    const noRules = await attempt(CreateSegmentDocument, { input: { name: 'No rules', kind: 'DYNAMIC' } });
    expect(errorCodes(noRules)).toEqual(['BAD_USER_INPUT']);
    const unknown = await attempt(SegmentMembersDocument, { id: UNKNOWN_ID });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });

  it('keeps STATIC lists by hand with addToList / removeFromList', async () => {
    const { createSegment: list } = await gql(CreateSegmentDocument, { input: { name: 'VIP test drive guests', kind: 'STATIC' } });
    const added = await gql(AddToListDocument, { segmentId: list.id, customerIds: [keen, lapsed, keen] });
    expect(added.addToList.size).toBe(2);
    const removed = await gql(RemoveFromListDocument, { segmentId: list.id, customerIds: [keen] });
    expect(removed.removeFromList.size).toBe(1);
    const { customer } = await gql(CustomerSegmentsDocument, { id: lapsed });
    expect(customer.segments?.edges.map((e) => e.node.name)).toContain('VIP test drive guests');
    const dynamic = await gql(SegmentsDocument, { first: 1, filter: { kind: 'DYNAMIC' } });
    const wrongKind = await attempt(AddToListDocument, { segmentId: dynamic.segments.edges[0]!.node.id, customerIds: [keen] });
    expect(errorCodes(wrongKind)).toEqual(['BAD_USER_INPUT']);
    const unknown = await attempt(AddToListDocument, { segmentId: UNKNOWN_ID, customerIds: [keen] });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
    expect(await outboxCount('SegmentMembersAdded')).toBeGreaterThanOrEqual(1);
  });

  it('lists segments as a keyset connection filtered by kind and name, archived ones hidden', async () => {
    const names = ['Alpha list', 'Beta list', 'Gamma list'];
    const created = [];
    for (const name of names) created.push((await gql(CreateSegmentDocument, { input: { name, kind: 'STATIC' } })).createSegment);
    await gql(ArchiveSegmentDocument, { id: created[2]!.id, version: created[2]!.version });
    const first = await gql(SegmentsDocument, { first: 1, filter: { nameContains: ' list' }, orderBy: 'NAME' });
    expect(first.segments.totalCount).toBe(2);
    expect(first.segments.edges.map((e) => e.node.name)).toEqual(['Alpha list']);
    const second = await gql(SegmentsDocument, { first: 5, after: first.segments.pageInfo.endCursor, filter: { nameContains: ' list' }, orderBy: 'NAME' });
    expect(second.segments.edges.map((e) => e.node.name)).toEqual(['Beta list']);
    const archived = await gql(SegmentsDocument, { first: 5, filter: { nameContains: 'Gamma', includeArchived: true } });
    expect(archived.segments.totalCount).toBe(1);
  });

  it('pages Customer.segments by name with cursors both ways', async () => {
    const customer = await createCustomer('Listed'); // no profile: in no DYNAMIC segment, only on the lists below
    for (const name of ['Paging list B', 'Paging list A', 'Paging list C']) {
      const { createSegment } = await gql(CreateSegmentDocument, { input: { name, kind: 'STATIC' } });
      await gql(AddToListDocument, { segmentId: createSegment.id, customerIds: [customer] });
    }
    const names = (c: { segments?: { edges: Array<{ node: { name: string } }> } | null }) => c.segments?.edges.map((e) => e.node.name);
    const first = (await gql(CustomerSegmentsDocument, { id: customer, first: 2 })).customer;
    expect(names(first)).toEqual(['Paging list A', 'Paging list B']);
    expect(first.segments).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const next = (await gql(CustomerSegmentsDocument, { id: customer, first: 2, after: first.segments!.pageInfo.endCursor })).customer;
    expect(names(next)).toEqual(['Paging list C']);
    expect(next.segments).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    const last = (await gql(CustomerSegmentsDocument, { id: customer, last: 2 })).customer;
    expect(names(last)).toEqual(['Paging list B', 'Paging list C']);
    expect(last.segments!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = (await gql(CustomerSegmentsDocument, { id: customer, last: 2, before: last.segments!.pageInfo.startCursor })).customer;
    expect(names(before)).toEqual(['Paging list A']);
    expect(before.segments!.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const forged = await attempt(CustomerSegmentsDocument, { id: customer, first: 1, after: 'not-a-cursor' });
    expect(errorCodes(forged)).toEqual(['BAD_USER_INPUT']);
  });

  it('pages the members of several segments at once, also past customers added in the same call', async () => {
    const [a, b, c] = (await Promise.all(['Member A', 'Member B', 'Member C'].map(createCustomer))) as [string, string, string];
    for (const [name, customerIds] of [
      ['Members page 1', [a, b, c]],
      ['Members page 2', [b]],
    ] as const) {
      const { createSegment } = await gql(CreateSegmentDocument, { input: { name, kind: 'STATIC' } });
      await gql(AddToListDocument, { segmentId: createSegment.id, customerIds: [...customerIds] });
    }
    const page1 = await gql(SegmentsWithMembersDocument, { first: 5, filter: { nameContains: 'Members page' }, membersFirst: 2 });
    const [one, two] = page1.segments.edges.map((e) => e.node);
    expect(one!.members).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(two!.members).toMatchObject({ totalCount: 1, pageInfo: { hasNextPage: false }, edges: [{ node: { id: b } }] });
    // One addToList stamps its rows with one time: the cursor still seeks exactly past the last row shown.
    const after = one!.members.pageInfo.endCursor;
    const page2 = await gql(SegmentsWithMembersDocument, { first: 1, filter: { nameContains: 'Members page 1' }, membersFirst: 2, membersAfter: after });
    const rest = page2.segments.edges[0]!.node.members;
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...one!.members.edges, ...rest.edges].map((e) => e.node.id).sort()).toEqual([a, b, c].sort());
    const single = await gql(SegmentMembersDocument, { id: one!.id, first: 2 });
    expect(single.segment.members.edges).toEqual(one!.members.edges);
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
    // The timeline page and its count, the active segments, and one membership query for all customers.
    expect(many).toHaveLength(4);
  });
});

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
    const few = await statementsFor(1);
    const many = await statementsFor(3);
    expect(many).toHaveLength(few.length);
    // The segments page, one statement for every segment's members page, one for their sizes.
    expect(many).toHaveLength(3);
  });
});

describe('campaigns', () => {
  it('moves DRAFT → SCHEDULED → RUNNING → COMPLETED with events and counts engagement from the timeline', async () => {
    const { createSegment: segment } = await gql(CreateSegmentDocument, { input: { name: 'Campaign audience', kind: 'STATIC' } });
    const { createCampaign } = await gql(CreateCampaignDocument, {
      input: { name: 'Autumn SUV offer', segmentId: segment.id, channel: 'EMAIL', startsAt: daysAgo(-1) },
    });
    expect(createCampaign).toMatchObject({ status: 'DRAFT', segment: { id: segment.id, name: 'Campaign audience' }, metrics: { sent: 0 } });

    const [a, b] = await Promise.all([createCustomer('Reader'), createCustomer('Clicker')]);
    const email = (customerId: string, type: RecordInteractionInput['type'], extra: Partial<RecordInteractionInput> = {}): RecordInteractionInput => ({
      customerId,
      channel: 'EMAIL',
      type,
      sourceSystem: 'email-provider',
      ...extra,
    });
    await gql(RecordInteractionsDocument, {
      input: [
        email(a!, 'MESSAGE_SENT', { campaignId: createCampaign.id }),
        email(b!, 'MESSAGE_SENT', { campaignId: createCampaign.id }),
        email(a!, 'MESSAGE_DELIVERED', { campaignId: createCampaign.id }),
        email(b!, 'MESSAGE_DELIVERED', { campaignId: createCampaign.id }),
        email(a!, 'MESSAGE_OPENED', { campaignId: createCampaign.id }),
        email(a!, 'MESSAGE_OPENED', { campaignId: createCampaign.id }),
        email(b!, 'MESSAGE_OPENED', { properties: { campaignId: createCampaign.id } }),
        email(b!, 'MESSAGE_CLICKED', { campaignId: createCampaign.id }),
        email(b!, 'CONVERSION', { channel: 'WEB', campaignId: createCampaign.id }),
        email(b!, 'MESSAGE_OPENED'),
      ],
    });

    let campaign = createCampaign;
    for (const status of ['SCHEDULED', 'RUNNING', 'COMPLETED'] as const) {
      campaign = (await gql(ChangeCampaignStatusDocument, { id: campaign.id, version: campaign.version, input: { status } })).changeCampaignStatus;
      expect(campaign.status).toBe(status);
    }
    expect(campaign.metrics).toEqual({ sent: 2, delivered: 2, opened: 2, clicked: 1, converted: 1 });
    for (const type of ['CampaignCreated', 'CampaignScheduled', 'CampaignStarted', 'CampaignCompleted'])
      expect(await outboxCount(type)).toBeGreaterThanOrEqual(1);

    const reopen = await attempt(ChangeCampaignStatusDocument, { id: campaign.id, version: campaign.version, input: { status: 'RUNNING' } });
    expect(errorCodes(reopen)).toEqual(['CONFLICT']);
    const stale = await attempt(ChangeCampaignStatusDocument, { id: campaign.id, version: createCampaign.version, input: { status: 'CANCELLED' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    const unknownSegment = await attempt(CreateCampaignDocument, { input: { name: 'Nobody', segmentId: UNKNOWN_ID, channel: 'EMAIL', startsAt: daysAgo(-1) } });
    expect(errorCodes(unknownSegment)).toEqual(['NOT_FOUND']);
  });

  it('lists campaigns by status with keyset pages', async () => {
    const { createSegment: segment } = await gql(CreateSegmentDocument, { input: { name: 'List audience', kind: 'STATIC' } });
    const made = [];
    for (const day of [3, 1, 2]) {
      made.push(
        (await gql(CreateCampaignDocument, { input: { name: `Wave ${day}`, segmentId: segment.id, channel: 'SMS', startsAt: daysAgo(-day) } })).createCampaign,
      );
    }
    await gql(ChangeCampaignStatusDocument, { id: made[0]!.id, version: made[0]!.version, input: { status: 'CANCELLED' } });
    const filter = { segmentId: segment.id, statuses: ['DRAFT' as const] };
    const page1 = await gql(CampaignsDocument, { first: 1, filter, orderBy: 'STARTS_AT' });
    expect(page1.campaigns.totalCount).toBe(2);
    expect(page1.campaigns.edges.map((e) => e.node.name)).toEqual(['Wave 1']);
    const page2 = await gql(CampaignsDocument, { first: 1, after: page1.campaigns.pageInfo.endCursor, filter, orderBy: 'STARTS_AT' });
    expect(page2.campaigns.edges.map((e) => e.node.name)).toEqual(['Wave 2']);
    expect(page2.campaigns.pageInfo.hasNextPage).toBe(false);
    const cancelled = await gql(CampaignsDocument, { first: 5, filter: { segmentId: segment.id, statuses: ['CANCELLED'] } });
    expect(cancelled.campaigns.edges.map((e) => e.node.name)).toEqual(['Wave 3']);
  });
});

describe('sequences', () => {
  it('enrols customers, walks them through the steps and lets them exit', async () => {
    const { createSequence: sequence } = await gql(CreateSequenceDocument, {
      input: {
        name: `Introduce the dealer ${randomUUID()}`,
        steps: [
          { channel: 'EMAIL', template: 'welcome', delayHours: 0 },
          { channel: 'EMAIL', template: 'meet-your-rep', delayHours: 48 },
          { channel: 'SMS', template: 'book-a-test-drive', delayHours: 120 },
        ],
      },
    });
    expect(sequence.steps.map((s) => [s.position, s.template])).toEqual([
      [1, 'welcome'],
      [2, 'meet-your-rep'],
      [3, 'book-a-test-drive'],
    ]);
    const [walker, quitter] = await Promise.all([createCustomer('Walker'), createCustomer('Quitter')]);
    let enrolment = (await gql(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: walker! } })).enrolInSequence;
    expect(enrolment).toMatchObject({ status: 'ACTIVE', currentStep: 1, customer: { id: walker }, sequence: { id: sequence.id } });
    const twice = await attempt(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: walker! } });
    expect(errorCodes(twice)).toEqual(['CONFLICT']);

    for (const expected of [
      [2, 'ACTIVE'],
      [3, 'ACTIVE'],
      [3, 'COMPLETED'],
    ] as const) {
      enrolment = (await gql(AdvanceSequenceEnrolmentDocument, { id: enrolment.id, version: enrolment.version })).advanceSequenceEnrolment;
      expect([enrolment.currentStep, enrolment.status]).toEqual(expected);
    }
    const quit = (await gql(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: quitter! } })).enrolInSequence;
    const exited = await gql(ExitSequenceDocument, { id: quit.id, version: quit.version, input: { reason: 'Consent withdrawn' } });
    expect(exited.exitSequence).toMatchObject({ status: 'EXITED', exitReason: 'Consent withdrawn' });
    const exitAgain = await attempt(ExitSequenceDocument, { id: quit.id, version: exited.exitSequence.version });
    expect(errorCodes(exitAgain)).toEqual(['CONFLICT']);
    for (const type of ['SequenceEnrolled', 'SequenceStepAdvanced', 'SequenceCompleted', 'SequenceExited'])
      expect(await outboxCount(type)).toBeGreaterThanOrEqual(1);

    const completed = await gql(SequenceEnrolmentsDocument, { id: sequence.id, first: 10, filter: { statuses: ['COMPLETED'] } });
    expect(completed.sequence.enrolments.edges.map((e) => e.node.customer.id)).toEqual([walker]);
    const page1 = await gql(SequenceEnrolmentsDocument, { id: sequence.id, first: 1 });
    expect(page1.sequence.enrolments.totalCount).toBe(2);
    const page2 = await gql(SequenceEnrolmentsDocument, { id: sequence.id, first: 1, after: page1.sequence.enrolments.pageInfo.endCursor });
    expect(page2.sequence.enrolments.edges.map((e) => e.node.customer.id)).toEqual([walker]);

    const noSteps = await attempt(CreateSequenceDocument, { input: { name: 'Empty', steps: [] } });
    expect(errorCodes(noSteps)).toEqual(['BAD_USER_INPUT']);
    const unknown = await attempt(EnrolInSequenceDocument, { input: { sequenceId: UNKNOWN_ID, customerId: walker! } });
    expect(errorCodes(unknown)).toEqual(['NOT_FOUND']);
  });
});

describe('NPS surveys', () => {
  it('records answers, rejects a score of 11, summarises the NPS and lists answers by time', async () => {
    const customerId = await createCustomer('Respondent');
    const since = new Date().toISOString();
    for (const score of [10, 9, 8, 3]) {
      await gql(AnswerSurveyDocument, { input: { customerId, score, channel: 'EMAIL', comment: `Scored ${score}` } });
    }
    const eleven = await attempt(AnswerSurveyDocument, { input: { customerId, score: 11, channel: 'EMAIL' } });
    expect(errorCodes(eleven)).toEqual(['BAD_USER_INPUT']);
    expect(eleven.errors?.[0]?.message).toContain('between 0 and 10');

    const { npsSummary } = await gql(NpsSummaryDocument, { filter: { customerId, since } });
    expect(npsSummary).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    expect(await outboxCount('SurveyAnswered')).toBeGreaterThanOrEqual(4);

    const detractors = await gql(SurveyResponsesDocument, { first: 10, filter: { customerId, category: 'DETRACTOR' } });
    expect(detractors.surveyResponses.edges.map((e) => e.node.score)).toEqual([3]);
    const page1 = await gql(SurveyResponsesDocument, { first: 3, filter: { customerId } });
    expect(page1.surveyResponses.totalCount).toBe(4);
    expect(page1.surveyResponses.edges.map((e) => e.node.score)).toEqual([3, 8, 9]);
    const page2 = await gql(SurveyResponsesDocument, { first: 3, after: page1.surveyResponses.pageInfo.endCursor, filter: { customerId } });
    expect(page2.surveyResponses.edges.map((e) => e.node.score)).toEqual([10]);

    const timeline = await gql(CustomerTimelineDocument, { id: customerId, first: 10, filter: { types: ['SURVEY_RESPONSE'] } });
    expect(timeline.customer.interactions?.totalCount).toBe(4);
  });
});
