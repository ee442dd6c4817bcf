import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { planOf, rowsReadBy, statementsSentBy, type SentStatement } from '../../../tests/helpers/query-plan.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelinePages } from '../src/modules/interaction/interaction.queries.js';
import { recordInteraction } from '../src/modules/interaction/interaction.service.js';
import { useFreshMarketingDatabase } from './database.js';

// A page of one customer's timeline (Customer.interactions, and every list under a parent: kit/pagination/keyset.ts)
// when that customer has a long history: a fleet customer's web visits run to tens of thousands. Each page numbered
// all of the customer's rows with a window function and cut them, reading every one of them from the table for a
// page of ten (the 360° query's timeline on every read). A page reads about the rows it shows; its totalCount is
// counted from the index.

const { orm, em } = useFreshMarketingDatabase();
const HISTORY = 20_000;
const busy = randomUUID();
const [quiet, other] = [randomUUID(), randomUUID()];

beforeAll(async () => {
  for (const customerId of [busy, quiet, other]) {
    for (let n = 0; n < 5; n++) {
      await recordInteraction(em(), {
        customerId,
        channel: C.WEB,
        type: T.PAGE_VIEW,
        properties: { page: `/${n}` },
        occurredAt: new Date(Date.UTC(2026, 10, 1, 0, n)),
      });
    }
  }
  const connection = em().getConnection();
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    // The busy customer's long history, copied from one of their rows: one visit a minute before the five above.
    await connection.execute(
      `insert into interaction
       select (jsonb_populate_record(null::interaction, to_jsonb(i) || jsonb_build_object(
         'id', gen_random_uuid(), 'occurred_at', timestamptz '2026-11-01T00:00:00Z' - n * interval '1 minute'))).*
       from (select * from interaction where customer_id = ? limit 1) i, generate_series(1, ?) n`,
      [busy, HISTORY - 5],
      'all',
      trx,
    );
  });
  // Statistics, and a visibility map for counting from the index alone.
  await connection.execute('vacuum analyze interaction');
}, 120_000);

/** Rows read from the table itself (not counted from an index), and rows any node read, by the statements' plans. */
async function rowsRead(sent: SentStatement[]): Promise<{ fromTable: number; all: number }> {
  let fromTable = 0;
  let all = 0;
  for (const { sql, params } of sent) {
    const plan = await planOf(orm(), sql, params);
    all += rowsReadBy(plan);
    fromTable += rowsReadBy(plan.filter((node) => node['Node Type'] !== 'Index Only Scan' && node['Node Type'] !== 'Bitmap Index Scan'));
  }
  return { fromTable, all };
}

const sentBy = <R>(run: () => Promise<R>) => statementsSentBy(em(), run);

const minute = (page: { edges: Array<{ node: { occurredAt: Date } }> }) => page.edges.map((edge) => edge.node.occurredAt.toISOString());

type TimelinePage = Awaited<ReturnType<typeof timelinePages>>[number];
const shape = (page: TimelinePage) => ({ ids: page.edges.map((edge) => [edge.node.id, edge.cursor]), pageInfo: page.pageInfo, total: page.total });

