import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import { catalogEvent, consentChanged as consent, opportunitySnapshot, quoteSent, quoteSnapshot } from '../../../tests/helpers/events.js';
import { deliver } from '../../../tests/helpers/integration.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelinePages } from '../src/modules/interaction/interaction.queries.js';
import { recordInteractions } from '../src/modules/interaction/interaction.service.js';
import { journeyHandler } from '../src/modules/journey/journey.handlers.js';
import { messageSendPages } from '../src/modules/messaging/message-send.queries.js';
import { RecordingChannel } from '../src/modules/messaging/outbound.channel.js';
import { enrolmentPages } from '../src/modules/sequence/sequence.queries.js';
import { getSequence } from '../src/modules/sequence/sequence.service.js';
import { deliverQueued, useFreshMarketingDatabase } from './database.js';

// The journeys marketing runs on identity's and sales' events, on its own database: the web form's confirmation,
// timeline and welcome sequence (Story 1, steps 1–3) and the newsletters after the first offer (step 7). Over the bus,
// with redelivery and dead letters, and from the real producers: tests/automation-marketing-journey.e2e.test.ts.

const { orm, em } = useFreshMarketingDatabase();

const outbound = new RecordingChannel();
const handler = journeyHandler();

/** Hands the events to the journey consumer in order, as the bus would (each must be one it takes), then sends what they queued. */
async function handle(...events: OutgoingEvent[]): Promise<void> {
  for (const event of events) expect([event.type, await deliver(orm(), handler, event)]).toEqual([event.type, true]);
  await deliverQueued(orm(), outbound);
}

const timeline = async (customerId: string) => (await timelinePages(em(), [customerId], null, { first: 50 }))[0]!.edges.map((e) => e.node);
const sends = async (customerId: string) => (await messageSendPages(em(), [customerId], null, { first: 50 }))[0]!.edges.map((e) => e.node);
async function enrolments(customerId: string) {
  const [page] = await enrolmentPages(em(), 'customerId', [customerId], null, { first: 50 });
  return Promise.all(page!.edges.map(async (e) => ({ ...e.node, sequenceName: (await getSequence(em(), e.node.sequenceId)).name })));
}

function resolved(customerId: string, email: string, deviceIds: string[] = []) {
  return catalogEvent('CustomerResolved', customerId, {
    customerId,
    created: false,
    matchedBy: ['EMAIL'],
    conflictingCustomerIds: [],
    leadId: randomUUID(),
    email,
    phone: '+420600000000',
    deviceIds,
    requestedAppointment: '2026-12-03T09:30:00.000Z',
    interest: { productId: null, model: 'Family SUV' },
    firstName: 'Jan',
    lastName: 'Novák',
  });
}

