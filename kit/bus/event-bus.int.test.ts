import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readAll, type EventBus, type OutgoingEvent } from './event-bus.js';
import { createPostgresBus } from './postgres-bus.js';
import { createRedisBus } from './redis-bus.js';

const suffix = randomBytes(4).toString('hex');
const pgUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/crm_bus_${suffix}` }).toString();
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

afterAll(async () => {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(pgUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`drop database if exists "crm_bus_${suffix}" with (force)`);
  await admin.end();
});

const event = (aggregateId: string, n: number): OutgoingEvent => ({
  id: randomUUID(),
  stream: 'sales',
  type: 'OpportunityStageChanged',
  aggregateType: 'Opportunity',
  aggregateId,
  payload: { n },
  occurredAt: new Date().toISOString(),
});

// The same contract holds for every transport.
describe.each([
  ['postgres', () => createPostgresBus(pgUrl)],
  ['redis', () => createRedisBus(redisUrl, { key: `crm:test:${suffix}`, retentionSeconds: 3600 })],
])('%s event bus', (_name, create) => {
  let bus: EventBus;

  it('publishes in order, idempotently, and reads from a cursor', async () => {
    bus = await create();
    const aggregate = randomUUID();
    const events = [1, 2, 3].map((n) => event(aggregate, n));
    await bus.publish('sales', events, 'checkpoint-1');
    await bus.publish('sales', events, 'checkpoint-1'); // a relay retry after a crash
    const all = [];
    for await (const e of readAll(bus, null)) all.push(e);
    expect(all.map((e) => e.payload.n)).toEqual([1, 2, 3]);
    expect(await bus.relayedThrough('sales')).toBe('checkpoint-1');
    const afterFirst = await bus.read(all[0]!.cursor, 10);
    expect(afterFirst.map((e) => e.payload.n)).toEqual([2, 3]);
    expect(await bus.head()).toBe(all[2]!.cursor);
  });

  it('wakes listeners on publish', async () => {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const unsubscribe = await bus.onPublish(() => wake());
    await bus.publish('sales', [event(randomUUID(), 4)], 'checkpoint-2');
    await woken; // (the test's timeout fails it if no listener is ever woken)
    await unsubscribe();
  });

  it('fails a cursor older than retention with CURSOR_EXPIRED', async () => {
    const [first] = await bus.read(null, 1);
    // A second from now: every event published so far is older, with no need to wait.
    await bus.prune(new Date(Date.now() + 1000));
    await expect(bus.read(first!.cursor, 10)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    await bus.close();
  });
});
