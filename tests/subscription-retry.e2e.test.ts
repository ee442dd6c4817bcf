import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CaseChangedDocument, CreateCustomerDocument, OpenCaseDocument } from './generated/graphql.js';
import { execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 7.7: an event whose entity cannot be read (a subgraph of its selection is restarting) is retried until it
// can be, never delivered as null with an error.

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
      const subscriber = subscribe(client, CaseChangedDocument, { filter: { priority: 'URGENT' }, after: await platform.bus.head() });
      await platform.stopSubgraph('identity');
      // The case is opened in service; only the answer misses its customer's name (from identity).
      const subject = `Brakes ${randomUUID().slice(0, 8)}`;
      const opened = await execute(platform.gatewayUrl, OpenCaseDocument, {
        input: { customerId: customer.id, subject, channel: 'PHONE', priority: 'URGENT' },
      });
      expect(opened.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // While identity is away the event waits: nothing (no null, no error) reaches the subscriber.
      await expect(subscriber.waitFor(1, 1500)).rejects.toThrow(/Got 0 of 1/);
      await platform.restartSubgraph('identity');
      const [result] = await subscriber.waitFor(1, 30_000);
      expect(result!.errors).toBeUndefined();
      expect(result!.data!.caseChanged).toMatchObject({
        event: { type: 'CaseOpened' },
        case: { subject, customer: { displayName: 'Ota Trpělivý' } },
      });
      await subscriber.close();
    } finally {
      await client.dispose();
    }
  }, 60_000);
});
