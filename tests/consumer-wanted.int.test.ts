import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { BusEvent, EventBus, ReadOptions } from '@crm/kit/bus/index.js';
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
    const payloads: unknown[] = [];
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async wanted() {
        asked++;
        return wanted;
      },
      async handle(_em, event) {
        handled.push(event.id);
        payloads.push(event.payload);
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-wanted-test');
    // The real bus, and what each read asked and got.
    const bus = testBus.bus();
    const reads: Array<{ payloadsOf: ReadonlySet<string> | undefined; events: BusEvent[] }> = [];
    const watchedBus: EventBus = Object.assign(Object.create(bus) as EventBus, {
      read: async (cursor: string | null, limit: number, options?: ReadOptions) => {
        const events = await bus.read(cursor, limit, options);
        reads.push({ payloadsOf: options?.payloadsOf, events });
        return events;
      },
      // How consumers read the PostgreSQL bus (only their types, and each page's last event).
      readTypes: async (cursor: string | null, limit: number, types: ReadonlySet<string>, options?: ReadOptions) => {
        const page = await bus.readTypes!(cursor, limit, types, options);
        reads.push({ payloadsOf: options?.payloadsOf, events: page.events });
        return page;
      },
    });
    const consumers = startConsumers({ orm: database.orm(), bus: watchedBus, handlers: [handler], log, graph, retryMs: 50 });
    const readThrough = (cursor: string | null) => eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(cursor));
    try {
      // Nobody wants CustomerMerged: 150 of them are read past, none handled, no processed mark written.
      await readThrough(await publish(Array.from({ length: 150 }, customerMerged)));
      expect({ handled: handled.length, processed: await processedRows(name) }).toEqual({ handled: 0, processed: 0 });
      const askedForThem = asked;
      expect(askedForThem).toBeGreaterThanOrEqual(1);
      // Once it said it wants none, their payloads are no longer fetched: a page view's is never parsed only to be passed over.
      const unwanted = Array.from({ length: 10 }, customerMerged);
      reads.splice(0);
      await readThrough(await publish(unwanted));
      const withoutPayloads = reads.filter((read) => read.payloadsOf && !read.payloadsOf.has('CustomerMerged')).flatMap((read) => read.events);
      expect(withoutPayloads.map((event) => event.id)).toEqual(expect.arrayContaining(unwanted.map((event) => event.id)));
      expect(withoutPayloads.every((event) => Object.keys(event.payload).length === 0)).toBe(true);
      expect(handled).toHaveLength(0);

      // A page with none of its types does not ask.
      const askedBefore = asked;
      await readThrough(await publish(Array.from({ length: 20 }, () => rawEvent('test', 'Noise', randomUUID(), {}))));
      expect(asked).toBe(askedBefore);

      // Once wanted, each is handled once, as before, with its payload: the page read without them (the consumer
      // still knew none wanted) is read again when the answer says otherwise, as when an endpoint is created meanwhile.
      wanted = new Set(['CustomerMerged']);
      const now = Array.from({ length: 5 }, customerMerged);
      reads.splice(0);
      await readThrough(await publish(now));
      expect({ handled: handled.sort(), processed: await processedRows(name) }).toEqual({ handled: now.map((event) => event.id).sort(), processed: 5 });
      expect(payloads).toEqual(expect.arrayContaining(now.map((event) => event.payload)));
      expect(reads[0]?.payloadsOf?.has('CustomerMerged')).toBe(false);
      expect(reads.some((read) => read.payloadsOf?.has('CustomerMerged'))).toBe(true);
      expect(consumers.statuses()[0]?.deadLetters).toBe(0);
    } finally {
      await consumers.stop();
    }
  });

  it('reads a page again through its last event, whatever its type, when the types wanted changed while it was read', async () => {
    const name = 'test.wanted-again';
    // Every checkpoint the consumer commits, in order, as the database saw them.
    await database.em().execute(`create table if not exists wanted_checkpoint (n serial, consumer text, cursor text)`);
    await database.em().execute(`create or replace function keep_wanted_checkpoint() returns trigger language plpgsql as $$
      begin insert into wanted_checkpoint (consumer, cursor) values (new.consumer, new.cursor); return new; end $$`);
    await database.em().execute(`create or replace trigger kept after insert or update on consumer_checkpoint
      for each row execute function keep_wanted_checkpoint()`);
    let wanted = new Set<string>();
    let armed = false;
    let publishedMeanwhile: string | null = null;
    const handled: string[] = [];
    // Two, so that they are applied as a run, whose checkpoint is where the run ends (one alone is applied by itself).
    const merges = [customerMerged(), customerMerged()];
    const later = customerMerged();
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async wanted() {
        // Asked about the page [merge, merge, noise]: an endpoint for merges was just made, and more events come meanwhile.
        if (armed && !publishedMeanwhile) {
          wanted = new Set(['CustomerMerged']);
          publishedMeanwhile = await publish([later, rawEvent('test', 'Noise', randomUUID(), {})]);
        }
        return wanted;
      },
      async handle(_em, event) {
        handled.push(event.id);
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-wanted-test');
    let lastPublished = await testBus.bus().head();
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    try {
      // Past the earlier test's events, wanting none of them.
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(lastPublished));
      armed = true;
      lastPublished = await publish([...merges, rawEvent('test', 'Noise', randomUUID(), {})]);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(publishedMeanwhile));
      expect(handled).toEqual([...merges.map((event) => event.id), later.id]);
      // The run of the page read again covered the page, its last event (of no handled type) included.
      const saved = await database.em().execute<Array<{ cursor: string }>>('select cursor from wanted_checkpoint where consumer = ? order by n', [name]);
      expect(saved.map((row) => row.cursor)).toContain(lastPublished);
    } finally {
      await consumers.stop();
    }
  });
});