describe('web form → confirmation e-mail, timeline and welcome sequence (Story 1, steps 1–3)', () => {
  it('records the form, links both devices, sends the confirmation with an .ics and enrols with marketing consent', async () => {
    const customerId = randomUUID();
    const [phone, laptop] = [`device-${randomUUID()}`, `device-${randomUUID()}`];
    await recordInteractions(em(), [
      { anonymousId: phone, channel: C.WEB, type: T.PAGE_VIEW, sourceSystem: 'website', properties: { url: '/models/family-suv' } },
      { anonymousId: laptop, channel: C.WEB, type: T.PAGE_VIEW, sourceSystem: 'website', properties: { url: '/models/family-suv/financing' } },
    ]);
    const email = `jan.${randomUUID()}@example.com`;
    const form = resolved(customerId, email, [phone, laptop]);
    await handle(consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'), consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED'), form);

    expect(await timeline(customerId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', channel: 'WEB', sourceSystem: 'identity', externalEventId: form.id }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: phone }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: laptop }),
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', sourceSystem: 'marketing' }),
      ]),
    );
    const [send, ...more] = await sends(customerId);
    expect(more).toEqual([]);
    expect(send).toMatchObject({ status: 'SENT', purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', template: 'appointment-confirmation', recipient: email });
    expect(await enrolments(customerId)).toEqual([expect.objectContaining({ status: 'ACTIVE', sequenceName: 'Introduce the dealer' })]);

    const [message, ...others] = outbound.sent.filter((m) => m.to === email);
    expect(others).toEqual([]);
    expect(message!.providerMessageId).toBe(send!.providerMessageId);
    expect(message!.subject).toContain('Family SUV');
    expect(message!.text).toContain('2026-12-03 10:30 (Europe/Prague)');
    expect(message!.calendar).toContain('METHOD:REQUEST');
    expect(message!.calendar).toContain(`UID:appointment-${form.payload.leadId}@crm`);
    expect(message!.calendar).toContain('DTSTART:20261203T093000Z');
    expect(message!.calendar).toContain('DTEND:20261203T103000Z');
  });

  it('does not enrol a customer without marketing e-mail consent, but still confirms the request', async () => {
    const customerId = randomUUID();
    await handle(
      consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'),
      consent(customerId, 'MARKETING', 'ANY', 'GRANTED'),
      consent(customerId, 'MARKETING', 'EMAIL', 'WITHDRAWN'), // the channel's own decision wins over ANY
      resolved(customerId, `eva.${randomUUID()}@example.com`),
    );
    expect((await sends(customerId)).map((s) => s.status)).toEqual(['SENT']);
    expect(await enrolments(customerId)).toEqual([]);
  });

  it('suppresses the e-mail without SERVICE_COMMUNICATION consent: recorded, never sent, not on the timeline', async () => {
    const customerId = randomUUID();
    const email = `petr.${randomUUID()}@example.com`;
    await handle(resolved(customerId, email));
    expect(await sends(customerId)).toEqual([
      expect.objectContaining({ status: 'SUPPRESSED', suppressionReason: 'NO_CONSENT', purpose: 'SERVICE_COMMUNICATION' }),
    ]);
    expect((await sends(customerId))[0]!.providerMessageId ?? null).toBeNull();
    expect((await timeline(customerId)).map((i) => i.type)).toEqual(['FORM_SUBMIT']);
    expect(await enrolments(customerId)).toEqual([]);
    expect(outbound.sent.some((m) => m.to === email)).toBe(false);
  });
});

describe('first offer sent → newsletters personalized from the quote (Story 1, step 7)', () => {
  const quote = (customerId: string, opportunityId: string, products: Array<{ name: string; category: string }>, occurredAt: string) =>
    quoteSent(
      quoteSnapshot({
        quoteId: randomUUID(),
        opportunityId,
        customerId,
        total: { amount: '980000.00', currency: 'CZK' },
        products: products.map((p) => ({ productId: randomUUID(), ...p })),
      }),
      occurredAt,
    );
  const stageChanged = (customerId: string, opportunityId: string, marker: 'TEST_DRIVE' | 'FIRST_OFFER_SENT') => {
    const stageId = randomUUID();
    return catalogEvent('OpportunityStageChanged', opportunityId, {
      ...opportunitySnapshot({ opportunityId, customerId, stageId, stageName: 'First offer sent', marker, amount: { amount: '980000.00', currency: 'CZK' } }),
      fromStageId: randomUUID(),
      toStageId: stageId,
      changedBy: 'test',
      followUpAt: null,
    });
  };

  it('enrols with the cars of every quote sent in the deal, with marketing e-mail consent only', async () => {
    const [keen, shy] = [randomUUID(), randomUUID()];
    const [keenOpportunity, shyOpportunity] = [randomUUID(), randomUUID()];
    await handle(
      consent(keen, 'MARKETING', 'EMAIL', 'GRANTED'),
      quote(keen, keenOpportunity, [{ name: 'Compact hatchback', category: 'HATCHBACK' }], new Date(Date.now() - 60_000).toISOString()),
      quote(
        keen,
        keenOpportunity,
        [
          { name: 'Family SUV 7 seats', category: 'SUV' },
          { name: 'Family SUV hybrid', category: 'SUV' },
          { name: 'Estate', category: 'ESTATE' },
        ],
        new Date().toISOString(),
      ),
      stageChanged(keen, keenOpportunity, 'TEST_DRIVE'),
      stageChanged(keen, keenOpportunity, 'FIRST_OFFER_SENT'),
      quote(shy, shyOpportunity, [{ name: 'Estate', category: 'ESTATE' }], new Date().toISOString()),
      stageChanged(shy, shyOpportunity, 'FIRST_OFFER_SENT'),
    );

    expect(await enrolments(keen)).toEqual([
      expect.objectContaining({
        status: 'ACTIVE',
        sequenceName: 'After the first offer',
        personalization: expect.objectContaining({
          opportunityId: keenOpportunity,
          productNames: ['Compact hatchback', 'Family SUV 7 seats', 'Family SUV hybrid', 'Estate'],
          categories: ['HATCHBACK', 'SUV', 'ESTATE'],
        }),
      }),
    ]);
    expect(await enrolments(shy)).toEqual([]);
  });
});

