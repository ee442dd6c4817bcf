import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';
import { useFreshEventBus } from './helpers/event-bus.js';
import { customerMerged, rawEvent } from './helpers/events.js';
import { useFreshSubgraphDatabase } from './helpers/subgraph-database.js';

// A consumer committed once per event it handled: a partner's bulk import (thousands of events) was projected in
// marketing 13 minutes after its last write at 100k customers, a commit and its wait for the disk each. Events it
// handles in a row now apply in one transaction; one that fails rolls its run back, and the run goes one by one.

const database = useFreshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });
const testBus = useFreshEventBus();
const log = createLogger('consumer-runs-test', { level: 'silent' });
const graph = createGraphClient(() => 'http://127.0.0.1:9', 'consumer-runs-test');

beforeAll(async () => {
  // What each handler did, in its transaction: rolled back with it.
  await database.em().execute(`create table handled (consumer text not null, event_id uuid not null, tx bigint not null, n serial)`);
});

/** The consumer `name` starts after what the bus holds now: what tests before it published is not its. */
const readsFromNow = async (name: string) => {
  const from = await testBus.publish([rawEvent('marketing', 'InteractionRecorded', randomUUID(), { page: '/' })]);
  await database.em().execute('insert into consumer_checkpoint (consumer, cursor) values (?, ?)', [name, from]);
};

/** How many events the consumer `name` has marked processed. */
const marksOf = async (name: string) =>
  Number((await database.em().execute<Array<{ n: string }>>('select count(*)::text as n from processed_event where consumer = ?', [name]))[0]?.n);

const handledBy = async (consumer: string) =>
  database.em().execute<Array<{ event_id: string; tx: string }>>('select event_id, tx::text as tx from handled where consumer = ? order by n', [consumer]);

function recordingHandler(name: string, failOnce?: string) {
  let failed = false;
  return defineHandler({
    name,
    on: ['CustomerMerged'],
    async handle(em, event) {
      await em.execute('insert into handled (consumer, event_id, tx) values (?, ?, txid_current())', [name, event.id]);
      if (event.id === failOnce && !failed) {
        failed = true;
        throw new Error('a dependency is down for a moment');
      }
    },
    afterExpiry: { skip: { lost: 'nothing: a test' } },
  });
}

