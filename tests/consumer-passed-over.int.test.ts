import { beforeAll, describe, expect, it } from '@jest/globals';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { useFreshEventBus } from './helpers/event-bus.js';
import { customerMerged, rawEvent } from './helpers/events.js';
import type { BusEvent, EventBus } from '@crm/kit/bus/event-bus.js';
import { randomUUID } from 'node:crypto';
import { useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// A consumer passes over the events of types it does not handle. It saved how far it had read after every page, so
// under a trickle of single writes every consumer of every subgraph committed a checkpoint per event: five or six
// commits per event platform-wide, for events nobody handled. It now saves that at most once a second, when the
// bus has nothing new, and when it stops.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const testBus = useFreshEventBus();
// The second test's own, so that its pages hold only its events.
const importBus = useFreshEventBus();
const log = createLogger('consumer-passed-over-test');
const name = 'test.passes-over';

beforeAll(async () => {
  // Every write of a checkpoint, counted by the database itself.
  await database.em().execute(`create table checkpoint_write (consumer text not null, cursor text not null)`);
  await database.em().execute(`create function count_checkpoint_write() returns trigger language plpgsql as $$
    begin insert into checkpoint_write values (new.consumer, new.cursor); return new; end $$`);
  await database.em().execute(`create trigger counted after insert or update on consumer_checkpoint
    for each row execute function count_checkpoint_write()`);
});

const writes = async () => (await database.em().execute<Array<{ n: string }>>('select count(*) as n from checkpoint_write where consumer = ?', [name]))[0]!.n;
const saved = async () =>
  (await database.em().execute<Array<{ cursor: string }>>('select cursor from consumer_checkpoint where consumer = ?', [name]))[0]?.cursor ?? null;

describe('a consumer passing over events it does not handle', () => {
  it('saves how far it read at most once a second, once the bus is quiet, and when it stops', async () => {
    const handler = defineHandler({
      name,
      on: ['CustomerResolved'],
      async handle() {
        throw new Error('no CustomerResolved is published in this test');
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-passed-over-test');
    const start = () => startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    const readThrough = (consumers: ReturnType<typeof start>, cursor: string | null) =>
      eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(cursor));

    let consumers = start();
    let head: string | null = null;
    try {
      await readThrough(consumers, await testBus.publish([customerMerged()]));
      await database.em().execute('delete from checkpoint_write');

      // Twenty events, one publish each, each read before the next: a trickle of single writes.
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        head = await testBus.publish([customerMerged()]);
        await readThrough(consumers, head);
      }
      const seconds = (Date.now() - started) / 1000;
      // Once a second while events come, and once more for each time the bus was found quiet (every 2 s): 20 before.
      expect(Number(await writes())).toBeLessThanOrEqual(Math.ceil(seconds) + Math.ceil(seconds / 2) + 1);
      expect(Number(await writes())).toBeLessThan(10);

      // Quiet now: the next look at the bus finds nothing new and saves where it is.
      await eventually(async () => expect(await saved()).toBe(head));

      // Read past one more, then stopped at once: saved on the way out.
      head = await testBus.publish([customerMerged()]);
      await readThrough(consumers, head);
      await consumers.stop();
      expect(await saved()).toBe(head);

      // A restart reads on from there.
      consumers = start();
      await readThrough(consumers, head);
      head = await testBus.publish([customerMerged()]);
      await readThrough(consumers, head);
    } finally {
      await consumers.stop();
    }
    expect(await saved()).toBe(head);
  });

  it('is sent only the events of its types, and the last event of each page read for its cursor (EventBus.readTypes)', async () => {
    // The real bus, with every page it answers kept, whichever way it is read.
    const pages: Array<{ events: BusEvent[]; full: boolean }> = [];
    const bus = importBus.bus();
    const keeping: EventBus = {
      ...bus,
      read: async (cursor, limit, options) => {
        const events = await bus.read(cursor, limit, options);
        pages.push({ events, full: events.length >= limit });
        return events;
      },
      readTypes: async (cursor, limit, types, options) => {
        const page = await bus.readTypes!(cursor, limit, types, options);
        pages.push(page);
        return page;
      },
    };
    const handled: BusEvent[] = [];
    const handler = defineHandler({
      name: 'test.reads-merges',
      on: ['CustomerMerged'],
      async handle(_em, event) {
        handled.push(event);
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-passed-over-test');
    const consumers = startConsumers({ orm: database.orm(), bus: keeping, handlers: [handler], log, graph, retryMs: 50 });
    try {
      // A bulk import's page views, more than two pages of them, with merges among them.
      const viewed = () => rawEvent('marketing', 'InteractionRecorded', randomUUID(), { customerId: randomUUID(), page: '/modely/kodiaq' });
      const merges = [customerMerged(), customerMerged()];
      const published = [...Array.from({ length: 150 }, viewed), merges[0]!, ...Array.from({ length: 300 }, viewed), merges[1]!, viewed()];
      const head = await importBus.publish(published);
      await eventually(async () => expect(consumers.statuses()[0]).toMatchObject({ cursor: head, caughtUp: true }));
      expect(handled.map((event) => event.id)).toEqual(merges.map((event) => event.id));
      expect(handled.map((event) => event.payload)).toEqual(merges.map((event) => event.payload));

      // Nothing but the merges, and the last event of each page (its payload left out), came from the bus.
      const sent = pages.flatMap((page) => page.events).filter((event) => event.type !== 'CustomerMerged');
      expect(sent.length).toBeLessThanOrEqual(pages.length);
      for (const page of pages) {
        expect(page.events.slice(0, -1).every((event) => event.type === 'CustomerMerged')).toBe(true);
      }
      expect(sent.every((event) => Object.keys(event.payload).length === 0)).toBe(true);
      // Three pages of 200 or fewer hold the 453 events: two full, then the rest.
      const reading = pages.filter((page) => page.events.length > 0);
      expect(reading.slice(0, 3).map((page) => page.full)).toEqual([true, true, false]);
    } finally {
      await consumers.stop();
    }
  });
});
