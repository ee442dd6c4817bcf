import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { openDatabase } from '@crm/kit/database.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { dropDatabases, useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// Two instances of a consumer (two replicas of its subgraph, one database) that both fell behind the event retention
// window rebuild its state once: the second waits for the first, finds the checkpoint moved on, and reads on from
// there. Two rebuilds would act twice (e.g. plan every missed first-offer call twice). The replicas test
// (tests/replicas.e2e.test.ts) covers the consumers' everyday work.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const log = createLogger('consumer-replicas-test');
const eventsDatabase = `crm_int${randomBytes(4).toString('hex')}_events`;
const eventsUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${eventsDatabase}` }).toString();

let second: MikroORM;
let bus: EventBus;
beforeAll(async () => {
  // The other replica: its own connections to the same database.
  second = await openDatabase({ url: String(database.orm().config.get('clientUrl')), entities: serviceEntities, migrations: serviceMigrations, log });
  bus = await createPostgresBus(eventsUrl, { log });
});
afterAll(async () => {
  await second?.close();
  await bus?.close();
  await dropDatabases(eventsUrl, [eventsDatabase]);
});

const publish = (count: number) =>
  bus.publish(
    'test',
    Array.from({ length: count }, () => ({
      id: randomUUID(),
      stream: 'test',
      type: 'Noise',
      aggregateType: 'Test',
      aggregateId: randomUUID(),
      payload: {},
      occurredAt: new Date().toISOString(),
    })),
    randomUUID(),
  );

/** Backends of this database waiting for an advisory lock. */
const waitingOnLocks = async () =>
  (
    await database
      .em()
      .execute<Array<{ n: number }>>(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`,
      )
  )[0]!.n;

describe('a consumer run by two replicas after falling behind the retention window', () => {
  it('rebuilds once: the other replica reads on from the rebuilt checkpoint', async () => {
    // The consumer last read event 1; then events 1 and 2 are pruned, and event 3 is the head.
    await publish(2);
    const name = 'test.rebuilt-once';
    await database.em().execute(`insert into consumer_checkpoint (consumer, cursor) values (?, '1')`, [name]);
    await bus.prune(new Date(Date.now() + 1000));
    await publish(1);
    const head = await bus.head();

    // The first rebuild holds on until the other replica has come as far as it may: into a second rebuild (the
    // defect), or waiting for the first one's lock.
    let rebuilds = 0;
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const handler = defineHandler({
      name,
      on: ['CaseMessageAdded'],
      async handle() {},
      afterExpiry: {
        async rebuild() {
          rebuilds++;
          await gate;
        },
      },
    });
    const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-replicas-test');
    const replicas = [database.orm(), second].map((orm) => startConsumers({ orm, bus, handlers: [handler], log, graph, retryMs: 50 }));
    try {
      await eventually(async () => expect(rebuilds === 2 || (await waitingOnLocks()) > 0).toBe(true));
      openGate();
      await eventually(async () => {
        const statuses = replicas.map((replica) => replica.statuses()[0]!);
        expect(statuses.map((status) => ({ cursor: status.cursor, behind: status.behindRetentionSince }))).toEqual([
          { cursor: head, behind: null },
          { cursor: head, behind: null },
        ]);
      });
      expect(rebuilds).toBe(1);
      const [checkpoint] = await database.em().execute<Array<{ cursor: string }>>('select cursor from consumer_checkpoint where consumer = ?', [name]);
      expect(checkpoint?.cursor).toBe(head);
    } finally {
      openGate();
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });
});
