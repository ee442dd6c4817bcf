import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { campaignMetrics } from '../src/modules/campaign/campaign.queries.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { anonymousInteractionsPage } from '../src/modules/interaction/interaction.queries.js';
import { linkContactInteractions, recordInteraction } from '../src/modules/interaction/interaction.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Most interactions are a known customer's page views: no anonymous device, phone, e-mail or campaign. The indexes on
// those columns hold only the rows that have a value (a btree keeps an entry for every null too), so such a row is
// written into five indexes instead of nine. Every lookup by these columns still reads them.

const { orm, em } = useFreshMarketingDatabase();
const KNOWN = 20_000;
const device = `device-${randomUUID()}`;
const phone = '+420601234567';
const email = 'neznamy@example.cz';

beforeAll(async () => {
  const customerId = randomUUID();
  await recordInteraction(em(), { customerId, channel: C.WEB, type: T.PAGE_VIEW, properties: { page: '/modely' } });
  for (let n = 0; n < 5; n++) await recordInteraction(em(), { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW, properties: { page: `/${n}` } });
  await recordInteraction(em(), { phone, channel: C.PHONE, type: T.CALL, properties: {} });
  await recordInteraction(em(), { email, channel: C.EMAIL, type: T.MESSAGE_RECEIVED, properties: {} });
  const connection = em().getConnection();
  await connection.transactional(async (trx) => {
    await connection.execute('set local statement_timeout = 0', [], 'all', trx);
    // The known customer's page view, copied: the bulk of any dealer's timeline.
    await connection.execute(
      `insert into interaction
       select (jsonb_populate_record(null::interaction, to_jsonb(i) || jsonb_build_object('id', gen_random_uuid()))).*
       from (select * from interaction where customer_id = ? limit 1) i, generate_series(2, ?) n`,
      [customerId, KNOWN],
      'all',
      trx,
    );
  });
  await connection.execute('vacuum analyze interaction');
}, 120_000);

const indexBytes = async (name: string) =>
  Number((await em().execute<Array<{ bytes: string }>>('select pg_relation_size(?::regclass) as bytes', [name]))[0]!.bytes);

describe("the interaction table's indexes on columns most rows leave empty", () => {
  it("hold no entry for a known customer's page view", async () => {
    // A full index of 20,000 rows takes dozens of pages; these hold a handful of rows: the metapage and one leaf.
    const page = 8192;
    expect(await indexBytes('interaction_customer_id_occurred_at_id_index')).toBeGreaterThan(20 * page);
    const partial = [
      'interaction_anonymous_id_occurred_at_id_index',
      'interaction_phone_index',
      'interaction_email_index',
      'interaction_campaign_id_type_index',
    ];
    const sizes = Object.fromEntries(await Promise.all(partial.map(async (name) => [name, await indexBytes(name)] as const)));
    expect(Object.entries(sizes).filter(([, bytes]) => bytes > 2 * page)).toEqual([]);
  });

  it('are read by every lookup by those columns', async () => {
    const lookups: Array<[string, () => Promise<unknown>]> = [
      ['interaction_anonymous_id_occurred_at_id_index', () => anonymousInteractionsPage(em(), device, { first: 10 })],
      ['interaction_campaign_id_type_index', () => campaignMetrics(em(), [randomUUID()])],
    ];
    for (const [index, run] of lookups) {
      const { sent } = await statementsSentBy(em(), run);
      const plans = await Promise.all(sent.map(({ sql, params }) => planOf(orm(), sql, params)));
      const reading = plans.find((plan) => plan.some((node) => node['Index Name'] === index));
      expect({ index, used: reading !== undefined }).toEqual({ index, used: true });
      expect(rowsReadBy(reading!)).toBeLessThan(20);
    }
    // Linking a phone's and an e-mail's interactions to the customer they turned out to be (both indexes, or-ed).
    const { sent } = await statementsSentBy(em(), () =>
      linkContactInteractions(em(), randomUUID(), [
        { kind: 'PHONE', value: phone },
        { kind: 'EMAIL', value: email },
      ]),
    );
    const update = sent.find(({ sql }) => sql.startsWith('update interaction'))!;
    const plan = await planOf(orm(), update.sql, update.params, { enable_seqscan: 'off' });
    expect(plan.filter((node) => node['Index Name']).map((node) => node['Index Name'])).toEqual(
      expect.arrayContaining(['interaction_phone_index', 'interaction_email_index']),
    );
    expect(rowsReadBy(plan)).toBeLessThan(20);
  });
});
