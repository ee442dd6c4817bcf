import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { Interaction, InteractionChannel, InteractionType } from '../src/modules/interaction/interaction.entity.js';
import { upsertConsentStates, upsertCustomerProfiles, upsertIdentityProfile, upsertOpportunityStates } from '../src/modules/projection/projection.service.js';
import { type Segment, SegmentKind } from '../src/modules/segment/segment.entity.js';
import { SegmentOrder } from '../src/modules/segment/segment.inputs.js';
import { addToList, removeFromList, segmentMembersPages, segmentsOfCustomers, segmentSizes } from '../src/modules/segment/segment.membership.js';
import { segmentPageInMemory, segmentsPage } from '../src/modules/segment/segment.queries.js';
import { archiveSegment, createSegment, getSegment, updateSegment } from '../src/modules/segment/segment.service.js';
import { SegmentGroupOperator, SegmentProfileField, SegmentTextOperator, type SegmentRuleGroup } from '../src/modules/segment/segment.rules.js';
import { useFreshMarketingDatabase } from './database.js';

const { orm, em } = useFreshMarketingDatabase();

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function pageViews(customerId: string, urls: Array<[string, number]>) {
  const em = orm().em.fork();
  for (const [url, age] of urls) {
    em.create(Interaction, { customerId, channel: InteractionChannel.WEB, type: InteractionType.PAGE_VIEW, occurredAt: daysAgo(age), properties: { url } });
  }
  await em.flush();
}

async function dynamicSegment(rules: SegmentRuleGroup): Promise<Segment> {
  return createSegment(em(), { name: `S ${randomUUID()}`, kind: SegmentKind.DYNAMIC, rules });
}

describe('projections fed by service functions drive segment evaluation in PostgreSQL', () => {
  const [keen, lapsed, buyer, refused] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    const em = orm().em.fork();
    await upsertCustomerProfiles(
      em,
      [keen, lapsed, buyer, refused].map((customerId, i) => ({ customerId, city: i % 2 ? 'Praha' : 'Brno' })),
    );
    await upsertConsentStates(
      em,
      [keen, lapsed, buyer].map((customerId) => ({ customerId, purpose: 'marketing-email', granted: true, changedAt: new Date() })),
    );
    await upsertConsentStates(em, [{ customerId: refused, purpose: 'marketing-email', granted: false, changedAt: new Date() }]);
    await upsertOpportunityStates(em, [{ opportunityId: randomUUID(), customerId: buyer, isOpen: true, changedAt: new Date() }]);
    const suv: Array<[string, number]> = [
      ['/models/suv', 1],
      ['/models/family-suv/configurator', 3],
      ['/models/SUV/financing', 10],
    ];
    await pageViews(keen, [...suv, ['/models/city-car', 2]]);
    await pageViews(lapsed, [
      ['/models/suv', 1],
      ['/models/suv', 2],
      ['/models/suv', 45],
    ]);
    await pageViews(buyer, suv);
    await pageViews(refused, suv);
  });

  it('finds the story-4 audience: 3+ SUV views in 30 days, e-mail consent, no open opportunity', async () => {
    const segment = await dynamicSegment({
      operator: SegmentGroupOperator.AND,
      conditions: [
        { interactions: { type: InteractionType.PAGE_VIEW, property: { key: 'url', contains: 'suv' }, atLeast: 3, withinDays: 30 } },
        { consent: { purpose: 'marketing-email', granted: true } },
        { opportunity: { hasOpen: false } },
      ],
      groups: [],
    });
    expect(await segmentSizes(em(), [segment])).toEqual([1]);
    const memberships = await segmentsOfCustomers(em(), [keen, lapsed, buyer, refused]);
    expect(memberships.map((list) => list.some((s) => s.id === segment.id))).toEqual([true, false, false, false]);
  });

  it('combines nested OR groups with profile conditions', async () => {
    const segment = await dynamicSegment({
      operator: SegmentGroupOperator.OR,
      conditions: [{ opportunity: { hasOpen: true } }],
      groups: [
        {
          operator: SegmentGroupOperator.AND,
          conditions: [
            { profile: { field: SegmentProfileField.CITY, operator: SegmentTextOperator.EQUALS, value: 'praha' } },
            { consent: { purpose: 'marketing-email', granted: false } },
          ],
          groups: [],
        },
      ],
    });
    const memberships = await segmentsOfCustomers(em(), [keen, lapsed, buyer, refused]);
    expect(memberships.map((list) => list.some((s) => s.id === segment.id))).toEqual([false, false, true, true]);
  });

  it('never lets an older projected change overwrite a newer one', async () => {
    const em = orm().em.fork();
    const customerId = randomUUID();
    await upsertConsentStates(em, [{ customerId, purpose: 'marketing-sms', granted: true, changedAt: daysAgo(1) }]);
    await upsertConsentStates(em, [{ customerId, purpose: 'marketing-sms', granted: false, changedAt: daysAgo(5) }]);
    const [row] = await em.execute<Array<{ granted: boolean }>>('select granted from consent_state where customer_id = ?', [customerId]);
    expect(row?.granted).toBe(true);
  });
});

