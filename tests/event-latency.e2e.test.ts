import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, InteractionRecordedDocument, RecordInteractionDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

/** A transaction that has written (so it holds an xid) and stays open: what once stopped every relay. */
async function holdTransaction(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('begin');
  await client.query(statement);
  return { release: async () => (await client.query('rollback'), await client.end()) };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

describe('event delivery', () => {
  it('stays fast while another database and another table of the same database hold long transactions', async () => {
    const server = new URL(process.env.DATABASE_URL!);
    const elsewhere = await holdTransaction(Object.assign(new URL(server), { pathname: '/postgres' }).toString(), 'select pg_current_xact_id()');
    const marketingUrl = String(platform.subgraphs.marketing.orm.config.get('clientUrl'));
    const sameDatabase = await holdTransaction(marketingUrl, `insert into consumer_checkpoint (consumer, cursor) values ('latency-test-hold', '0')`);
    try {
      const { createCustomer: customer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
        input: { kind: 'PERSON', firstName: 'Latency', lastName: 'Probe', emails: [], phones: [] },
      });
      const client = connect(platform.wsUrl);
      const subscriber = subscribe(client, InteractionRecordedDocument, { customerId: customer.id, after: await platform.bus.head() });
      const latencies: number[] = [];
      for (let step = 0; step < 20; step++) {
        await executeOk(platform.gatewayUrl, RecordInteractionDocument, {
          input: { customerId: customer.id, channel: 'WEB', type: 'PAGE_VIEW', properties: { step } },
        });
        const committed = Date.now(); // the mutation answered: its transaction committed
        await subscriber.waitFor(step + 1, 15_000);
        latencies.push(Date.now() - committed);
      }
      console.log(`commit → subscriber with long foreign transactions open: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
      // Before commit-ordered numbering nothing arrived until the transactions ended (here: never, within 15 s): all
      // 20 arrived while both stay open (they end in `finally`). The 100 ms p99 target is the benchmark's (npm run
      // bench); on a loaded CI machine single events stall for seconds, so only the median tells "delivered" here.
      expect(latencies).toHaveLength(20);
      expect(percentile(latencies, 50)).toBeLessThan(1000);
      await subscriber.close();
      await client.dispose();
    } finally {
      await sameDatabase.release();
      await elsewhere.release();
    }
  }, 120_000);
});
