import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { pgArray } from '@crm/kit/sql.js';
import { SalesActivityType } from '../src/modules/activity/activity.entity.js';
import { ActivityOrder, type ActivityFilter } from '../src/modules/activity/activity.inputs.js';
import { activitiesPage } from '../src/modules/activity/activity.queries.js';
import { createActivity } from '../src/modules/activity/activity.service.js';
import { salesRep, useFreshSalesDatabase } from './database.js';

// Query.activities(filter: { done: false }) — a rep's open tasks, the list a salesperson looks at most — on a dealer's
// activities. `completed_at is null` had no index: each page and each count read the whole table (40,000 rows for 600
// open activities among 20,000), and with `ownerIds: [me]` every past activity of the rep. A page and its count read
// about the open activities they match.

const { orm, em, write } = useFreshSalesDatabase();
const ACTIVITIES = 20_000;
/** Owners take turns (n % 20): 1,000 activities each. */
const OWNERS = Array.from({ length: 20 }, () => randomUUID());
/** 3 in 100 of each owner's activities are open: 30 each, 600 in all. */
const OPEN = ACTIVITIES * 0.03;
const PAGE = 20;

const [me, ...others] = OWNERS as [string, ...string[]];
/** A rep and four teammates (gateway/auth/authenticator.ts personViewer): their five owners' rows. */
const rep = salesRep(me, others.slice(0, 4));
/** An admin: every row, no owner scope. */
const admin: Viewer = {
  id: randomUUID(),
  kind: 'user',
  role: 'ADMIN',
  permissions: ROLE_PERMISSIONS.ADMIN,
  owners: null,
  unowned: true,
  lines: null,
  ip: null,
};

beforeAll(async () => {
  // No statistics until the tests gather them: autovacuum must not analyze the table while they look at the plans.
  await em().getConnection().execute('alter table sales_activity set (autovacuum_enabled = false)');
  // One activity made by the service, copied in SQL: a dealer's activities in a second rather than minutes.
  const template = await write((em) =>
    createActivity(em, { type: SalesActivityType.TASK, subject: 'Call back', customerId: randomUUID(), ownerId: me, dueAt: new Date() }),
  );
  // Newest first by n; owners take turns; types and due dates scattered (a note has none); each owner's open ones
  // spread over their whole history (owners' turns shifted), not bunched at its start.
  await em()
    .getConnection()
    .execute(
      `insert into sales_activity
     select copy.* from sales_activity a, generate_series(1, ?) n,
       lateral (select (array['CALL', 'MEETING', 'EMAIL', 'TASK', 'NOTE'])[1 + abs(hashtext('type-' || n)) % 5] as kind) typed,
       lateral jsonb_populate_record(null::sales_activity, to_jsonb(a) || jsonb_build_object(
         'id', gen_random_uuid(), 'customer_id', gen_random_uuid(), 'owner_id', (?::uuid[])[1 + n % 20], 'type', kind,
         'created_at', now() - n * interval '1 minute', 'updated_at', now() - n * interval '1 minute',
         'due_at', case when kind = 'NOTE' then null else now() + (abs(hashtext('due-' || n)) % 40000 - 20000) * interval '1 minute' end,
         'completed_at', case when (n / 20 + 7 * (n % 20)) % 100 < 3 then null else now() - n * interval '1 minute' + interval '1 hour' end)) copy
     where a.id = ?`,
      [ACTIVITIES, pgArray(OWNERS), template.id],
    );
  await em().getConnection().execute('delete from sales_activity where id = ?', [template.id]);
}, 120_000);

/** The first page of Query.activities and its totalCount, and what their statements read (EXPLAIN ANALYZE, rolled back). */
async function listActivities(filter: ActivityFilter, order: ActivityOrder, viewer: Viewer): Promise<{ ids: string[]; total: number; rowsRead: number }> {
  const { result, sent } = await statementsSentBy(em(), async () => {
    const page = await activitiesPage(em(), filter, order, viewer, { first: PAGE });
    return { ids: page.edges.map((edge) => edge.node.id), total: await page.count() };
  });
  expect(sent).toHaveLength(2); // the page, then its count
  let rowsRead = 0;
  for (const { sql, params } of sent) rowsRead += rowsReadBy(await planOf(orm(), sql, params));
  return { ...result, rowsRead };
}

/** The open activities of `owners` (all when null) as plain SQL says: the first page's ids in the list's order, and how many. */
async function openActivities(owners: readonly string[] | null, order: ActivityOrder): Promise<{ ids: string[]; total: number }> {
  const conditions = ['completed_at is null', ...(owners ? ['owner_id = any(?::uuid[])'] : [])];
  if (order === ActivityOrder.DUE_SOONEST) conditions.push('due_at is not null');
  const sort = order === ActivityOrder.DUE_SOONEST ? 'due_at, id' : 'created_at desc, id desc';
  const params = owners ? [pgArray(owners)] : [];
  const rows = await em()
    .getConnection()
    .execute<Array<{ id: string }>>(`select id from sales_activity where ${conditions.join(' and ')} order by ${sort}`, params);
  return { ids: rows.slice(0, PAGE).map((row) => row.id), total: rows.length };
}

describe("the activity list's open activities on a dealer's activities", () => {
  beforeAll(() => em().getConnection().execute('analyze sales_activity'));

  const ORDERS = [ActivityOrder.NEWEST_FIRST, ActivityOrder.DUE_SOONEST];

  it.each(ORDERS)('an admin (every owner), %s: reads about the open activities, not the table', async (order) => {
    const expected = await openActivities(null, order);
    const { ids, total, rowsRead } = await listActivities({ done: false }, order, admin);
    expect({ ids, total }).toEqual(expected);
    expect(ids).toHaveLength(PAGE);
    if (order === ActivityOrder.NEWEST_FIRST) expect(total).toBe(OPEN);
    // At most an index entry and a row per open activity for the page and again for the count: 2,400 of 20,000.
    expect(rowsRead).toBeLessThan(ACTIVITIES / 5);
  });

  it.each(ORDERS)("a rep (their team's five owners), %s: reads about their team's open activities", async (order) => {
    const expected = await openActivities(rep.owners, order);
    const { ids, total, rowsRead } = await listActivities({ done: false }, order, rep);
    expect({ ids, total }).toEqual(expected);
    expect(ids).toHaveLength(PAGE);
    if (order === ActivityOrder.NEWEST_FIRST) expect(total).toBe(OPEN / 4);
    expect(rowsRead).toBeLessThan(ACTIVITIES / 20);
  });

  it.each(ORDERS)('a rep with ownerIds: [me], %s: reads about their own open activities, not all their past ones', async (order) => {
    const expected = await openActivities([me], order);
    const { ids, total, rowsRead } = await listActivities({ done: false, ownerIds: [me] }, order, rep);
    expect({ ids, total }).toEqual(expected);
    expect(ids).toHaveLength(PAGE);
    if (order === ActivityOrder.NEWEST_FIRST) expect(total).toBe(OPEN / OWNERS.length);
    // The rep has 1,000 activities: reading them all is what this forbids.
    expect(rowsRead).toBeLessThan(250);
  });
});
