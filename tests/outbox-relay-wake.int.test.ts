import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { eachItem } from '@crm/kit/bulk.js';
import { createOrm } from '@crm/kit/database.js';
import { recordEvent, recordEvents, type DomainEvent } from '@crm/kit/events.js';
import { createLogger } from '@crm/kit/logger.js';
import { startOutboxRelay } from '@crm/kit/outbox-relay.js';
import { identityEntities } from '../subgraphs/identity/src/entities.js';
import { identityMigrations } from '../subgraphs/identity/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { customerProfile } from './helpers/events.js';
import { dropDatabases, useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// The relay keeps no LISTEN connection (ADR 12's connection budget): a process wakes its own relay when one of its
// transactions that wrote events commits. Its poll is set to a minute here, so an event on the bus within the
// deadline below was published because its commit woke the relay, through either way of writing events.

const database = useFreshSubgraphDatabase({ name: 'identity', entities: identityEntities, migrations: identityMigrations });
const log = createLogger('relay-wake-test');
const eventsDatabase = `crm_int${randomBytes(4).toString('hex')}_events`;
const eventsUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${eventsDatabase}` }).toString();
const WOKEN_WITHIN_MS = 5_000;
const POLL_MS = 60_000;
const BACKGROUND = 'relay-wake-background';

let bus: EventBus;
/** Publishes wait for it while a test holds it (the relay's transaction then stays open for the test to look at). */
let publishing: Promise<void> = Promise.resolve();
let background: MikroORM;
let relay: ReturnType<typeof startOutboxRelay>;

const customerCreated = (customerId = randomUUID()): DomainEvent<'CustomerCreated'> => ({
  type: 'CustomerCreated',
  aggregateId: customerId,
  payload: { ...customerProfile({ customerId, firstName: 'Jana', lastName: 'Dvořáková' }), identifiers: [] },
});

const published = async (id: string) => (await bus.read(null, 10_000)).some((event) => event.aggregateId === id);

beforeAll(async () => {
  bus = await createPostgresBus(eventsUrl, { log, poolMax: 1 });
  // The process's two pools, as startSubgraph makes them: requests write on one, background work on the other.
  background = await createOrm({
    url: String(database.orm().config.get('clientUrl')),
    entities: identityEntities,
    migrations: identityMigrations,
    log,
    pool: { max: 1 },
    applicationName: BACKGROUND,
  });
  const held: EventBus = { ...bus, publish: async (...args) => publishing.then(() => bus.publish(...args)) };
  relay = startOutboxRelay({
    orm: background,
    writers: [database.orm(), background],
    bus: held,
    stream: 'identity',
    log,
    retentionHours: 72,
    intervalMs: POLL_MS,
  });
});

afterAll(async () => {
  await relay?.stop();
  await background?.close();
  await bus?.close();
  await dropDatabases(eventsUrl, [eventsDatabase]);
});

describe('the outbox relay without LISTEN', () => {
  it("publishes a flush's events as soon as the request's transaction commits", async () => {
    const event = customerCreated();
    await database
      .orm()
      .em.fork()
      .transactional(async (em) => void recordEvent(em, event));
    await eventually(async () => expect(await published(event.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
  });

  it("publishes a bulk write's events (recordEvents) as soon as its transaction commits", async () => {
    const events = [customerCreated(), customerCreated()];
    await database
      .orm()
      .em.fork()
      .transactional((em) => recordEvents(em, events));
    await eventually(async () => expect(await published(events[1]!.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
  });

  it("publishes the events of a bulk call's items (each in a unit of work of its own) as soon as the call's transaction commits", async () => {
    const events = [customerCreated(), customerCreated()];
    await database
      .orm()
      .em.fork()
      .transactional((em) => eachItem(em, events, 'customers', async (itemEm, event) => void recordEvent(itemEm, event)));
    await eventually(async () => expect(await published(events[1]!.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
  });

  it("relays on the background pool even when a request's commit woke it (that transaction's context still current)", async () => {
    let release!: () => void;
    publishing = new Promise((resolve) => (release = resolve));
    try {
      const event = customerCreated();
      await database
        .orm()
        .em.fork()
        .transactional(async (em) => void recordEvent(em, event));
      // The relay's pass waits in its transaction to publish: its connection is the background pool's.
      const relaying = () =>
        database
          .em()
          .execute<Array<{ application_name: string }>>(
            `select application_name from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
          );
      await eventually(async () => expect(await relaying()).toEqual([{ application_name: BACKGROUND }]), WOKEN_WITHIN_MS);
      release();
      await eventually(async () => expect(await published(event.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
    } finally {
      release();
    }
  });

  it('publishes events written by background work on the other pool', async () => {
    const event = customerCreated();
    await background.em.fork().transactional(async (em) => void recordEvent(em, event));
    await eventually(async () => expect(await published(event.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
  });

  it('publishes nothing of a rolled-back transaction', async () => {
    const event = customerCreated();
    await expect(
      database
        .orm()
        .em.fork()
        .transactional(async (em) => {
          recordEvent(em, event);
          await em.flush();
          throw new Error('changed its mind');
        }),
    ).rejects.toThrow('changed its mind');
    // A later event's publication proves the relay ran after the rollback; the rolled-back one never appears.
    const later = customerCreated();
    await database
      .orm()
      .em.fork()
      .transactional(async (em) => void recordEvent(em, later));
    await eventually(async () => expect(await published(later.aggregateId)).toBe(true), WOKEN_WITHIN_MS);
    expect(await published(event.aggregateId)).toBe(false);
  });
});
