import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../../tests/helpers/eventually.js';
import { planOf, rowsReadBy, statementsSentBy, type PlanNode, type SentStatement } from '../../../tests/helpers/query-plan.js';
import { Interaction, InteractionChannel, InteractionType } from '../src/modules/interaction/interaction.entity.js';
import { upsertConsentStates, upsertCustomerProfiles, upsertOpportunityStates } from '../src/modules/projection/projection.service.js';
import { type Segment, SegmentKind } from '../src/modules/segment/segment.entity.js';
import { segmentSizes } from '../src/modules/segment/segment.membership.js';
import { archiveSegment, createSegment, updateSegment } from '../src/modules/segment/segment.service.js';
import { keepSegmentMembers, READ_REFRESH_LIMIT } from '../src/modules/segment/segment.kept-members.js';
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

/** The statements `run` sent, each with its plan (EXPLAIN ANALYZE, rolled back, after they ran). */
async function planned<R>(run: () => Promise<R>): Promise<{ result: R; sent: Array<SentStatement & { plan: PlanNode[] }> }> {
  const { result, sent } = await statementsSentBy(em(), run);
  const withPlans = [];
  // A setting (`set local`) has no plan.
  for (const statement of sent) withPlans.push({ ...statement, plan: /^set /.test(statement.sql) ? [] : await planOf(orm(), statement.sql, statement.params) });
  return { result, sent: withPlans };
}

/** A segment's size and the statements reading it sent. */
const sizeOf = async (segment: Segment) => {
  const { result, sent } = await planned(() => segmentSizes(em(), [segment]));
  return { size: result[0]!, sent };
};

/** The job's run (jobs.ts, every minute): new and changed segments kept whole, every mark taken. */
const keep = () => planned(() => keepSegmentMembers(em()));

/** What the statements read of a table: every node on it or one of its indexes, with what it dropped. */
const readOf = (sent: Array<{ plan: PlanNode[] }>, table: string) =>
  sent.reduce((sum, { plan }) => sum + rowsReadBy(plan.filter((node) => node['Relation Name'] === table || node['Index Name']?.startsWith(`${table}_`))), 0);

/** The statements that evaluated rules to keep members. */
const evaluations = <T extends SentStatement>(sent: T[]) => sent.filter((statement) => /evaluated\d+ as/.test(statement.sql));

const keptRows = async (segment: Segment) =>
  Number((await em().getConnection().execute<Array<{ n: string }>>('select count(*) as n from segment_kept_member where segment_id = ?', [segment.id]))[0]!.n);

