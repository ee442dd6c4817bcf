import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy, type PlanNode, type SentStatement } from '../../../tests/helpers/query-plan.js';
import { Interaction, InteractionChannel, InteractionType } from '../src/modules/interaction/interaction.entity.js';
import { upsertConsentStates, upsertCustomerProfiles, upsertOpportunityStates } from '../src/modules/projection/projection.service.js';
import { type Segment, SegmentKind } from '../src/modules/segment/segment.entity.js';
import { segmentSizes } from '../src/modules/segment/segment.membership.js';
import { createSegment } from '../src/modules/segment/segment.service.js';
import { SegmentGroupOperator, SegmentProfileField, SegmentTextOperator } from '../src/modules/segment/segment.rules.js';
import { useFreshMarketingDatabase } from './database.js';

// What a dynamic segment's size reads (ADR 12, Data size). Its rules were evaluated over every profile at each read,
// and an "at least N page views in D days" counted every matching view of each: a dealer's keenest visitors (hundreds
// of page views each) cost hundreds of index entries apiece. The count now stops where its comparison is decided
// (atLeast, or one past atMost), and the size is counted from the segment's kept members: a new segment's first
// read evaluates it whole, later reads only the customers changed since, or whose counted views left their window.

const { orm, em } = useFreshMarketingDatabase();
const KEEN = 40;
const VIEWS_EACH = 300;
const ONE_VIEW = 10;
const TWO_VIEWS = 5;
const PROFILES = KEEN + ONE_VIEW + TWO_VIEWS;
const once = Array.from({ length: ONE_VIEW }, () => randomUUID());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function record(customerId: string, occurredAt: Date, channel = InteractionChannel.WEB, type = InteractionType.PAGE_VIEW): Promise<void> {
  const fork = orm().em.fork();
  fork.create(Interaction, { customerId, channel, type, occurredAt, properties: { url: '/models/suv' } });
  await fork.flush();
}

beforeAll(async () => {
  const keen = Array.from({ length: KEEN }, () => randomUUID());
  const twice = Array.from({ length: TWO_VIEWS }, () => randomUUID());
  await upsertCustomerProfiles(
    orm().em.fork(),
    [...keen, ...once, ...twice].map((customerId) => ({ customerId, city: 'Brno' })),
  );
  for (const customerId of [...keen, ...twice]) for (const days of [1, 2]) await record(customerId, daysAgo(days));
  for (const customerId of once) await record(customerId, daysAgo(1));
  // The keen visitors' other page views copied in SQL: 12,000 rows in a second rather than through the ORM.
  await em()
    .getConnection()
    .execute(
      `insert into interaction
       select copy.* from interaction i, generate_series(1, ?) n,
         lateral jsonb_populate_record(null::interaction, to_jsonb(i) || jsonb_build_object(
           'id', gen_random_uuid(), 'occurred_at', i.occurred_at - n * interval '1 minute')) copy
       where i.customer_id = any(?::uuid[]) and i.occurred_at < now() - interval '36 hours'`,
      [VIEWS_EACH - 2, `{${keen.join(',')}}`],
    );
  await em().getConnection().execute('analyze interaction');
}, 120_000);

const pageViews = (views: { atLeast: number; atMost?: number }, withinDays = 90): Promise<Segment> =>
  createSegment(em(), {
    name: `Visitors ${randomUUID()}`,
    kind: SegmentKind.DYNAMIC,
    rules: {
      operator: SegmentGroupOperator.AND,
      conditions: [{ interactions: { channel: InteractionChannel.WEB, type: InteractionType.PAGE_VIEW, withinDays, ...views } }],
      groups: [],
    },
  });

/** A segment's size and the statements reading it sent, each with its plan (EXPLAIN ANALYZE, rolled back). */
async function sizeOf(segment: Segment): Promise<{ size: number; sent: Array<SentStatement & { plan: PlanNode[] }> }> {
  // The kept members as the plans find them: the statements below are planned again after they ran.
  const { result, sent } = await statementsSentBy(em(), () => segmentSizes(em(), [segment]));
  const planned = [];
  for (const statement of sent) planned.push({ ...statement, plan: await planOf(orm(), statement.sql, statement.params) });
  return { size: result[0]!, sent: planned };
}

/** What the statements read of a table: every node on it or one of its indexes, with what it dropped. */
const readOf = (sent: Array<{ plan: PlanNode[] }>, table: string) =>
  sent.reduce((sum, { plan }) => sum + rowsReadBy(plan.filter((node) => node['Relation Name'] === table || node['Index Name']?.startsWith(`${table}_`))), 0);

/** The statement that evaluated the rules (keeping the members), if the read sent one. */
const evaluation = (sent: Array<SentStatement & { plan: PlanNode[] }>) => sent.filter((statement) => statement.sql.includes('with evaluated'));

