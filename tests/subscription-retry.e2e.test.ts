import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CaseChangedWithDealsDocument, CreateCustomerDocument, OpenCaseDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 7.7: an event whose entity cannot be read (a subgraph of its selection is restarting) is retried until it
// can be, never delivered as null with an error. Sales is the one away: a case can still be opened then (identity,
// which checks the customer, stays up), and the subscriber's selection reaches into sales.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

describe('an event whose selection needs a subgraph that is down', () => {
  it('reaches the subscriber complete once the subgraph is back', async () => {
    const { createCustomer: customer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Ota', lastName: 'Trpělivý', emails: [`ota.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const client = connect(platform.wsUrl);
    try {
      // From the head on: registered at once, so the case opened below is the next event it sees.
      const subscriber = subscribe(client, CaseChangedWithDealsDocument, { filter: { priority: 'URGENT' }, after: await platform.bus.head() });
      await platform.stopSubgraph('sales');
      // The case is opened in service (identity, up, knows the customer); only the answer misses the customer's
      // deals, which come from sales.
      const subject = `Brakes ${randomUUID().slice(0, 8)}`;
      await executeOk(platform.gatewayUrl, OpenCaseDocument, { input: { customerId: customer.id, subject, channel: 'PHONE', priority: 'URGENT' } });
      // While sales is away the event waits: nothing (no null, no error) reaches the subscriber.
      await expect(subscriber.waitFor(1, 1500)).rejects.toThrow(/Got 0 of 1/);
      await platform.restartSubgraph('sales');
      const [result] = await subscriber.waitFor(1, 30_000);
      expect(result!.errors).toBeUndefined();
      expect(result!.data!.caseChanged).toMatchObject({
        event: { type: 'CaseOpened' },
        case: { subject, customer: { opportunities: { totalCount: 0 } } },
      });
      await subscriber.close();
    } finally {
      await client.dispose();
    }
  }, 60_000);
});
