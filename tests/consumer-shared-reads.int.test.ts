import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventBus, OutgoingEvent } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { catalogEvent } from './helpers/events.js';
import { dropDatabases, useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// A subgraph's handlers are woken by the same publish and ask for the same page: one read of the bus serves them
// all. Each used to read its own copy of every page (sales runs six handlers, so six reads per publish), which
// under sustained load was a good part of PostgreSQL's work. A handler that is behind reads its own pages.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const log = createLogger('consumer-shared-reads-test');
const eventsDatabase = `crm_int${randomBytes(4).toString('hex')}_events`;
const eventsUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${eventsDatabase}` }).toString();

let bus: EventBus;
let reads = 0;
/** The real bus, its reads counted. */
let counted: EventBus;
beforeAll(async () => {
  bus = await createPostgresBus(eventsUrl, { log });
  counted = Object.assign(Object.create(bus) as EventBus, {
    read: (cursor: string | null, limit: number) => {
      reads++;
      return bus.read(cursor, limit);
    },
  });
});
afterAll(async () => {
  await bus?.close();
  await dropDatabases(eventsUrl, [eventsDatabase]);
});

const merged = () => {
  const survivorId = randomUUID();
  return catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId: randomUUID(), movedIdentifiers: 0 });
};
const publish = async (events: OutgoingEvent[]) => {
  await bus.publish('test', events, randomUUID());
  return bus.head();
};

describe('the consumers of one process', () => {
  it('share a read of the bus between handlers at the same position, and each still handles every event once', async () => {
    const handled = new Map<string, string[]>();
    let release: (() => void) | undefined;
    const handler = (name: string, slow = false) =>
      defineHandler({
        name,
        on: ['CustomerMerged'],
        async handle(_em, event) {
          // The slow one waits for the test on its first event, and so falls behind the others.
          if (slow && !handled.get(name)?.length) await new Promise<void>((resolve) => (release = resolve));
          handled.set(name, [...(handled.get(name) ?? []), event.id]);
        },
        afterExpiry: { skip: { lost: 'nothing: a test' } },
      });
    const names = ['test.a', 'test.b', 'test.c', 'test.d', 'test.e'];
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-shared-reads-test');
    const consumers = startConsumers({ orm: database.orm(), bus: counted, handlers: names.map((name) => handler(name)), log, graph, retryMs: 50 });
    /** Every named consumer of `runner` has read through `cursor`. */
    const allThrough = (runner: { statuses(): Array<{ consumer: string; cursor: string | null }> }, cursor: string | null, which: string[]) =>
      eventually(async () =>
        expect(
          runner
            .statuses()
            .filter((s) => which.includes(s.consumer))
            .map((s) => s.cursor),
        ).toEqual(which.map(() => cursor)),
      );
    try {
      await allThrough(consumers, await publish([merged()]), names);
      // Three publishes, one after the other: one read each (a safety poll may add one), where there were five.
      const published: string[] = [];
      reads = 0;
      for (let i = 0; i < 3; i++) {
        const events = Array.from({ length: 10 }, merged);
        published.push(...events.map((event) => event.id));
        await allThrough(consumers, await publish(events), names);
      }
      expect(reads).toBeGreaterThanOrEqual(3);
      expect(reads).toBeLessThanOrEqual(5);
      for (const name of names) expect(handled.get(name)!.slice(1)).toEqual(published);
    } finally {
      await consumers.stop();
    }

    // One handler behind the others: it reads its own pages and misses nothing.
    const slowName = 'test.slow';
    const withSlow = startConsumers({
      orm: database.orm(),
      bus: counted,
      handlers: [handler('test.f'), handler(slowName, true)],
      log,
      graph,
      retryMs: 50,
    });
    try {
      const first = Array.from({ length: 5 }, merged);
      const head = await publish(first);
      await allThrough(withSlow, head, ['test.f']);
      await eventually(async () => expect(release).toBeDefined());
      const later = Array.from({ length: 5 }, merged);
      const newHead = await publish(later);
      await allThrough(withSlow, newHead, ['test.f']);
      release!();
      await allThrough(withSlow, newHead, ['test.f', slowName]);
      const ids = first.concat(later).map((event) => event.id);
      for (const name of ['test.f', slowName]) expect(handled.get(name)!.filter((id) => ids.includes(id))).toEqual(ids);
    } finally {
      await withSlow.stop();
    }
  });
});
