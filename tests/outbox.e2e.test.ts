import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createOrm } from '@crm/kit/database.js';
import { OutboxEvent, recordEvent } from '@crm/kit/events.js';
import { readAll } from '@crm/kit/bus/event-bus.js';
import { createLogger } from '@crm/kit/logger.js';
import { identity } from '../subgraphs/identity/src/app.js';
import { Customer } from '../subgraphs/identity/src/modules/customer/customer.entity.js';
import { recordCustomerCreated } from '../subgraphs/identity/src/modules/customer/customer.service.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

async function busEventOf(aggregateId: string) {
  for await (const event of readAll(platform.bus, null)) if (event.aggregateId === aggregateId) return event;
  return undefined;
}

/** Polls the bus until an event of the aggregate is on it. */
const waitForBusEvent = (aggregateId: string) =>
  eventually(async () => {
    const event = await busEventOf(aggregateId);
    if (!event) throw new Error(`No event of ${aggregateId} on the bus`);
    return event;
  });

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
    recordCustomerCreated(em, customer, []);
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
    recordEvent(clashing, { type: 'CustomerArchived', aggregateId, payload: { customerId: aggregateId, archivedAt: new Date().toISOString() } });
    await expect(clashing.flush()).rejects.toThrow();
    expect(await em.fork().count(OutboxEvent, { aggregateId })).toBe(0);
    // A change committed after the rollback: the relay publishes in commit order, so once this one is on the bus,
    // the relay has passed everything committed before it, and the rolled-back event would be there by now.
    const later = em.fork();
    const marker = later.create(Customer, { firstName: 'After', lastName: 'Rollback' });
    recordCustomerCreated(later, marker, []);
    await later.flush();
    await waitForBusEvent(marker.id);
    expect(await busEventOf(aggregateId)).toBeUndefined();
  });
});