describe("a page of a customer's long timeline", () => {
  it('reads the rows it shows, and counts its totalCount from the index', async () => {
    const { result, sent } = await sentBy(() => timelinePages(em(), [busy], null, { first: 10 }));
    const [page] = result;
    expect(page!.total).toBe(HISTORY);
    // 00:04 … 00:00 on 1 November, then the history a minute apart before it.
    expect(minute(page!)).toEqual(Array.from({ length: 10 }, (_, k) => new Date(Date.UTC(2026, 10, 1, 0, 4) - k * 60_000).toISOString()));
    expect(page!.pageInfo.hasNextPage).toBe(true);
    expect(sent).toHaveLength(1);
    expect((await rowsRead(sent)).fromTable).toBeLessThan(100);
  });

  it('reads the rows it shows after a cursor, and before one (last:)', async () => {
    const [first] = await timelinePages(em(), [busy], null, { first: 10 });
    const { result, sent } = await sentBy(() => timelinePages(em(), [busy], null, { first: 10, after: first!.pageInfo.endCursor }));
    const [second] = result;
    expect(minute(second!)[0]).toBe(new Date(Date.UTC(2026, 10, 1, 0, 0) - 6 * 60_000).toISOString());
    expect(second!.edges).toHaveLength(10);
    expect((await rowsRead(sent)).all).toBeLessThan(100);

    const back = await sentBy(() => timelinePages(em(), [busy], null, { last: 3, before: second!.pageInfo.startCursor }));
    expect(minute(back.result[0]!)).toEqual(minute(first!).slice(7));
    expect((await rowsRead(back.sent)).all).toBeLessThan(100);
  });

  it('gives each customer of a batch their own page, in one statement that reads about those pages', async () => {
    const { result, sent } = await sentBy(() => timelinePages(em(), [quiet, busy, other], null, { first: 3 }));
    expect(sent).toHaveLength(1);
    expect(result.map((page) => page.total)).toEqual([5, HISTORY, 5]);
    for (const page of [result[0]!, result[2]!]) expect(minute(page)).toEqual([4, 3, 2].map((n) => new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString()));
    expect(result[0]!.edges.every((edge) => edge.node.customerId === quiet)).toBe(true);
    expect(result[1]!.edges.every((edge) => edge.node.customerId === busy)).toBe(true);
    expect((await rowsRead(sent)).fromTable).toBeLessThan(100);
  });

  it("gives one customer's page in a plain statement, the same page a batch gives", async () => {
    const filter = { channels: [C.WEB, C.EMAIL] };
    const [start] = await timelinePages(em(), [busy], filter, { first: 5 });
    const { startCursor, endCursor } = start!.pageInfo;
    for (const args of [{ first: 3 }, { last: 2 }, { first: 2, after: endCursor }, { last: 2, before: startCursor }, { last: 3, before: endCursor }]) {
      const alone = await sentBy(() => timelinePages(em(), [busy], filter, args));
      const batched = await sentBy(() => timelinePages(em(), [quiet, busy], filter, args));
      // No per-parent machinery (unnest, lateral subqueries) for one parent: planning it cost PostgreSQL a third more.
      expect(alone.sent.map(({ sql }) => /lateral|unnest/.test(sql))).toEqual([false]);
      expect(batched.sent.map(({ sql }) => /lateral/.test(sql))).toEqual([true]);
      expect(shape(alone.result[0]!)).toEqual(shape(batched.result[1]!));
      expect((await rowsRead(alone.sent)).fromTable).toBeLessThan(100);
    }
    const [first] = await timelinePages(em(), [busy], filter, { first: 2 });
    expect(first!.total).toBe(HISTORY);
    const [next] = await timelinePages(em(), [busy], filter, { first: 2, after: first!.pageInfo.endCursor });
    expect(minute(next!)).toEqual([2, 1].map((n) => new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString()));
  });

  it('is planned for its channels once per connection, not at every call: the plan cache keeps it after five', async () => {
    // The 360° query's page (a customer's e-mails and calls). With the channels bound as one array PostgreSQL
    // judged the generic plan dearer than each call's own and planned the statement at every call (ADR 12).
    const plans = await em().transactional(async (tx) => {
      for (let call = 0; call < 8; call++) {
        const channels = call % 2 ? [C.PHONE, C.EMAIL, C.PHONE] : [C.EMAIL, C.PHONE];
        const [page] = await timelinePages(tx, [busy], { channels }, { first: 2 });
        expect(page!.total).toBe(0);
      }
      return tx.execute<Array<{ statement: string; generic_plans: string; custom_plans: string }>>(
        // The counted first page of one customer, filtered by channels other than the web (earlier tests' pages).
        `select statement, generic_plans, custom_plans from pg_prepared_statements
         where statement like '%page_total%interaction_channel%desc limit%' and statement not like '%lateral%' and statement not like '%WEB%'`,
      );
    });
    // One text whatever the order or repetition of the channels, with them written in.
    expect(plans).toHaveLength(1);
    expect(plans[0]!.statement).toContain(`'{EMAIL,PHONE}'::interaction_channel[]`);
    expect({ custom: Number(plans[0]!.custom_plans), generic: Number(plans[0]!.generic_plans) }).toEqual({ custom: 5, generic: 3 });
  });

  it('makes entities of the rows a page keeps only, not of the one read past its end', async () => {
    const cases = [
      { parents: [quiet], args: { first: 2 }, kept: 2, more: { hasNextPage: true, hasPreviousPage: false } },
      { parents: [quiet], args: { last: 3 }, kept: 3, more: { hasNextPage: false, hasPreviousPage: true } },
      { parents: [quiet], args: { first: 10 }, kept: 5, more: { hasNextPage: false, hasPreviousPage: false } },
      // A batch (the lateral form): each parent's page past its end, and a parent named twice.
      { parents: [quiet, other, quiet], args: { first: 2 }, kept: 2, more: { hasNextPage: true, hasPreviousPage: false } },
    ];
    for (const { parents, args, kept, more } of cases) {
      const request = em();
      const pages = await timelinePages(request, parents, null, args);
      for (const page of pages) {
        expect(page!.edges).toHaveLength(kept);
        expect(page!.pageInfo).toMatchObject(more);
      }
      const mapped = request.getUnitOfWork().getIdentityMap().values();
      const shown = new Set(pages.flatMap((page) => page!.edges.map((edge) => edge.node.id)));
      expect(mapped.map((entity) => (entity as { id: string }).id).sort()).toEqual([...shown].sort());
    }
  });

  it("maps a row's columns to plain properties of its entity, with no accessor made per entity (ADR 12)", async () => {
    const [page] = await timelinePages(em(), [quiet], null, { first: 1 });
    const node = page!.edges[0]!.node;
    for (const property of ['channel', 'type', 'occurredAt', 'properties', 'recordedAt'] as const) {
      const own = Object.getOwnPropertyDescriptor(node, property);
      expect({ property, get: own?.get, value: own?.value }).toEqual({ property, get: undefined, value: node[property] });
    }
  });

  it('answers a parent named twice, or in capitals, with its one page', async () => {
    const [once, twice, upper] = await timelinePages(em(), [quiet, quiet, quiet.toUpperCase()], null, { first: 10 });
    for (const page of [once!, twice!, upper!]) {
      expect(page.edges).toHaveLength(5);
      expect(page.total).toBe(5);
    }
  });
});