describe("a dynamic segment's size on visitors with long histories", () => {
  let keenAndTwice: Segment;

  it("evaluates a new segment whole on its first read, counting two of each keen visitor's 300 views, not all of them", async () => {
    keenAndTwice = await pageViews({ atLeast: 2 });
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS);
    expect(evaluation(sent)).toHaveLength(1);
    // Per profile at most atLeast entries for the count and one for the window's oldest view (165); every view of
    // every profile would be 12,000 and more.
    expect(readOf(evaluation(sent), 'interaction')).toBeGreaterThan(0);
    expect(readOf(evaluation(sent), 'interaction')).toBeLessThanOrEqual(3 * PROFILES);
  });

  it('decides "at most 1" one entry past it, and "exactly 2" the same way', async () => {
    const atMostOne = await sizeOf(await pageViews({ atLeast: 0, atMost: 1 }));
    expect(atMostOne.size).toBe(ONE_VIEW);
    expect(readOf(evaluation(atMostOne.sent), 'interaction')).toBeLessThanOrEqual(3 * PROFILES);
    const exactlyTwo = await sizeOf(await pageViews({ atLeast: 2, atMost: 2 }));
    expect(exactlyTwo.size).toBe(TWO_VIEWS);
    expect(readOf(evaluation(exactlyTwo.sent), 'interaction')).toBeLessThanOrEqual(4 * PROFILES);
  });

  it('counts its kept members afterwards: no rule evaluated, no profile or interaction read', async () => {
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS);
    // Whether anything changed since the last refresh, then the count.
    expect(sent).toHaveLength(2);
    expect(readOf(sent, 'customer_profile') + readOf(sent, 'interaction')).toBe(0);
    // An index entry and a row per member at most.
    expect(readOf(sent, 'segment_kept_member')).toBeLessThanOrEqual(2 * (KEEN + TWO_VIEWS));
  });

  it('evaluates again only the customer whose page view came since, in every segment it may change', async () => {
    await record(once[0]!, daysAgo(3));
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS + 1);
    // One statement per active dynamic segment (the three of this file so far), each reading that one profile.
    expect(evaluation(sent)).toHaveLength(3);
    expect(readOf(evaluation(sent), 'customer_profile')).toBe(3);
    const again = await sizeOf(keenAndTwice);
    expect(again.size).toBe(KEEN + TWO_VIEWS + 1);
    expect(again.sent).toHaveLength(2);
  });

  it('lets a member go when the view that made them one falls out of its window, with no change of data', async () => {
    const caller = randomUUID();
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId: caller, city: 'Ostrava' }]);
    // A call just inside a one-day window: it leaves the window in about two seconds.
    await record(caller, new Date(Date.now() - 86_400_000 + 2_000), InteractionChannel.PHONE, InteractionType.CALL);
    const recentCallers = await createSegment(em(), {
      name: `Callers ${randomUUID()}`,
      kind: SegmentKind.DYNAMIC,
      rules: { operator: SegmentGroupOperator.AND, conditions: [{ interactions: { type: InteractionType.CALL, atLeast: 1, withinDays: 1 } }], groups: [] },
    });
    expect((await segmentSizes(em(), [recentCallers]))[0]).toBe(1);
    const deadline = Date.now() + 15_000;
    let size = 1;
    while (size !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      size = (await segmentSizes(em(), [recentCallers]))[0]!;
    }
    expect(size).toBe(0);
  });

  it('follows each change of a consent, an open deal or a profile the rules name, in the transaction that made it', async () => {
    const customerId = randomUUID();
    const opportunityId = randomUUID();
    let step = 0;
    // Each projected change newer than the one before (a projection keeps the newest).
    const at = () => new Date(Date.now() + ++step * 1000);
    const consent = (granted: boolean) => upsertConsentStates(orm().em.fork(), [{ customerId, purpose: 'marketing-email', granted, changedAt: at() }]);
    const deal = (isOpen: boolean) => upsertOpportunityStates(orm().em.fork(), [{ opportunityId, customerId, isOpen, changedAt: at() }]);
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId, city: 'Zlín' }]);
    await consent(true);
    await deal(true);
    const zlinBuyers = await createSegment(em(), {
      name: `Zlín ${randomUUID()}`,
      kind: SegmentKind.DYNAMIC,
      rules: {
        operator: SegmentGroupOperator.AND,
        conditions: [
          { profile: { field: SegmentProfileField.CITY, operator: SegmentTextOperator.EQUALS, value: 'Zlín' } },
          { consent: { purpose: 'marketing-email', granted: true } },
          { opportunity: { hasOpen: true } },
        ],
        groups: [],
      },
    });
    const size = async () => (await segmentSizes(em(), [zlinBuyers]))[0];
    expect(await size()).toBe(1);
    await consent(false);
    expect(await size()).toBe(0);
    await consent(true);
    expect(await size()).toBe(1);
    await deal(false);
    expect(await size()).toBe(0);
    await deal(true);
    expect(await size()).toBe(1);
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId, city: 'Brno' }]);
    expect(await size()).toBe(0);
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId, city: 'Zlín' }]);
    expect(await size()).toBe(1);
    // Erased: the profile goes (privacy.tables.ts deletes it with the rest).
    await em().getConnection().execute('delete from customer_profile where id = ?', [customerId]);
    expect(await size()).toBe(0);
  });
});
