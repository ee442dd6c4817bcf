import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { Interaction, InteractionChannel, InteractionType } from '../src/modules/interaction/interaction.entity.js';
import { upsertCustomerProfiles } from '../src/modules/projection/projection.service.js';
import { SegmentKind } from '../src/modules/segment/segment.entity.js';
import { segmentSizes } from '../src/modules/segment/segment.membership.js';
import { createSegment } from '../src/modules/segment/segment.service.js';
import { SegmentGroupOperator } from '../src/modules/segment/segment.rules.js';
import { useFreshMarketingDatabase } from './database.js';

// A dynamic segment's rule "at least N page views in D days" counted every matching interaction of each profile, so a
// dealer's keenest visitors (hundreds of page views each) cost hundreds of index entries apiece in every size and page
// of members. The count now stops where its comparison is decided: atLeast, or one past atMost.

const { orm, em } = useFreshMarketingDatabase();
const KEEN = 40;
const VIEWS_EACH = 300;
const ONE_VIEW = 10;
const TWO_VIEWS = 5;

beforeAll(async () => {
  const keen = Array.from({ length: KEEN }, () => randomUUID());
  const once = Array.from({ length: ONE_VIEW }, () => randomUUID());
  const twice = Array.from({ length: TWO_VIEWS }, () => randomUUID());
  const fork = orm().em.fork();
  await upsertCustomerProfiles(
    fork,
    [...keen, ...once, ...twice].map((customerId) => ({ customerId, city: 'Brno' })),
  );
  const viewed = (customerId: string, daysAgo: number) =>
    fork.create(Interaction, {
      customerId,
      channel: InteractionChannel.WEB,
      type: InteractionType.PAGE_VIEW,
      occurredAt: new Date(Date.now() - daysAgo * 86_400_000),
      properties: { url: '/models/suv' },
    });
  for (const customerId of [...keen, ...twice]) [1, 2].forEach((days) => viewed(customerId, days));
  for (const customerId of once) viewed(customerId, 1);
  await fork.flush();
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

/** A dynamic segment of one page-view condition: its size, and the interactions its one statement read (EXPLAIN ANALYZE). */
async function sizeOf(views: { atLeast: number; atMost?: number }): Promise<{ size: number; interactionsRead: number }> {
  const segment = await createSegment(em(), {
    name: `Visitors ${randomUUID()}`,
    kind: SegmentKind.DYNAMIC,
    rules: {
      operator: SegmentGroupOperator.AND,
      conditions: [{ interactions: { channel: InteractionChannel.WEB, type: InteractionType.PAGE_VIEW, withinDays: 90, ...views } }],
      groups: [],
    },
  });
  const { result, sent } = await statementsSentBy(em(), () => segmentSizes(em(), [segment]));
  expect(sent).toHaveLength(1);
  const plan = await planOf(orm(), sent[0]!.sql, sent[0]!.params);
  // Every node on the table or one of its indexes (a bitmap's index scan names only its index), with what it dropped.
  const onInteractions = plan.filter((node) => node['Relation Name'] === 'interaction' || node['Index Name']?.startsWith('interaction_'));
  return { size: result[0]!, interactionsRead: rowsReadBy(onInteractions) };
}

describe("a dynamic segment's interaction counts on visitors with long histories", () => {
  it('counts "at least 2 page views" reading two of each keen visitor\'s 300, not all of them', async () => {
    const { size, interactionsRead } = await sizeOf({ atLeast: 2 });
    expect(size).toBe(KEEN + TWO_VIEWS);
    // At most atLeast entries per customer (about 110); every view of every profile would be 12,000 and more.
    expect(interactionsRead).toBeGreaterThan(0);
    expect(interactionsRead).toBeLessThanOrEqual(2 * (KEEN + ONE_VIEW + TWO_VIEWS));
  });

  it('decides "at most 1" one entry past it, and "exactly 2" the same way', async () => {
    const atMostOne = await sizeOf({ atLeast: 0, atMost: 1 });
    expect(atMostOne.size).toBe(ONE_VIEW);
    expect(atMostOne.interactionsRead).toBeLessThanOrEqual(2 * (KEEN + ONE_VIEW + TWO_VIEWS));
    const exactlyTwo = await sizeOf({ atLeast: 2, atMost: 2 });
    expect(exactlyTwo.size).toBe(TWO_VIEWS);
    expect(exactlyTwo.interactionsRead).toBeLessThanOrEqual(3 * (KEEN + ONE_VIEW + TWO_VIEWS));
  });
});
