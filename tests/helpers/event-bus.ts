import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import type { EventBus, OutgoingEvent } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { createLogger } from '@crm/kit/logger.js';
import { dropDatabases } from './subgraph-database.js';

/**
 * A PostgreSQL event bus on an events database of the test file's own, dropped after its tests. `publish` appends
 * events as one relay pass would and answers the bus's head afterwards, the cursor consumers read through.
 */
export function useFreshEventBus(): { bus(): EventBus; publish(events: OutgoingEvent[]): Promise<string | null> } {
  const name = `crm_int${randomBytes(4).toString('hex')}_events`;
  const url = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${name}` }).toString();
  let bus: EventBus | undefined;
  beforeAll(async () => {
    bus = await createPostgresBus(url, { log: createLogger('test-bus') });
  });
  afterAll(async () => {
    await bus?.close();
    await dropDatabases(url, [name]);
  });
  return {
    bus: () => bus!,
    async publish(events) {
      await bus!.publish('test', events, randomUUID());
      return bus!.head();
    },
  };
}
