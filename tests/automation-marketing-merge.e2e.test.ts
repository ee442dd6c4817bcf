import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AnswerSurveyDocument,
  CreateCustomerDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  MarketingAutomationViewDocument,
  type MarketingAutomationViewQuery,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import { catalogEvent, consentChanged as consent } from './helpers/events.js';
import { eventually } from './helpers/eventually.js';

// identity's CustomerMerged reaching marketing over the bus: the survivor's Customer shows, through the gateway, what
// marketing held about the merged customer. Which rows move and which win is tested on marketing's own database
// (subgraphs/marketing/test/customer.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);

/** Publishes events as if identity had emitted them (see helpers/events.ts); returns their ids. */
async function publish(...events: OutgoingEvent[]): Promise<string[]> {
  await platform.bus.publish(`test-${randomUUID()}`, events, randomUUID());
  return events.map((e) => e.id);
}

/** Waits until the consumer has applied the event (its effect, if any, committed with this mark). */
const processed = (consumer: string, eventId: string) =>
  eventually(async () => {
    const rows = await platform.subgraphs.marketing.orm.em
      .fork()
      .execute('select 1 from processed_event where consumer = ? and event_id = ?', [consumer, eventId]);
    expect(rows).toHaveLength(1);
  });

async function createCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName: 'Automation', emails: [], phones: [] } });
  return createCustomer.id;
}

type View = NonNullable<MarketingAutomationViewQuery['customer']>;
const view = async (id: string): Promise<View> => (await gql(MarketingAutomationViewDocument, { id })).customer!;

describe('CustomerMerged moves marketing rows to the survivor', () => {
  it("shows the merged customer's interactions, sends, enrolments and surveys on the survivor's Customer", async () => {
    const [survivor, merged] = [await createCustomer('Survivor'), await createCustomer('Merged')];
    const resolved = catalogEvent('CustomerResolved', merged, {
      customerId: merged,
      created: false,
      matchedBy: ['EMAIL'],
      conflictingCustomerIds: [],
      leadId: randomUUID(),
      email: `merged.${randomUUID()}@example.com`,
      phone: null,
      deviceIds: [],
      requestedAppointment: null,
      interest: { productId: null, model: null },
      firstName: 'Merged',
      lastName: 'Automation',
    });
    await publish(consent(merged, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'), resolved);
    await processed('marketing.journey', resolved.id);
    const { createSequence } = await gql(CreateSequenceDocument, {
      input: { name: `Merge test ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 0 }] },
    });
    await gql(EnrolInSequenceDocument, { input: { sequenceId: createSequence.id, customerId: merged } });
    await gql(AnswerSurveyDocument, { input: { customerId: merged, score: 10, channel: 'EMAIL' } });

    const [mergedId] = await publish(catalogEvent('CustomerMerged', survivor, { survivorId: survivor, mergedId: merged, movedIdentifiers: 0 }));
    await processed('marketing.customer-merge', mergedId!);

    const v = await view(survivor);
    expect(v.interactions!.edges.map((e) => e.node.type).sort()).toEqual(['FORM_SUBMIT', 'MESSAGE_SENT', 'SURVEY_RESPONSE']);
    // The confirmation, and the sequence's first step (queued at once; suppressed: no marketing consent).
    expect(v.messageSends!.totalCount).toBe(2);
    expect(v.sequenceEnrolments!.totalCount).toBe(1);
  });

  it('merges two customers in the same sequence and sent the same campaign, and applies the merges after it', async () => {
    const [survivor, merged] = [await createCustomer('Survivor'), await createCustomer('Merged')];
    const { createSequence } = await gql(CreateSequenceDocument, {
      input: { name: `Merge test ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 }] },
    });
    for (const customerId of [survivor, merged]) await gql(EnrolInSequenceDocument, { input: { sequenceId: createSequence.id, customerId } });
    // One campaign's message to each (a campaign writes one per customer).
    const campaignId = randomUUID();
    const marketing = platform.subgraphs.marketing.orm.em.fork();
    for (const customerId of [survivor, merged]) {
      await marketing.execute(
        `insert into message_send (id, customer_id, channel, purpose, template, subject, status, campaign_id, created_at)
         values (?, ?, 'EMAIL', 'MARKETING', 'campaign', 'Jarní servis', 'SENT', ?, now())`,
        [randomUUID(), customerId, campaignId],
      );
    }
    const [mergedId] = await publish(catalogEvent('CustomerMerged', survivor, { survivorId: survivor, mergedId: merged, movedIdentifiers: 0 }));
    await processed('marketing.customer-merge', mergedId!);
    // Both enrolments are the survivor's now: the merged one's ended, the survivor's goes on.
    const enrolments = await marketing.execute<Array<{ customer_id: string; status: string }>>(
      'select customer_id, status from sequence_enrolment where sequence_id = ? order by status',
      [createSequence.id],
    );
    expect(enrolments).toEqual([
      { customer_id: survivor, status: 'ACTIVE' },
      { customer_id: survivor, status: 'EXITED' },
    ]);
    const sends = await marketing.execute<Array<{ customer_id: string }>>('select customer_id from message_send where campaign_id = ? order by customer_id', [
      campaignId,
    ]);
    expect(sends.map((row) => row.customer_id).sort()).toEqual([merged, survivor].sort());
    // The consumer reads on: a later merge is applied (it retried the first one for ever before).
    const [later, laterMerged] = [await createCustomer('Later'), await createCustomer('Later merged')];
    const [laterId] = await publish(catalogEvent('CustomerMerged', later, { survivorId: later, mergedId: laterMerged, movedIdentifiers: 0 }));
    await processed('marketing.customer-merge', laterId!);
  });
});
