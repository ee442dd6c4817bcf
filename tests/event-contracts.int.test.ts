import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { EventBus, OutgoingEvent } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import { defineHandler, startConsumers } from '@crm/kit/consumer.js';
import { customerMergedHandler } from '@crm/kit/customer-aliases.js';
import { openDatabase } from '@crm/kit/database.js';
import type { EventPayload, PayloadOf } from '@crm/kit/event-catalog.js';
import { OutboxEvent, recordEvent } from '@crm/kit/events.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import { ERASED, redactEvents } from '@crm/kit/erasure.js';
import { applyRetention, PLATFORM_RETENTION } from '@crm/kit/retention.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';
import { eventually } from './helpers/eventually.js';

/**
 * The event catalog at the boundary, on a subgraph's own database and a real bus (no gateway): what a consumer does
 * with an event that breaks its contract, an event of an older version, and a producer writing an undeclared key.
 */
const suffix = randomBytes(4).toString('hex');
const server = process.env.DATABASE_URL!;
const databases = [`crm_t${suffix}_contracts`, `crm_t${suffix}_contracts_events`];
const urlOf = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();

let orm: MikroORM;
let bus: EventBus;
let consumers: ReturnType<typeof startConsumers>;
const logLines: Array<Record<string, unknown>> = [];
const seen: Array<EventPayload<'CaseMessageAdded'>> = [];

const moves = customerMergedHandler('test.customer-merged', { columns: [['support_case', 'customer_id']], move: async () => undefined });
const caseMessages = defineHandler({
  name: 'test.case-messages',
  on: ['CaseMessageAdded'],
  async handle(_em, event) {
    seen.push(event.payload);
  },
  afterExpiry: { skip: { lost: 'nothing (a test)' } },
});

