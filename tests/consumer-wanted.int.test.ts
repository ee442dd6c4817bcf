import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { useFreshEventBus } from './helpers/event-bus.js';
import { customerMerged, rawEvent } from './helpers/events.js';
import { useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// A handler that has work for few of the events it listens to (identity's webhook fan-out, when no endpoint asked for
// page views) says which types it wants, once per page of the bus: the rest pass with no transaction. Before, each
// of 200,000 page views took a transaction in identity, which churned for minutes after a bulk import.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const log = createLogger('consumer-wanted-test');
const testBus = useFreshEventBus();
const publish = testBus.publish;
const processedRows = async (consumer: string) =>
  (await database.em().execute<Array<{ n: number }>>('select count(*)::int as n from processed_event where consumer = ?', [consumer]))[0]!.n;

describe('a consumer that says which event types it wants', () => {
  it('passes over the others with no transaction, and asks once per page that holds its types', async () => {
    const name = 'test.wanted';
    let wanted = new Set<string>();
    let asked = 0;
    const handled: string[] = [];
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async wanted() {
        asked++;
        return wanted;
      },
      async handle(_em, event) {
        handled.push(event.id);
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-wanted-test');
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    const readThrough = (cursor: string | null) => eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(cursor));
    try {
      // Nobody wants CustomerMerged: 150 of them are read past, none handled, no processed mark written.
      await readThrough(await publish(Array.from({ length: 150 }, customerMerged)));
      expect({ handled: handled.length, processed: await processedRows(name) }).toEqual({ handled: 0, processed: 0 });
      const askedForThem = asked;
      expect(askedForThem).toBeGreaterThanOrEqual(1);

      // A page with none of its types does not ask.
      await readThrough(await publish(Array.from({ length: 20 }, () => rawEvent('test', 'Noise', randomUUID(), {}))));
      expect(asked).toBe(askedForThem);

      // Once wanted, each is handled once, as before.
      wanted = new Set(['CustomerMerged']);
      const now = Array.from({ length: 5 }, customerMerged);
      await readThrough(await publish(now));
      expect({ handled: handled.sort(), processed: await processedRows(name) }).toEqual({ handled: now.map((event) => event.id).sort(), processed: 5 });
    } finally {
      await consumers.stop();
    }
  });
});
