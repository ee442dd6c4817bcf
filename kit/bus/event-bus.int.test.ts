import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readAll, type EventBus, type OutgoingEvent } from './event-bus.js';
import { createPostgresBus } from './postgres-bus.js';
import { createRedisBus } from './redis-bus.js';
import { createNatsBus } from './nats-bus.js';

const suffix = randomBytes(4).toString('hex');
const pgUrl = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/crm_bus_${suffix}` }).toString();
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
// A fresh stream (and its checkpoint stream) per run, deleted afterwards.
const natsStream = `CRM_TEST_${suffix}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(pgUrl), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`drop database if exists "crm_bus_${suffix}" with (force)`);
  await admin.end();
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  for (const stream of [natsStream, `${natsStream}_RELAYED`]) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
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
// `beyond`: a well-formed cursor after the given one (cursors are opaque; each transport spells them its own way).
const nextNumber = (cursor: string) => String(BigInt(cursor) + 1n);
const nextRedisId = (cursor: string) => cursor.replace(/-(\d+)$/, (_, seq: string) => `-${BigInt(seq) + 1n}`);
describe.each([
  ['postgres', () => createPostgresBus(pgUrl), nextNumber],
  ['redis', () => createRedisBus(redisUrl, { key: `crm:test:${suffix}`, retentionSeconds: 3600 }), nextRedisId],
  ['nats', () => createNatsBus(natsUrl, { stream: natsStream, retentionSeconds: 3600 }), nextNumber],
])('%s event bus', (_name, create, beyond) => {
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

  it("reads every event in its place when asked for some types' payloads only", async () => {
    const before = (await bus.head())!;
    const viewed = { ...event(randomUUID(), 7), type: 'InteractionRecorded', aggregateType: 'Interaction' };
    const moved = event(randomUUID(), 8);
    await bus.publish('sales', [viewed, moved], 'checkpoint-1b');
    const whole = await bus.read(before, 10);
    const some = await bus.read(before, 10, { payloadsOf: new Set(['OpportunityStageChanged']) });
    const place = ({ id, type, cursor, aggregateId, occurredAt }: (typeof whole)[number]) => ({ id, type, cursor, aggregateId, occurredAt });
    expect(some.map(place)).toEqual(whole.map(place));
    expect(some.map((e) => e.type)).toEqual(['InteractionRecorded', 'OpportunityStageChanged']);
    expect(some[1]!.payload).toEqual({ n: 8 });
    // The PostgreSQL bus leaves the other payloads out; the others may send them all.
    expect(some[0]!.payload).toEqual(_name === 'postgres' ? {} : { n: 7 });
    if (!bus.readTypes) return;
    // A reader of some types is sent those and the last event read, for its cursor (the PostgreSQL bus).
    const stageChanges = new Set(['OpportunityStageChanged']);
    expect(await bus.readTypes(before, 10, stageChanges, { payloadsOf: stageChanges })).toEqual({ events: [some[1]], full: false });
    const views = new Set(['InteractionRecorded']);
    expect(await bus.readTypes(before, 10, views, { payloadsOf: views })).toEqual({
      events: [whole[0], { ...some[1]!, payload: {} }],
      full: false,
    });
    expect(await bus.readTypes(before, 1, stageChanges)).toEqual({ events: [whole[0]], full: true });
  });

  it('wakes listeners on publish', async () => {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const unsubscribe = await bus.onPublish(() => wake());
    await bus.publish('sales', [event(randomUUID(), 4)], 'checkpoint-2');
    await woken; // (the test's timeout fails it if no listener is ever woken)
    await unsubscribe();
  });

  it('refuses a malformed cursor and one ahead of the newest event, and orders cursors', async () => {
    await bus.ping();
    const all = [];
    for await (const e of readAll(bus, null)) all.push(e);
    const [first, second] = all;
    expect(bus.compare(first!.cursor, second!.cursor)).toBeLessThan(0);
    expect(bus.compare(second!.cursor, first!.cursor)).toBeGreaterThan(0);
    expect(bus.compare(first!.cursor, first!.cursor)).toBe(0);
    const head = (await bus.head())!;
    expect(await bus.read(head, 10)).toEqual([]);
    await expect(bus.read('not a cursor', 10)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(bus.read(beyond(head), 10)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    if (!bus.readTypes) return;
    const types = new Set(['OpportunityStageChanged']);
    expect(await bus.readTypes(head, 10, types)).toEqual({ events: [], full: false });
    await expect(bus.readTypes('not a cursor', 10, types)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    await expect(bus.readTypes(beyond(head), 10, types)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('redacts the events about an erased person and reads on past them', async () => {
    const customerId = randomUUID();
    const before = (await bus.head())!;
    const about = { ...event(randomUUID(), 5), payload: { n: 5, customerId, note: 'Jana Nováková, 777 123 456' } };
    await bus.publish('sales', [about, event(randomUUID(), 6)], 'checkpoint-3');
    expect(await bus.redact({ aggregateIds: [], customerIds: [customerId] })).toBe(1);
    const after = await bus.read(before, 10);
    expect(JSON.stringify(after)).not.toContain('Nováková');
    expect(after.at(-1)!.payload.n).toBe(6);
  });

  it('fails a cursor older than retention with CURSOR_EXPIRED', async () => {
    const [first] = await bus.read(null, 1);
    // A second from now: every event published so far is older, with no need to wait.
    await bus.prune(new Date(Date.now() + 1000));
    await expect(bus.read(first!.cursor, 10)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    // Also when newer events follow the pruned ones: the events between the cursor and them are gone.
    await bus.publish('sales', [event(randomUUID(), 7)], 'checkpoint-4');
    await expect(bus.read(first!.cursor, 10)).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    if (bus.readTypes) {
      await expect(bus.readTypes(first!.cursor, 10, new Set(['InteractionRecorded']))).rejects.toMatchObject({ extensions: { code: 'CURSOR_EXPIRED' } });
    }
    const [newest] = await bus.read(null, 10);
    expect(newest!.payload.n).toBe(7);
    await bus.close();
  });
});