describe("a dynamic segment's size on visitors with long histories", () => {
  let keenAndTwice: Segment;

  it("evaluates a new segment's rules for its size, counting two of each keen visitor's 300 views, not all of them", async () => {
    keenAndTwice = await pageViews({ atLeast: 2 });
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS);
    // At most atLeast index entries per profile (110); every view of every profile would be 12,000 and more.
    expect(readOf(sent, 'interaction')).toBeGreaterThan(0);
    expect(readOf(sent, 'interaction')).toBeLessThanOrEqual(2 * PROFILES);
  });

  it('keeps it whole in the job, reading as little: its count, and the oldest view of each window', async () => {
    const { sent } = await keep();
    expect(evaluations(sent)).toHaveLength(2); // the segment whole; the marks (none of a kept segment yet)
    expect(readOf(evaluations(sent), 'interaction')).toBeLessThanOrEqual(3 * PROFILES);
    expect(await keptRows(keenAndTwice)).toBe(KEEN + TWO_VIEWS);
  });

  it('decides "at most 1" one entry past it, and "exactly 2" the same way, evaluated or kept', async () => {
    const atMostOne = await pageViews({ atLeast: 0, atMost: 1 });
    const exactlyTwo = await pageViews({ atLeast: 2, atMost: 2 });
    expect((await sizeOf(atMostOne)).size).toBe(ONE_VIEW);
    expect((await sizeOf(exactlyTwo)).size).toBe(TWO_VIEWS);
    const { sent } = await keep();
    expect(readOf(evaluations(sent), 'interaction')).toBeLessThanOrEqual(2 * 4 * PROFILES);
    expect([await keptRows(atMostOne), await keptRows(exactlyTwo)]).toEqual([ONE_VIEW, TWO_VIEWS]);
    expect((await sizeOf(atMostOne)).size).toBe(ONE_VIEW);
    expect((await sizeOf(exactlyTwo)).size).toBe(TWO_VIEWS);
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

  it('evaluates again only the customer whose page view came since, in one statement for every kept segment', async () => {
    await record(once[0]!, daysAgo(3));
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS + 1);
    expect(evaluations(sent)).toHaveLength(1);
    // That one profile, once for each of the three kept segments.
    expect(readOf(evaluations(sent), 'customer_profile')).toBe(3);
    const again = await sizeOf(keenAndTwice);
    expect(again.size).toBe(KEEN + TWO_VIEWS + 1);
    expect(again.sent).toHaveLength(2);
  });

  it('answers from the rules when more has changed than a read should evaluate, and the job takes it', async () => {
    await em()
      .getConnection()
      .execute('insert into segment_stale_customer (customer_id) select gen_random_uuid() from generate_series(1, ?)', [READ_REFRESH_LIMIT + 1]);
    const { size, sent } = await sizeOf(keenAndTwice);
    expect(size).toBe(KEEN + TWO_VIEWS + 1);
    expect(evaluations(sent)).toHaveLength(0);
    expect(readOf(sent, 'customer_profile')).toBeGreaterThan(0);
    await keep();
    expect(await sizeOf(keenAndTwice)).toMatchObject({ size: KEEN + TWO_VIEWS + 1 });
    expect((await sizeOf(keenAndTwice)).sent).toHaveLength(2);
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
    await keepSegmentMembers(em());
    expect(await keptRows(recentCallers)).toBe(1);
    expect((await segmentSizes(em(), [recentCallers]))[0]).toBe(1);
    await eventually(async () => expect((await segmentSizes(em(), [recentCallers]))[0]).toBe(0));
    expect(await keptRows(recentCallers)).toBe(0);
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
    await keepSegmentMembers(em());
    expect(await keptRows(zlinBuyers)).toBe(1);
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
    // Erased: the profile goes (privacy.tables.ts deletes it with the rest), and with the next read its membership.
    await em().getConnection().execute('delete from customer_profile where id = ?', [customerId]);
    expect(await size()).toBe(0);
    expect(await keptRows(zlinBuyers)).toBe(0);
    // Archived: its kept members go, and its size is its rules' again.
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId, city: 'Zlín' }]);
    expect(await size()).toBe(1);
    const archived = await archiveSegment(em(), zlinBuyers.id, zlinBuyers.version);
    expect((await segmentSizes(em(), [archived]))[0]).toBe(1);
    await keepSegmentMembers(em());
    expect(await keptRows(zlinBuyers)).toBe(0);
  });

  it('gives way to a refresh at work: a read answers from the rules meanwhile, and the next one takes the marks', async () => {
    await record(once[1]!, daysAgo(3));
    const holder = new pg.Client({ connectionString: orm().config.get('clientUrl') });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(hashtext('segment-kept-members'))`);
      const meanwhile = await sizeOf(keenAndTwice);
      expect(meanwhile.size).toBe(KEEN + TWO_VIEWS + 2);
      expect(evaluations(meanwhile.sent)).toHaveLength(0);
      expect(readOf(meanwhile.sent, 'customer_profile')).toBeGreaterThan(0);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const after = await sizeOf(keenAndTwice);
    expect(after.size).toBe(KEEN + TWO_VIEWS + 2);
    expect(evaluations(after.sent)).toHaveLength(1);
    expect(readOf(after.sent, 'customer_profile')).toBeLessThanOrEqual(4); // that one profile, once per kept segment
  });

  it('keeps a segment again only whole after its rules change, even back to the rules it was kept with', async () => {
    const segment = await pageViews({ atLeast: 1 });
    await keepSegmentMembers(em());
    const keptWith = async () =>
      (await em().getConnection().execute<Array<{ kept: boolean | null }>>('select kept_rules = rules as kept from segment where id = ?', [segment.id]))[0]!
        .kept;
    expect(await keptWith()).toBe(true);
    const narrowed = await updateSegment(em(), segment.id, segment.version, {
      rules: { ...segment.rules!, conditions: [{ interactions: { type: InteractionType.PAGE_VIEW, atLeast: 3, withinDays: 90 } }] },
    });
    expect(await keptWith()).toBeNull();
    // A customer changes while the segment is not kept: the read takes the mark without evaluating it for this one.
    const newcomer = randomUUID();
    await upsertCustomerProfiles(orm().em.fork(), [{ customerId: newcomer, city: 'Jihlava' }]);
    await record(newcomer, daysAgo(1));
    await segmentSizes(em(), [keenAndTwice]);
    const restored = await updateSegment(em(), segment.id, narrowed.version, { rules: segment.rules! });
    expect(await keptWith()).toBeNull();
    expect((await segmentSizes(em(), [restored]))[0]).toBe(PROFILES + 1);
    await keepSegmentMembers(em());
    expect(await keptWith()).toBe(true);
    expect(await keptRows(restored)).toBe(PROFILES + 1);
    expect((await segmentSizes(em(), [restored]))[0]).toBe(PROFILES + 1);
  });
});