beforeAll(async () => {
  const log = createLogger('contracts-test', {
    level: 'info',
    to: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  orm = await openDatabase({ url: urlOf(databases[0]!), entities: serviceEntities, migrations: serviceMigrations, log });
  bus = await createPostgresBus(urlOf(databases[1]!), { log });
  const graph = createGraphClient(() => 'http://127.0.0.1:9', 'contracts-test');
  consumers = startConsumers({ orm, bus, handlers: [moves, caseMessages], log, graph, retryMs: 50 });
});

afterAll(async () => {
  await consumers.stop();
  await bus.close();
  await orm.close();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const name of databases) await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

const publish = async (...events: Array<Omit<OutgoingEvent, 'id' | 'occurredAt' | 'aggregateType'>>) => {
  const full = events.map((e) => ({ ...e, aggregateType: 'Customer', id: randomUUID(), occurredAt: new Date().toISOString() }));
  await bus.publish('test-relay', full, randomUUID());
  return full.map((e) => e.id);
};
const sql = <T>(query: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(query, params);
const processed = (consumer: string, eventId: string) =>
  eventually(async () => expect(await sql('select 1 from processed_event where consumer = ? and event_id = ?', [consumer, eventId])).toHaveLength(1));
const statusOf = (consumer: string) => consumers.statuses().find((status) => status.consumer === consumer)!;

describe('events that break their contract', () => {
  it('go to the dead letters with the reason and a log line, and the consumer reads on', async () => {
    const [survivorId, mergedId] = [randomUUID(), randomUUID()];
    const [missingKey, wrongStream, futureVersion, valid] = await publish(
      { stream: 'identity', type: 'CustomerMerged', aggregateId: survivorId, payload: { survivorId, movedIdentifiers: 1 } },
      { stream: 'sales', type: 'CustomerMerged', aggregateId: survivorId, payload: { survivorId, mergedId, movedIdentifiers: 1 } },
      { stream: 'identity', type: 'CustomerMerged', aggregateId: survivorId, payload: { survivorId, mergedId, movedIdentifiers: 1, eventVersion: 9 } },
      { stream: 'identity', type: 'CustomerMerged', aggregateId: survivorId, payload: { survivorId, mergedId, movedIdentifiers: 1, eventVersion: 1 } },
    );
    await processed(moves.name, valid!);

    const letters = await sql<{ event_id: string; type: string; stream: string; reason: string; payload: Record<string, unknown> }>(
      'select event_id, type, stream, reason, payload from dead_letter where consumer = ? order by dead_at',
      [moves.name],
    );
    expect(letters.map((letter) => [letter.event_id, letter.reason])).toEqual([
      [missingKey, expect.stringMatching(/^CustomerMerged mergedId: Invalid input/)],
      [wrongStream, 'CustomerMerged is not emitted by sales'],
      [futureVersion, 'CustomerMerged version 9 is unknown (the catalog knows 1 to 1)'],
    ]);
    expect(letters[0]!.payload).toEqual({ survivorId, movedIdentifiers: 1 });
    // None of them was applied, and the consumer is not stuck: it counts them and stays healthy.
    expect(await sql('select 1 from processed_event where event_id in (?, ?, ?)', [missingKey, wrongStream, futureVersion])).toEqual([]);
    expect(statusOf(moves.name)).toMatchObject({ deadLetters: 3, failingSince: null });
    expect(consumers.health().ok).toBe(true);
    expect(logLines.filter((line) => line.metric === 'consumer_dead_letter').map((line) => [line.eventId, line.level])).toEqual([
      [missingKey, 50],
      [wrongStream, 50],
      [futureVersion, 50],
    ]);
  });

  it('are not set aside once an erasure redacted them: what they described is gone', async () => {
    const [erased, next] = await publish(
      { stream: 'identity', type: 'CustomerMerged', aggregateId: randomUUID(), payload: { survivorId: '[erased]', erased: true } },
      {
        stream: 'identity',
        type: 'CustomerMerged',
        aggregateId: randomUUID(),
        payload: { survivorId: randomUUID(), mergedId: randomUUID(), movedIdentifiers: 0 },
      },
    );
    await processed(moves.name, next!);
    expect(await sql('select 1 from dead_letter where event_id = ?', [erased])).toEqual([]);
    expect(await sql('select 1 from processed_event where event_id = ?', [erased])).toEqual([]);
  });
});

describe('dead letters', () => {
  it('are redacted when the person they name is erased, and deleted after the retention period', async () => {
    const customerId = randomUUID();
    const [letter] = await publish({
      stream: 'identity',
      type: 'CustomerMerged',
      aggregateId: customerId,
      payload: { survivorId: customerId, firstName: 'Jana' },
    });
    await eventually(async () => expect(await sql('select 1 from dead_letter where event_id = ?', [letter])).toHaveLength(1));

    await orm.em.fork().transactional((em) => redactEvents(em, 'dead_letter', { aggregateIds: [], customerIds: [customerId] }));
    const [redacted] = await sql<{ payload: Record<string, unknown> }>('select payload from dead_letter where event_id = ?', [letter]);
    expect(redacted!.payload).toEqual({ erased: true, survivorId: customerId, firstName: ERASED });

    const inAMonth = new Date(Date.now() + 31 * 86_400_000);
    expect(await applyRetention(orm.em.fork(), 'service', PLATFORM_RETENTION, inAMonth)).toMatchObject({ 'dead-letters': expect.any(Number) });
    expect(await sql('select 1 from dead_letter')).toEqual([]);
  });
});

describe('an event written in an older version', () => {
  it('reaches the handler upcast to the current version', async () => {
    const caseId = randomUUID();
    const common = {
      caseId,
      customerId: randomUUID(),
      status: 'OPEN',
      priority: 'HIGH',
      line: 'FIRST',
      category: 'COMPLAINT',
      assigneeId: null,
      currentChannel: 'EMAIL',
      messageId: randomUUID(),
      direction: 'INBOUND',
      body: 'Brzdy pískají',
      sentAt: new Date().toISOString(),
      changedFields: [],
    };
    // Version 1: `channel` was the message's, `caseChannel` the case's.
    const [v1] = await publish({
      stream: 'service',
      type: 'CaseMessageAdded',
      aggregateId: caseId,
      payload: { ...common, channel: 'EMAIL', caseChannel: 'PHONE' },
    });
    const current: PayloadOf<'CaseMessageAdded'> = { ...common, channel: 'PHONE', messageChannel: 'EMAIL' };
    const [v2] = await publish({ stream: 'service', type: 'CaseMessageAdded', aggregateId: caseId, payload: { ...current, eventVersion: 2 } });
    await processed(caseMessages.name, v2!);
    await processed(caseMessages.name, v1!);
    expect(seen.map(({ channel, messageChannel, eventVersion }) => ({ channel, messageChannel, eventVersion }))).toEqual([
      { channel: 'PHONE', messageChannel: 'EMAIL', eventVersion: 2 },
      { channel: 'PHONE', messageChannel: 'EMAIL', eventVersion: 2 },
    ]);
    expect(seen[0]).not.toHaveProperty('caseChannel');
  });
});

describe('a producer', () => {
  it('cannot write a key its event type does not declare, even through a spread tsc cannot see into', async () => {
    const em = orm.em.fork();
    const extra: Record<string, unknown> = { pin: '1234' };
    const payload = { customerId: randomUUID(), archivedAt: new Date().toISOString(), ...extra } as PayloadOf<'CustomerArchived'>;
    expect(() => recordEvent(em, { type: 'CustomerArchived', aggregateId: payload.customerId, payload })).toThrow(
      'CustomerArchived does not keep its contract (event-catalog.ts): (payload): Unrecognized key: "pin"',
    );
    await em.flush();
    expect(await orm.em.fork().count(OutboxEvent, { aggregateId: payload.customerId })).toBe(0);
  });

  it('stamps the version of the catalog on what it writes', async () => {
    const em = orm.em.fork();
    const customerId = randomUUID();
    recordEvent(em, { type: 'CustomerArchived', aggregateId: customerId, payload: { customerId, archivedAt: new Date().toISOString() } });
    await em.flush();
    const [written] = await orm.em.fork().find(OutboxEvent, { aggregateId: customerId });
    expect(written).toMatchObject({ type: 'CustomerArchived', aggregateType: 'Customer', payload: { customerId, eventVersion: 1 } });
  });
});