describe('a deal WON or LOST ends the sales journey (issue 12, point 3)', () => {
  const closed = (type: 'OpportunityWon' | 'OpportunityLost', customerId: string, opportunityId: string) =>
    catalogEvent(type, opportunityId, opportunitySnapshot({ opportunityId, customerId, status: type === 'OpportunityWon' ? 'WON' : 'LOST' }));
  const firstOffer = (customerId: string, opportunityId: string) => {
    const stageId = randomUUID();
    return catalogEvent('OpportunityStageChanged', opportunityId, {
      ...opportunitySnapshot({ opportunityId, customerId, stageId, stageName: 'First offer sent', marker: 'FIRST_OFFER_SENT' }),
      fromStageId: randomUUID(),
      toStageId: stageId,
      changedBy: 'test',
      followUpAt: null,
    });
  };
  const journey = async (customerId: string) =>
    (await enrolments(customerId)).map((e) => ({ sequence: e.sequenceName, status: e.status, exitReason: e.exitReason ?? null }));

  it('exits the welcome and the first-offer sequences of the won deal, each with SequenceExited', async () => {
    const [customerId, opportunityId] = [randomUUID(), randomUUID()];
    await handle(
      consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'),
      consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED'),
      resolved(customerId, `won.${randomUUID()}@example.com`),
      firstOffer(customerId, opportunityId),
    );
    expect((await journey(customerId)).map((e) => e.status)).toEqual(['ACTIVE', 'ACTIVE']);

    await handle(closed('OpportunityWon', customerId, opportunityId));
    expect(await journey(customerId)).toEqual(
      expect.arrayContaining([
        { sequence: 'Introduce the dealer', status: 'EXITED', exitReason: 'opportunity won' },
        { sequence: 'After the first offer', status: 'EXITED', exitReason: 'opportunity won' },
      ]),
    );
    const exited = await em().execute("select type from outbox_event where type = 'SequenceExited' and payload->>'customerId' = ?", [customerId]);
    expect(exited).toHaveLength(2);
  });

  it("keeps the first-offer newsletters of the customer's other, still open deal when one deal is lost", async () => {
    const [customerId, stillOpen, lostDeal] = [randomUUID(), randomUUID(), randomUUID()];
    await handle(consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED'), firstOffer(customerId, stillOpen), closed('OpportunityLost', customerId, lostDeal));
    expect(await journey(customerId)).toEqual([{ sequence: 'After the first offer', status: 'ACTIVE', exitReason: null }]);
    await handle(closed('OpportunityLost', customerId, stillOpen));
    expect(await journey(customerId)).toEqual([{ sequence: 'After the first offer', status: 'EXITED', exitReason: 'opportunity lost' }]);
  });
});
