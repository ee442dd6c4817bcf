import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUBGRAPHS } from '@crm/kit/config.js';
import { CreateCustomerDocument, CustomerNameDocument, InteractionRecordedDocument, RecordInteractionDocument } from './generated/graphql.js';
import { execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { startPrivatePostgres } from './helpers/private-postgres.js';
import { connect, subscribe } from './helpers/subscriptions.js';

let database: Awaited<ReturnType<typeof startPrivatePostgres>>;
let platform: Platform;
beforeAll(async () => {
  database = await startPrivatePostgres();
  platform = await startPlatform({ databaseServer: database.url });
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await database?.dispose();
});

const healthOf = (graphqlUrl: string, probe: 'live' | 'ready') =>
  fetch(graphqlUrl.replace(/\/graphql$/, `/health/${probe}`)).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as { checks?: Record<string, { ok: boolean }> },
  }));
const serviceUrls = () => [platform.gatewayUrl, ...SUBGRAPHS.map((name) => platform.subgraphs[name].url)];

describe('a PostgreSQL outage', () => {
  it('makes every service report not ready (never exit), and once the server is back they serve again and deliver every committed change', async () => {
    const { createCustomer: customer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Outage', lastName: 'Survivor', emails: ['outage@example.cz'], phones: [] },
    });
    const record = (step: number) =>
      executeOk(platform.gatewayUrl, RecordInteractionDocument, {
        input: { customerId: customer.id, channel: 'WEB', type: 'PAGE_VIEW', properties: { step } },
      });
    const client = connect(platform.wsUrl);
    const subscriber = subscribe(client, InteractionRecordedDocument, { customerId: customer.id, after: await platform.bus.head() });

    // Committed just before the server goes away: its event may not have reached the bus yet.
    const { recordInteraction: before } = await record(1);
    await database.stop();

    await eventually(async () => {
      for (const url of serviceUrls()) {
        const ready = await healthOf(url, 'ready');
        expect({ url, status: ready.status }).toEqual({ url, status: 503 });
        expect({ url, status: (await healthOf(url, 'live')).status }).toEqual({ url, status: 200 });
      }
    }, 20_000);
    expect((await healthOf(platform.subgraphs.identity.url, 'ready')).body.checks?.database?.ok).toBe(false);
    // A request during the outage gets a clear, retryable answer, not a crash or a stack trace.
    const during = await execute(platform.gatewayUrl, CustomerNameDocument, { id: customer.id });
    expect(during.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(during)).not.toMatch(/ECONNREFUSED|at .*\.js|select /i);

    await database.start();
    await eventually(async () => {
      for (const url of serviceUrls()) expect({ url, status: (await healthOf(url, 'ready')).status }).toEqual({ url, status: 200 });
    }, 30_000);

    const { recordInteraction: after } = await record(2);
    const delivered = await subscriber.waitFor(2, 30_000);
    expect(delivered.map((result) => result.data?.interactionRecorded.interaction?.id)).toEqual([before.id, after.id]);
    await subscriber.close();
    await client.dispose();
  }, 120_000);
});
