import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OutboxEvent } from '@crm/kit/events.js';
import { flagDueActivities } from '../subgraphs/sales/src/modules/activity/activity.due.js';
import { CreateActivityDocument, CreateCustomerDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

describe('activities falling due', () => {
  it('emit ActivityDue once each, at the reminder (or the due time without one)', async () => {
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Due', lastName: 'Soon', emails: [], phones: [] },
    });
    const hour = 3_600_000;
    const start = Date.now();
    const at = (ms: number) => new Date(start + ms).toISOString();
    const task = (subject: string, dueAt: string, reminderAt?: string) =>
      executeOk(platform.gatewayUrl, CreateActivityDocument, {
        input: { type: 'TASK', subject, customerId: createCustomer.id, dueAt, reminderAt },
      }).then((r) => r.createActivity);
    const reminded = await task('Call back about the quote', at(2 * hour), at(hour));
    const plain = await task('Send the brochure', at(1.5 * hour));
    const later = await task('Check financing approval', at(5 * hour));

    const em = platform.subgraphs.sales.orm.em.fork();
    const dueEvents = async () => (await em.fork().find(OutboxEvent, { type: 'ActivityDue' })).map((e) => e.aggregateId).sort();

    expect(await flagDueActivities(em.fork(), new Date(start + 0.5 * hour))).toBe(0);
    expect(await flagDueActivities(em.fork(), new Date(start + 1.6 * hour))).toBe(2);
    expect(await dueEvents()).toEqual([reminded.id, plain.id].sort());
    expect(await flagDueActivities(em.fork(), new Date(start + 1.7 * hour))).toBe(0); // once each
    expect(await flagDueActivities(em.fork(), new Date(start + 6 * hour))).toBe(1);
    expect(await dueEvents()).toEqual([reminded.id, plain.id, later.id].sort());
    const [event] = await em.fork().find(OutboxEvent, { type: 'ActivityDue', aggregateId: reminded.id });
    expect(event!.payload).toMatchObject({ activityId: reminded.id, customerId: createCustomer.id, subject: 'Call back about the quote' });
  });
});