describe('the profile projection', () => {
  it("takes identity's changes in their own order, whatever was fed by hand since", async () => {
    const customerId = randomUUID();
    const em = orm().em.fork();
    const base = { customerId, kind: 'PERSON', organizationName: null, birthDate: null, gender: null, industry: null, companySize: null, jobTitle: null };
    // A hand-fed city arrives now; identity's rename from a minute ago is processed after it (consumer lag).
    await upsertCustomerProfiles(em, [{ customerId, city: 'Praha' }]);
    await upsertIdentityProfile(em, { ...base, firstName: 'Late', lastName: 'Rename', changedAt: new Date(Date.now() - 60_000) });
    // An even older identity event replayed afterwards does not move the name back.
    await upsertIdentityProfile(em, { ...base, firstName: 'Old', lastName: 'Name', changedAt: new Date(Date.now() - 120_000) });
    const [row] = await em.execute<Array<{ first_name: string; city: string }>>('select first_name, city from customer_profile where id = ?', [customerId]);
    expect(row).toEqual({ first_name: 'Late', city: 'Praha' });
  });
});

describe('segments kept through their service', () => {
  const [keen, lapsed, buyer] = [randomUUID(), randomUUID(), randomUUID()];
  const { AND, OR } = SegmentGroupOperator;
  const suvInterest: SegmentRuleGroup = {
    operator: AND,
    conditions: [
      { interactions: { type: InteractionType.PAGE_VIEW, property: { key: 'url', contains: 'crossover' }, atLeast: 3, withinDays: 30 } },
      { consent: { purpose: 'MARKETING', channel: 'EMAIL', granted: true } },
      { opportunity: { hasOpen: false } },
    ],
    groups: [],
  };
  const isIn = async (segment: Segment, customerIds: string[]) =>
    (await segmentsOfCustomers(em(), customerIds)).map((list) => list.some((s) => s.id === segment.id));
  const list = (name: string) => createSegment(em(), { name, kind: SegmentKind.STATIC });

  beforeAll(async () => {
    const em = orm().em.fork();
    await upsertCustomerProfiles(
      em,
      [keen, lapsed, buyer].map((customerId) => ({ customerId, city: 'Brno' })),
    );
    await upsertConsentStates(
      em,
      [keen, lapsed, buyer].map((customerId) => ({ customerId, purpose: 'MARKETING', channel: 'EMAIL', granted: true, changedAt: new Date() })),
    );
    await upsertOpportunityStates(em, [{ opportunityId: randomUUID(), customerId: buyer, isOpen: true, changedAt: new Date() }]);
    const crossover: Array<[string, number]> = [
      ['/models/crossover', 1],
      ['/models/family-CROSSOVER', 5],
      ['/crossover/financing', 20],
    ];
    await pageViews(keen, crossover);
    await pageViews(buyer, crossover);
    await pageViews(lapsed, [
      ['/models/crossover', 1],
      ['/models/crossover', 2],
      ['/models/crossover', 40],
    ]);
  });

  it('evaluates a typed rule tree: size, members and memberships; an update widens it; a stale version is CONFLICT', async () => {
    const segment = await createSegment(em(), { name: 'Crossover interest', kind: SegmentKind.DYNAMIC, rules: suvInterest });
    expect(await segmentSizes(em(), [segment])).toEqual([1]);
    const [members] = await segmentMembersPages(em(), [segment], { first: 10 });
    expect(members!.edges.map((e) => e.node.id)).toEqual([keen]);
    expect(await isIn(segment, [keen, lapsed, buyer])).toEqual([true, false, false]);
    // Without the opportunity condition the buyer belongs too.
    const widened = await updateSegment(em(), segment.id, segment.version, {
      rules: { ...suvInterest, conditions: suvInterest.conditions.slice(0, 2) },
    });
    expect(await segmentSizes(em(), [widened])).toEqual([2]);
    expect(await isIn(segment, [keen, lapsed, buyer])).toEqual([true, false, true]);
    expect((await refusal(updateSegment(em(), segment.id, segment.version, { name: 'Old' }))).code).toBe('CONFLICT');
  });

  it('rejects invalid rule trees with BAD_USER_INPUT', async () => {
    const cases: Array<[SegmentRuleGroup, string]> = [
      [{ operator: AND, conditions: [], groups: [] }, 'empty group'],
      [
        { operator: OR, conditions: [{ opportunity: { hasOpen: true } }], groups: [{ operator: AND, conditions: [], groups: [] }] },
        'rules.groups[0] is an empty group',
      ],
      [
        { operator: AND, conditions: [{ interactions: { type: InteractionType.PAGE_VIEW, atLeast: 1, withinDays: 0 } }], groups: [] },
        'withinDays must be between 1 and 3650',
      ],
      [{ operator: AND, conditions: [{}], groups: [] }, 'exactly one of'],
    ];
    for (const [rules, message] of cases) {
      const refused = await refusal(createSegment(em(), { name: 'Broken', kind: SegmentKind.DYNAMIC, rules }));
      expect(refused.code).toBe('BAD_USER_INPUT');
      expect(refused.message).toContain(message);
    }
    expect((await refusal(createSegment(em(), { name: 'No rules', kind: SegmentKind.DYNAMIC }))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(getSegment(em(), UNKNOWN_ID))).code).toBe('NOT_FOUND');
  });

  it('keeps STATIC lists by hand with addToList / removeFromList', async () => {
    const guests = await list('VIP test drive guests');
    expect(await segmentSizes(em(), [await addToList(em(), guests.id, [keen, lapsed, keen])])).toEqual([2]);
    expect(await segmentSizes(em(), [await removeFromList(em(), guests.id, [keen])])).toEqual([1]);
    const [ofLapsed] = await segmentsOfCustomers(em(), [lapsed]);
    expect(ofLapsed!.map((s) => s.name)).toContain('VIP test drive guests');
    expect(await outboxTypes(orm(), guests.id)).toEqual(['SegmentCreated', 'SegmentMembersAdded', 'SegmentMembersRemoved']);

    const dynamic = await createSegment(em(), { name: 'Dynamic', kind: SegmentKind.DYNAMIC, rules: suvInterest });
    expect((await refusal(addToList(em(), dynamic.id, [keen]))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(addToList(em(), UNKNOWN_ID, [keen]))).code).toBe('NOT_FOUND');
  });

  it('lists segments as a keyset connection filtered by kind and name, archived ones hidden', async () => {
    const created = [];
    for (const name of ['Alpha roster', 'Beta roster', 'Gamma roster']) created.push(await list(name));
    await archiveSegment(em(), created[2]!.id, created[2]!.version);
    const filter = { nameContains: ' roster', includeArchived: false };
    const first = await segmentsPage(em(), filter, SegmentOrder.NAME, { first: 1 });
    expect(await first.count()).toBe(2);
    expect(first.edges.map((e) => e.node.name)).toEqual(['Alpha roster']);
    const second = await segmentsPage(em(), filter, SegmentOrder.NAME, { first: 5, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.name)).toEqual(['Beta roster']);
    const archived = await segmentsPage(em(), { nameContains: 'Gamma', includeArchived: true }, SegmentOrder.NEWEST_FIRST, { first: 5 });
    expect(await archived.count()).toBe(1);
    const dynamic = await segmentsPage(em(), { kind: SegmentKind.DYNAMIC, nameContains: 'roster', includeArchived: false }, SegmentOrder.NAME, {
      first: 5,
    });
    expect(await dynamic.count()).toBe(0);
  });

  it("pages a customer's segments by name with cursors both ways", async () => {
    const customer = randomUUID(); // no profile: in no DYNAMIC segment, only on the lists below
    for (const name of ['Paging list B', 'Paging list A', 'Paging list C']) await addToList(em(), (await list(name)).id, [customer]);
    const [all] = await segmentsOfCustomers(em(), [customer]);
    expect(all).toHaveLength(3);
    const names = (page: ReturnType<typeof segmentPageInMemory>) => page.edges.map((e) => e.node.name);
    const first = segmentPageInMemory(all!, { first: 2 });
    expect(names(first)).toEqual(['Paging list A', 'Paging list B']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = segmentPageInMemory(all!, { first: 2, after: first.pageInfo.endCursor });
    expect(names(next)).toEqual(['Paging list C']);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const last = segmentPageInMemory(all!, { last: 2 });
    expect(names(last)).toEqual(['Paging list B', 'Paging list C']);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = segmentPageInMemory(all!, { last: 2, before: last.pageInfo.startCursor });
    expect(names(before)).toEqual(['Paging list A']);
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect((await refusal(Promise.resolve().then(() => segmentPageInMemory(all!, { first: 1, after: 'not-a-cursor' })))).code).toBe('BAD_USER_INPUT');
  });

  it('pages the members of several segments at once, also past customers added in the same call', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const one = await addToList(em(), (await list('Members page 1')).id, [a, b, c]);
    const two = await addToList(em(), (await list('Members page 2')).id, [b]);
    const [page1, page2] = await segmentMembersPages(em(), [one, two], { first: 2 });
    expect(await segmentSizes(em(), [one, two])).toEqual([3, 1]);
    expect(page1!.pageInfo.hasNextPage).toBe(true);
    expect(page2!.pageInfo.hasNextPage).toBe(false);
    expect(page2!.edges.map((e) => e.node.id)).toEqual([b]);
    // One addToList stamps its rows with one time: the cursor still seeks exactly past the last row shown.
    const [rest] = await segmentMembersPages(em(), [one], { first: 2, after: page1!.pageInfo.endCursor });
    expect(rest!.pageInfo.hasNextPage).toBe(false);
    expect([...page1!.edges, ...rest!.edges].map((e) => e.node.id).sort()).toEqual([a, b, c].sort());
    const [single] = await segmentMembersPages(em(), [one], { first: 2 });
    expect(single!.edges).toEqual(page1!.edges);
  });
});
