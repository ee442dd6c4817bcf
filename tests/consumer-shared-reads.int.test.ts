import { beforeAll, describe, expect, it } from '@jest/globals';
import type { EventBus, ReadOptions } from '@crm/kit/bus/index.js';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { useFreshEventBus } from './helpers/event-bus.js';
import { customerMerged } from './helpers/events.js';
import { useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// A subgraph's handlers are woken by the same publish and ask for the same page: one read of the bus serves them
// all. Each used to read its own copy of every page (sales runs six handlers, so six reads per publish), which
// under sustained load was a good part of PostgreSQL's work. A handler that is behind reads its own pages.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const log = createLogger('consumer-shared-reads-test');
const testBus = useFreshEventBus();
const publish = testBus.publish;
let reads = 0;
/** The real bus, its reads counted. */
let counted: EventBus;
beforeAll(() => {
  const bus = testBus.bus();
  counted = Object.assign(Object.create(bus) as EventBus, {
    read: (cursor: string | null, limit: number, options?: ReadOptions) => {
      reads++;
      return bus.read(cursor, limit, options);
    },
    // How consumers read the PostgreSQL bus (only their types).
    readTypes: (cursor: string | null, limit: number, types: ReadonlySet<string>, options?: ReadOptions) => {
      reads++;
      return bus.readTypes!(cursor, limit, types, options);
    },
  });
});

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
      await allThrough(consumers, await publish([customerMerged()]), names);
      // Three publishes, one after the other: one read each (a safety poll may add one), where there were five.
      const published: string[] = [];
      reads = 0;
      for (let i = 0; i < 3; i++) {
        const events = Array.from({ length: 10 }, customerMerged);
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
      const first = Array.from({ length: 5 }, customerMerged);
      const head = await publish(first);
      await allThrough(withSlow, head, ['test.f']);
      await eventually(async () => expect(release).toBeDefined());
      const later = Array.from({ length: 5 }, customerMerged);
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
