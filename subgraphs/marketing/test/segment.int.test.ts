import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Interaction, InteractionChannel, InteractionType } from '../src/modules/interaction/interaction.entity.js';
import { upsertConsentStates, upsertCustomerProfiles, upsertIdentityProfile, upsertOpportunityStates } from '../src/modules/projection/projection.service.js';
import { type Segment, SegmentKind } from '../src/modules/segment/segment.entity.js';
import { segmentsOfCustomers, segmentSizes } from '../src/modules/segment/segment.membership.js';
import { createSegment } from '../src/modules/segment/segment.service.js';
import { SegmentGroupOperator, SegmentProfileField, SegmentTextOperator, type SegmentRuleGroup } from '../src/modules/segment/segment.rules.js';
import { freshMarketingDatabase } from './database.js';

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshMarketingDatabase());
});
afterAll(() => drop());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function pageViews(customerId: string, urls: Array<[string, number]>) {
  const em = orm.em.fork();
  for (const [url, age] of urls) {
    em.create(Interaction, { customerId, channel: InteractionChannel.WEB, type: InteractionType.PAGE_VIEW, occurredAt: daysAgo(age), properties: { url } });
  }
  await em.flush();
}

async function dynamicSegment(rules: SegmentRuleGroup): Promise<Segment> {
  return createSegment(orm.em.fork(), { name: `S ${randomUUID()}`, kind: SegmentKind.DYNAMIC, rules });
}

describe('projections fed by service functions drive segment evaluation in PostgreSQL', () => {
  const [keen, lapsed, buyer, refused] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    const em = orm.em.fork();
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
    expect(await segmentSizes(orm.em.fork(), [segment])).toEqual([1]);
    const memberships = await segmentsOfCustomers(orm.em.fork(), [keen, lapsed, buyer, refused]);
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
    const memberships = await segmentsOfCustomers(orm.em.fork(), [keen, lapsed, buyer, refused]);
    expect(memberships.map((list) => list.some((s) => s.id === segment.id))).toEqual([false, false, true, true]);
  });

  it('never lets an older projected change overwrite a newer one', async () => {
    const em = orm.em.fork();
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
    const em = orm.em.fork();
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
