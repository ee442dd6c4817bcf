import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createOrm } from '../subgraphs/kit/database.js';
import { OutboxEvent, recordEvent } from '../subgraphs/kit/events.js';
import { readAll } from '../subgraphs/kit/bus/event-bus.js';
import { createLogger } from '../subgraphs/kit/logger.js';
import { identity } from '../subgraphs/identity/src/app.js';
import { Customer } from '../subgraphs/identity/src/modules/customer/customer.entity.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

async function waitForBusEvent(aggregateId: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for await (const event of readAll(platform.bus, null)) if (event.aggregateId === aggregateId) return event;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

describe('transactional outbox', () => {
  it('loses no event when the writing process dies right after its commit', async () => {
    // Another process of identity commits a change with its event, then dies before any relay pass.
    const orm = await createOrm({
      url: platform.subgraphs.identity.orm.config.get('clientUrl')!,
      entities: identity.entities,
      migrations: identity.migrations,
      log: createLogger('crashing-process'),
    });
    const em = orm.em.fork();
    const customer = em.create(Customer, { firstName: 'Crash', lastName: 'Test' });
    recordEvent(em, { type: 'CustomerCreated', aggregateType: 'Customer', aggregateId: customer.id, payload: { customerId: customer.id } });
    await em.flush();
    await orm.close(true);

    // The surviving relay publishes it from the outbox.
    const event = await waitForBusEvent(customer.id);
    expect(event).toMatchObject({ type: 'CustomerCreated', stream: 'identity', aggregateType: 'Customer' });
  });

  it('emits nothing when the change rolls back', async () => {
    const em = platform.subgraphs.identity.orm.em.fork();
    const first = em.create(Customer, { firstName: 'Roll', lastName: 'Back' });
    await em.flush();
    const clashing = em.fork();
    // Same primary key as an existing row: the insert fails and the whole flush rolls back, event included.
    clashing.create(Customer, { id: first.id, firstName: 'Dup' });
    const aggregateId = randomUUID();
    recordEvent(clashing, { type: 'CustomerCreated', aggregateType: 'Customer', aggregateId, payload: {} });
    await expect(clashing.flush()).rejects.toThrow();
    expect(await em.fork().count(OutboxEvent, { aggregateId })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a relay pass or two
    expect(await waitForBusEvent(aggregateId, 500)).toBeUndefined();
  });
});