describe('a consumer behind a burst of events it handles', () => {
  it('applies them in bus order, each once, in a few transactions, and passes over the rest', async () => {
    const name = 'test.runs';
    const merges = Array.from({ length: 60 }, () => customerMerged());
    // Page views between them: passed over, inside a run or after it.
    const burst = merges.flatMap((event, i) => (i % 7 === 0 ? [event, rawEvent('marketing', 'InteractionRecorded', randomUUID(), { page: '/' })] : [event]));
    // Runs counted by their size alone: a loaded machine could make one outlast the time budget (the next test's).
    const consumers = startConsumers({
      orm: database.orm(),
      bus: testBus.bus(),
      handlers: [recordingHandler(name)],
      log,
      graph,
      retryMs: 50,
      runBudgetMs: 60_000,
    });
    try {
      const head = await testBus.publish(burst);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(head));
      const handled = await handledBy(name);
      expect(handled.map((row) => row.event_id)).toEqual(merges.map((event) => event.id));
      // Runs of at most 25: three transactions for 60 events (one each before).
      expect(new Set(handled.map((row) => row.tx)).size).toBeLessThanOrEqual(4);
      const [saved] = await database.em().execute<Array<{ cursor: string }>>('select cursor from consumer_checkpoint where consumer = ?', [name]);
      expect(saved?.cursor).toBe(head);
    } finally {
      await consumers.stop();
    }
  });

  it('rolls back a run with a failing event, keeps those before it, retries it alone, and applies every event once', async () => {
    const name = 'test.runs-failing';
    const merges = Array.from({ length: 20 }, () => customerMerged());
    const failing = merges[9]!.id;
    // From here on: what the test above published is not this consumer's.
    await readsFromNow(name);
    // Runs counted by their size alone, as above: a run cut by its time budget on a loaded machine (clean-clone CI
    // once committed the first eight events together, then failed at the tenth) keeps fewer transactions than events.
    const consumers = startConsumers({
      orm: database.orm(),
      bus: testBus.bus(),
      handlers: [recordingHandler(name, failing)],
      log,
      graph,
      retryMs: 50,
      runBudgetMs: 60_000,
    });
    try {
      const head = await testBus.publish(merges);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(head));
      const handled = await handledBy(name);
      // The run failed at it and left nothing; then one by one, each in its own transaction: the rows above are theirs.
      expect(handled.map((row) => row.event_id)).toEqual(merges.map((event) => event.id));
      const ownTransactions = new Set(handled.slice(0, 10).map((row) => row.tx));
      expect(ownTransactions.size).toBe(10);
      expect(await marksOf(name)).toBe(20);
    } finally {
      await consumers.stop();
    }
  });

  it('commits a run that takes long and goes on in the next, so it never holds its locks for long', async () => {
    const name = 'test.runs-slow';
    const merges = Array.from({ length: 8 }, () => customerMerged());
    await readsFromNow(name);
    // Each event takes 100 ms in its transaction: a run of 25 would hold its locks for seconds.
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async handle(em, event) {
        await em.execute('insert into handled (consumer, event_id, tx) values (?, ?, txid_current())', [name, event.id]);
        await em.execute('select pg_sleep(0.1)');
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    try {
      const head = await testBus.publish(merges);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(head));
      const handled = await handledBy(name);
      expect(handled.map((row) => row.event_id)).toEqual(merges.map((event) => event.id));
      // 250 ms a run: no more than three events of 100 ms each in one transaction, so several transactions.
      const perTransaction = new Map<string, number>();
      for (const row of handled) perTransaction.set(row.tx, (perTransaction.get(row.tx) ?? 0) + 1);
      expect(Math.max(...perTransaction.values())).toBeLessThanOrEqual(3);
      const [saved] = await database.em().execute<Array<{ cursor: string }>>('select cursor from consumer_checkpoint where consumer = ?', [name]);
      expect(saved?.cursor).toBe(head);
    } finally {
      await consumers.stop();
    }
  }, 30_000);

  it("hands a run to a handler's handleRun at once: the events not applied before, in bus order, marked once", async () => {
    const name = 'test.runs-at-once';
    const merges = Array.from({ length: 30 }, () => customerMerged());
    await readsFromNow(name);
    // Three of them applied already (another replica, or before a restart): marked, so not handed over again.
    const applied = [merges[0]!, merges[11]!, merges[29]!];
    for (const event of applied)
      await database.em().execute('insert into processed_event (consumer, event_id, processed_at) values (?, ?, now())', [name, event.id]);
    const runs: number[] = [];
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async handle() {
        throw new Error('an event alone: only after a run failed');
      },
      async handleRun(em, events) {
        runs.push(events.length);
        for (const event of events) await em.execute('insert into handled (consumer, event_id, tx) values (?, ?, txid_current())', [name, event.id]);
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    try {
      const head = await testBus.publish(merges);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(head));
      const handled = await handledBy(name);
      expect(handled.map((row) => row.event_id)).toEqual(merges.filter((event) => !applied.includes(event)).map((event) => event.id));
      // Runs of at most 25 events, each handed over in one call (one by one, `handle` would have failed every event).
      expect(runs.reduce((sum, n) => sum + n, 0)).toBe(27);
      expect(runs.length).toBeLessThanOrEqual(3);
      expect(consumers.statuses()[0]?.failingSince).toBeNull();
      expect(await marksOf(name)).toBe(30);
    } finally {
      await consumers.stop();
    }
  });

  it('applies a run whose handleRun failed one by one with handle, each event once', async () => {
    const name = 'test.runs-at-once-failing';
    const merges = Array.from({ length: 6 }, () => customerMerged());
    await readsFromNow(name);
    const record = (em: Parameters<Parameters<typeof defineHandler>[0]['handle']>[0], id: string) =>
      em.execute('insert into handled (consumer, event_id, tx) values (?, ?, txid_current())', [name, id]);
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async handle(em, event) {
        await record(em, event.id);
      },
      async handleRun(em, events) {
        for (const event of events) await record(em, event.id);
        throw new Error('the run breaks after writing: all of it rolls back');
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    try {
      const head = await testBus.publish(merges);
      await eventually(async () => expect(consumers.statuses()[0]?.cursor).toBe(head));
      const handled = await handledBy(name);
      expect(handled.map((row) => row.event_id)).toEqual(merges.map((event) => event.id));
      expect(new Set(handled.map((row) => row.tx)).size).toBe(6);
      expect(await marksOf(name)).toBe(6);
    } finally {
      await consumers.stop();
    }
  });

  it('gives way to a transaction that locks the same rows in another order, instead of deadlocking it', async () => {
    const name = 'test.runs-locking';
    const [first, second] = [customerMerged(), customerMerged()];
    await readsFromNow(name);
    await database.em().execute(`create table locked_row (k uuid primary key, n int not null default 0)`);
    await database.em().execute('insert into locked_row (k) values (?), (?)', [first.aggregateId, second.aggregateId]);
    // Each event locks its aggregate's row; the first then takes a moment before the next event's turn.
    const handler = defineHandler({
      name,
      on: ['CustomerMerged'],
      async handle(em, event) {
        await em.execute('update locked_row set n = n + 1 where k = ?', [event.aggregateId]);
        if (event.id === first.id) await em.execute('select pg_sleep(0.3)');
      },
      afterExpiry: { skip: { lost: 'nothing: a test' } },
    });
    // A writer holds the second event's row, then (once the run holds the first's) asks for the first's: it waits
    // first, so in a deadlock PostgreSQL would abort it.
    const writer = database.orm().em.fork();
    const consumers = startConsumers({ orm: database.orm(), bus: testBus.bus(), handlers: [handler], log, graph, retryMs: 50 });
    try {
      await writer.transactional(async (tx) => {
        await tx.execute('update locked_row set n = n + 10 where k = ?', [second.aggregateId]);
        await testBus.publish([first, second]);
        await eventually(async () => {
          const [held] = await database
            .em()
            .execute<Array<{ n: string }>>(`select count(*)::text as n from pg_stat_activity where query like 'select pg_sleep(0.3)%' and state = 'active'`);
          expect(held?.n).toBe('1');
        });
        await tx.execute('update locked_row set n = n + 10 where k = ?', [first.aggregateId]);
      });
      await eventually(async () => {
        const rows = await database.em().execute<Array<{ k: string; n: number }>>('select k, n from locked_row order by n');
        expect(rows.map((row) => row.n)).toEqual([11, 11]);
      });
    } finally {
      await consumers.stop();
    }
  });
});
