import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { systemViewer, type Viewer } from '@crm/kit/access/viewer.js';
import { CustomerKind } from '../src/modules/customer/customer.entity.js';
import { createCustomer } from '../src/modules/customer/customer.service.js';
import { customersPage } from '../src/modules/customer/customer.queries.js';
import { useFreshIdentityDatabase } from './database.js';

// Query.customers(filter: { search }) — the list a person narrows as they type — on a dealer's customer base. It read
// every customer of the list (walking it newest first and testing each) and every e-mail and phone (an OR with an
// EXISTS no index serves), for each page and again for its count: 20,000 rows for ten matches here, a million at a
// million customers, where /export of such a list timed out. A page and its count read about the rows they match.

const { orm, em, write } = useFreshIdentityDatabase();
const CUSTOMERS = 20_000;
/** Every 2,000th customer is a Plánovaný; e-mails are eva.<n>@list.example. */
const RARE = CUSTOMERS / 2_000;
const PAGE = 10;
/** A viewer without pii:read: the list's search matches names only. */
const NO_PII: Viewer = { ...systemViewer('list-search-test'), kind: 'api-key', permissions: ['customers:read'] };

beforeAll(async () => {
  // No statistics until a test gathers them: autovacuum must not analyze the tables while the tests look at the plans.
  for (const table of ['customer', 'customer_identifier']) await em().getConnection().execute(`alter table ${table} set (autovacuum_enabled = false)`);
  // One customer made by the service, copied in SQL: a dealer's base in a second rather than minutes.
  const template = await write((em) =>
    createCustomer(em, { kind: CustomerKind.PERSON, firstName: 'Eva', lastName: 'Vzor', emails: ['vzor@list.example'], phones: [] }),
  );
  const connection = em().getConnection();
  // In one transaction without the pool's statement timeout: the trigram indexes make 20,000 inserts take seconds.
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    await connection.execute(
      `insert into customer
     select (jsonb_populate_record(null::customer, to_jsonb(c) || jsonb_build_object(
       'id', md5('list-search-' || n)::uuid, 'last_name', name, 'sort_name', lower('eva ' || name), 'display_name', 'Eva ' || name,
       'created_at', now() - n * interval '1 minute'))).*
     from customer c, generate_series(1, ?) n, lateral (select case when n % 2000 = 0 then 'Planovany' else 'Zakaznik' || n end as name) named
     where c.id = ?`,
      [CUSTOMERS, template.id],
      'all',
      trx,
    );
    await connection.execute(
      `insert into customer_identifier
     select (jsonb_populate_record(null::customer_identifier, to_jsonb(i) || jsonb_build_object(
       'id', gen_random_uuid(), 'customer_id', md5('list-search-' || n)::uuid, 'value', 'eva.' || n || '@list.example'))).*
     from customer_identifier i, generate_series(1, ?) n
     where i.customer_id = ?`,
      [CUSTOMERS, template.id],
      'all',
      trx,
    );
  });
}, 120_000);

/** A page of the list filtered by `search` and its totalCount, and what their statements read (EXPLAIN ANALYZE, rolled back). */
async function searchTheList(search: string, viewer?: Viewer): Promise<{ names: string[]; total: number; rowsRead: number }> {
  const { result, sent } = await statementsSentBy(em(), async () => {
    const page = await customersPage(em(), { search, includeArchived: false }, null, { first: PAGE }, viewer);
    return { names: page.edges.map((edge) => edge.node.lastName ?? ''), total: await page.count() };
  });
  expect(sent).toHaveLength(2); // the page, then its count
  let rowsRead = 0;
  for (const { sql, params } of sent) rowsRead += rowsReadBy(await planOf(orm(), sql, params));
  return { ...result, rowsRead };
}

describe("the customer list's search filter right after a data load (no statistics yet)", () => {
  it('never reads the tables once per customer', async () => {
    // A planner that knows nothing of the new rows may read them all, once: never once per customer (20,000²).
    for (const viewer of [undefined, NO_PII]) {
      const { total, rowsRead } = await searchTheList('Plánovaný', viewer);
      expect(total).toBe(RARE);
      expect(rowsRead).toBeLessThanOrEqual(4 * CUSTOMERS);
    }
  });
});

describe("the customer list's search filter on a dealer's customer base", () => {
  beforeAll(() => em().getConnection().execute('analyze customer, customer_identifier'));

  it('finds a rare name reading about its matches: with pii:read (names, e-mails, phones) and without (names)', async () => {
    for (const viewer of [undefined, NO_PII]) {
      const { names, total, rowsRead } = await searchTheList('Plánovaný', viewer);
      expect(total).toBe(RARE);
      expect(names).toEqual(Array.from({ length: RARE }, () => 'Planovany'));
      expect(rowsRead).toBeLessThan(CUSTOMERS / 20);
    }
  });

  it("finds e-mails by their start reading about their matches, and nobody's for a viewer without pii:read", async () => {
    // eva.1234@…, eva.12340@ … eva.12349@: eleven.
    const { total, rowsRead } = await searchTheList('eva.1234');
    expect(total).toBe(11);
    expect(rowsRead).toBeLessThan(CUSTOMERS / 20);
    expect((await searchTheList('eva.1234', NO_PII)).total).toBe(0);
  });

  it('finds nothing for a term nobody has, reading next to nothing', async () => {
    const { total, rowsRead } = await searchTheList('Nikdo Takový');
    expect(total).toBe(0);
    expect(rowsRead).toBeLessThan(CUSTOMERS / 20);
  });
});
