import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUBGRAPHS } from '@crm/kit/config.js';
import { eventually } from './helpers/eventually.js';
import { queryOk } from './helpers/graphql.js';
import { startPgBouncer, type PgBouncer } from './helpers/pgbouncer.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 11.2: the platform "works behind PgBouncer in transaction mode". Every subgraph's pools (requests,
// background, job queue) go through a real PgBouncer that gives each database two server connections, so consecutive
// transactions of one client connection land on different server connections; the PostgreSQL bus goes direct, as the
// README says it must for LISTEN (EVENTS_DATABASE_URL). A statement timeout is a session SET, which transaction
// pooling cannot keep: it is off here, as the README says (set it on the role instead).

const SERVER_CONNECTIONS = 2;
const CUSTOMERS = 12;
const CONSENTING = 8;
const BURST = 40;

let bouncer: PgBouncer;
let platform: Platform;
const gql = <T>(query: string, variables?: Record<string, unknown>) => queryOk<T>(platform.gatewayUrl, query, variables);

beforeAll(async () => {
  process.env.DB_STATEMENT_TIMEOUT_MS = '0';
  process.env.DB_PREPARED_STATEMENTS = 'false';
  bouncer = await startPgBouncer(process.env.DATABASE_URL!, SERVER_CONNECTIONS);
  platform = await startPlatform({ databaseServer: bouncer.url, eventsDatabaseServer: process.env.DATABASE_URL! });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await bouncer?.stop();
  delete process.env.DB_STATEMENT_TIMEOUT_MS;
  delete process.env.DB_PREPARED_STATEMENTS;
});

/** The platform's databases as PgBouncer names them (the test's prefix and the subgraph). */
const databaseOf = (subgraph: (typeof SUBGRAPHS)[number]): string => platform.subgraphs[subgraph].orm.config.get('dbName')!;

describe('behind PgBouncer in transaction mode (issue 11.2)', () => {
  it('sends a campaign: events from identity to marketing, and marketing jobs run through the pooled connections', async () => {
    const run = randomUUID().slice(0, 8);
    const people = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, n) => {
        const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
          'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
          {
            input: { firstName: `Pool${n}`, lastName: 'Novák', emails: [`pool${n}.${run}@example.cz`] },
          },
        );
        if (n < CONSENTING) {
          await gql('mutation($input: RecordConsentInput!) { recordConsent(input: $input) { status } }', {
            input: { customerId: createCustomer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v1' },
          });
        }
        return createCustomer.id;
      }),
    );
    // Marketing learns addresses and consents from identity's events (its consumers' reads and writes go through PgBouncer).
    await eventually(async () => {
      const [row] = await platform.subgraphs.marketing.orm.em.fork().execute<Array<{ contacts: string; consents: string }>>(
        `select (select count(*) from customer_contact where customer_id = any(?::uuid[])) as contacts,
                  (select count(*) from consent_state where customer_id = any(?::uuid[]) and granted) as consents`,
        [`{${people.join(',')}}`, `{${people.join(',')}}`],
      );
      expect([Number(row!.contacts), Number(row!.consents)]).toEqual([CUSTOMERS, CONSENTING]);
    }, 60_000);

    const { createSegment } = await gql<{ createSegment: { id: string } }>('mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }', {
      input: { name: `Pooled ${run}`, kind: 'STATIC' },
    });
    await gql('mutation($segmentId: ID!, $ids: [ID!]!) { addToList(segmentId: $segmentId, customerIds: $ids) { id } }', {
      segmentId: createSegment.id,
      ids: people,
    });
    const { createCampaign } = await gql<{ createCampaign: { id: string } }>(
      'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }',
      {
        input: {
          name: `Pooled ${run}`,
          segmentId: createSegment.id,
          channel: 'EMAIL',
          startsAt: new Date().toISOString(),
          content: [{ language: 'cs', subject: 'Servisní prohlídka pro {{firstName}}', text: 'Dobrý den {{firstName}}, je čas na servis. {{unsubscribeUrl}}' }],
        },
      },
    );
    for (const status of ['SCHEDULED', 'RUNNING']) {
      const { campaign } = await gql<{ campaign: { version: number } }>('query($id: ID!) { campaign(id: $id) { version } }', { id: createCampaign.id });
      await gql(
        'mutation($id: ID!, $version: Int!, $status: CampaignStatus!) { changeCampaignStatus(id: $id, version: $version, input: { status: $status }) { status } }',
        {
          id: createCampaign.id,
          version: campaign.version,
          status,
        },
      );
    }
    type Progress = { progress: Record<string, number> };
    const done = await eventually(async () => {
      const { campaign } = await gql<{ campaign: Progress }>(
        'query($id: ID!) { campaign(id: $id) { progress { audience queued sending sent suppressed failed } } }',
        {
          id: createCampaign.id,
        },
      );
      expect(campaign.progress).toMatchObject({ audience: CUSTOMERS, queued: 0, sending: 0 });
      return campaign;
    }, 60_000);
    expect(done.progress).toMatchObject({ sent: CONSENTING, suppressed: CUSTOMERS - CONSENTING, failed: 0 });
    const sentTo = platform.outbound.sent.filter((message) => message.to.endsWith(`.${run}@example.cz`)).map((message) => message.to);
    expect(new Set(sentTo).size).toBe(CONSENTING);
    expect(sentTo).toHaveLength(CONSENTING);
  }, 120_000);

  it(`serves a burst of ${BURST} writes and the 360° read on ${SERVER_CONNECTIONS} server connections per database`, async () => {
    const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      {
        input: { firstName: 'Burst', lastName: 'Dvořák', emails: [`burst.${randomUUID().slice(0, 8)}@example.cz`] },
      },
    );
    const customerId = createCustomer.id;
    const { createPipeline } = await gql<{ createPipeline: { id: string } }>(
      'mutation($input: CreatePipelineInput!) { createPipeline(input: $input) { id } }',
      {
        input: {
          name: `Pooled ${randomUUID().slice(0, 8)}`,
          stages: [
            { name: 'Inquiry', probability: 10, marker: 'NEW_INQUIRY' },
            { name: 'Ordered', probability: 90, marker: 'ORDERED' },
          ],
        },
      },
    );
    const before = await bouncer.transactions();
    // Each kind of write at once: sales, marketing and service each get more requests than server connections.
    await Promise.all(
      Array.from({ length: BURST }, (_, n) => {
        if (n % 3 === 0) {
          return gql('mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }', {
            input: { customerId, pipelineId: createPipeline.id, title: `Deal ${n}`, amount: { amount: '350000.00', currency: 'CZK' } },
          });
        }
        if (n % 3 === 1) {
          return gql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }', {
            input: { customerId, channel: 'PHONE', type: 'CALL', properties: { n } },
          });
        }
        return gql('mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }', { input: { customerId, subject: `Dotaz ${n}`, channel: 'EMAIL' } });
      }),
    );
    const expected = { opportunities: Math.ceil(BURST / 3), interactions: Math.ceil((BURST - 1) / 3), cases: Math.ceil((BURST - 2) / 3) };
    const { customer } = await gql<{
      customer: { emails: string[]; opportunities: { totalCount: number }; interactions: { totalCount: number }; cases: { totalCount: number } };
    }>(
      `query($id: ID!) { customer(id: $id) {
        emails opportunities(first: 1) { totalCount } interactions(first: 1, filter: { channels: [PHONE] }) { totalCount } cases { totalCount }
      } }`,
      { id: customerId },
    );
    expect({ opportunities: customer.opportunities.totalCount, interactions: customer.interactions.totalCount, cases: customer.cases.totalCount }).toEqual(
      expected,
    );
    expect(customer.emails).toHaveLength(1);

    // It all went through PgBouncer, which never held more than its server connections for a database.
    const after = await bouncer.transactions();
    for (const subgraph of SUBGRAPHS) expect((after.get(databaseOf(subgraph)) ?? 0) - (before.get(databaseOf(subgraph)) ?? 0)).toBeGreaterThan(0);
    const pools = (await bouncer.pools()).filter((pool) => SUBGRAPHS.some((subgraph) => pool.database === databaseOf(subgraph)));
    expect(pools).toHaveLength(SUBGRAPHS.length);
    for (const pool of pools) expect(pool.servers).toBeLessThanOrEqual(SERVER_CONNECTIONS);
    // More client connections than server connections: the pooling the platform has to live with.
    expect(Math.max(...pools.map((pool) => pool.clients))).toBeGreaterThan(SERVER_CONNECTIONS);
  }, 120_000);

  it('delivers events with the bus through PgBouncer too: its LISTEN is lost there, and the consumers poll', async () => {
    const pooledBus = await startPlatform({ databaseServer: bouncer.url, eventsDatabaseServer: bouncer.url });
    try {
      const email = `polled.${randomUUID().slice(0, 8)}@example.cz`;
      const { createCustomer } = await queryOk<{ createCustomer: { id: string } }>(
        pooledBus.gatewayUrl,
        'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
        { input: { firstName: 'Polled', lastName: 'Svoboda', emails: [email] } },
      );
      // Marketing's consumer reads identity's CustomerCreated from the bus and keeps the address.
      await eventually(async () => {
        const rows = await pooledBus.subgraphs.marketing.orm.em
          .fork()
          .execute<Array<{ value: string }>>("select value from customer_contact where customer_id = ? and kind = 'EMAIL'", [createCustomer.id]);
        expect(rows.map((row) => row.value)).toEqual([email]);
      }, 30_000);
      // The bus's own database was reached through PgBouncer.
      const eventsDatabase = pooledBus.subgraphs.marketing.orm.config.get('dbName')!.replace(/marketing$/, 'events');
      expect((await bouncer.transactions()).get(eventsDatabase)).toBeGreaterThan(0);
    } finally {
      await pooledBus.stop();
    }
  }, 120_000);
});
