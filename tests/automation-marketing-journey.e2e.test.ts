import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  MarketingAutomationViewDocument,
  MarketingWebFormDocument,
  RecordInteractionsDocument,
  type MarketingAutomationViewQuery,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import { catalogEvent, consentChanged as consent, rawEvent } from './helpers/events.js';
import { eventually } from './helpers/eventually.js';

// Story 1, steps 1–3, across services: identity's CustomerResolved reaching marketing over the bus (delivered at least
// once, or broken), and the whole chain from sales' web form through identity, on the Customer through the gateway.
// The journey's rules (consents, suppression, the .ics, the first-offer newsletters) are tested on marketing's own
// database (subgraphs/marketing/test/journey.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const relay = `test-${randomUUID()}`;
const recorded = () => platform.outbound.sent;

/** Publishes events as if identity had emitted them (see helpers/events.ts); returns their ids. */
async function publish(...events: OutgoingEvent[]): Promise<string[]> {
  await platform.bus.publish(relay, events, randomUUID());
  return events.map((e) => e.id);
}

const marketingSql = <T>(sql: string, params: unknown[] = []) => platform.subgraphs.marketing.orm.em.fork().execute<T[]>(sql, params);

/** Waits until the consumer has applied the event (its effect, if any, committed with this mark). */
const processed = (consumer: string, eventId: string) =>
  eventually(async () => {
    const rows = await marketingSql('select 1 from processed_event where consumer = ? and event_id = ?', [consumer, eventId]);
    expect(rows).toHaveLength(1);
  });

async function createCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName: 'Automation', emails: [], phones: [] } });
  return createCustomer.id;
}

type View = NonNullable<MarketingAutomationViewQuery['customer']>;
const view = async (id: string): Promise<View> => (await gql(MarketingAutomationViewDocument, { id })).customer!;
const interactionsOf = (v: View) => v.interactions!.edges.map((e) => e.node);
const sendsOf = (v: View) => v.messageSends!.edges.map((e) => e.node);
const enrolmentsOf = (v: View) => v.sequenceEnrolments!.edges.map((e) => e.node);

const resolved = (customerId: string, email: string, deviceIds: string[] = []) =>
  catalogEvent('CustomerResolved', customerId, {
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

describe("identity's CustomerResolved over the bus", () => {
  it('confirms the web form, links both devices and enrols with marketing consent, once however often it is delivered', async () => {
    const customerId = await createCustomer('Jan');
    const [phone, laptop] = [`device-${randomUUID()}`, `device-${randomUUID()}`];
    await gql(RecordInteractionsDocument, {
      input: [
        { anonymousId: phone, channel: 'WEB', type: 'PAGE_VIEW', sourceSystem: 'website', properties: { url: '/models/family-suv' } },
        { anonymousId: laptop, channel: 'WEB', type: 'PAGE_VIEW', sourceSystem: 'website', properties: { url: '/models/family-suv/financing' } },
      ],
    });
    const email = `jan.${randomUUID()}@example.com`;
    const form = resolved(customerId, email, [phone, laptop]);
    const [, , resolvedId] = await publish(
      consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'),
      consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED'),
      form,
    );

    // The confirmation leaves through marketing's job; the welcome sequence's first step (due at once) is queued too,
    // and suppressed: this customer has no e-mail address in identity (the form's address is the confirmation's only).
    const seen = await eventually(async () => {
      const v = await view(customerId);
      expect(enrolmentsOf(v)).toHaveLength(1);
      expect(
        sendsOf(v)
          .map((s) => [s.template, s.status])
          .sort(),
      ).toEqual([
        ['appointment-confirmation', 'SENT'],
        ['welcome-from-your-dealer', 'SUPPRESSED'],
      ]);
      return v;
    });
    expect(interactionsOf(seen)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', channel: 'WEB', sourceSystem: 'identity', externalEventId: resolvedId }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: phone }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: laptop }),
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', sourceSystem: 'marketing' }),
      ]),
    );
    const send = sendsOf(seen).find((s) => s.template === 'appointment-confirmation');
    expect(send).toMatchObject({ status: 'SENT', purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', template: 'appointment-confirmation', recipient: email });
    expect(enrolmentsOf(seen)[0]).toMatchObject({ status: 'ACTIVE', sequence: { name: 'Introduce the dealer' } });
    const message = recorded().find((m) => m.to === email)!;
    expect(message.providerMessageId).toBe(send!.providerMessageId);
    expect(message.calendar).toContain(`UID:appointment-${form.payload.leadId}@crm`);

    // The bus delivers at least once: the same event again changes nothing.
    const [again] = await publish({ ...form, id: resolvedId! });
    expect(again).toBe(resolvedId);
    const sentinel = await publish(consent(customerId, 'PROFILING', 'EMAIL', 'GRANTED'));
    await processed('marketing.journey', sentinel[0]!);
    const after = await view(customerId);
    expect(sendsOf(after)).toHaveLength(2);
    expect(enrolmentsOf(after)).toHaveLength(1);
    expect(recorded().filter((m) => m.to === email)).toHaveLength(1);
  });

  it('sets a CustomerResolved that breaks its contract aside as a dead letter and goes on with the next event', async () => {
    const customerId = await createCustomer('Later');
    const [broken, valid] = await publish(
      rawEvent('identity', 'CustomerResolved', 'x', { customerId: 'not-a-uuid', leadId: randomUUID(), email: 'x@example.com', deviceIds: [] }),
      resolved(customerId, `later.${randomUUID()}@example.com`),
    );
    await processed('marketing.journey', valid!);
    const letters = await marketingSql<{ reason: string }>('select reason from dead_letter where consumer = ? and event_id = ?', ['marketing.journey', broken]);
    expect(letters).toEqual([{ reason: expect.stringMatching(/^CustomerResolved customerId: Invalid GUID/) }]);
    expect(await marketingSql('select 1 from processed_event where event_id = ?', [broken])).toEqual([]);
    expect(sendsOf(await view(customerId))).toHaveLength(1);
  });
});

describe('end to end through the real producers (sales web form → identity → marketing)', () => {
  it('confirms a submitted web form, links the device and enrols with the consent given on the form', async () => {
    const device = `device-${randomUUID()}`;
    await gql(RecordInteractionsDocument, {
      input: [{ anonymousId: device, channel: 'WEB', type: 'PAGE_VIEW', sourceSystem: 'website', properties: { url: '/models/family-suv' } }],
    });
    const email = `web.${randomUUID()}@example.com`;
    const slot = new Date(Date.now() + 3 * 86_400_000);
    slot.setUTCMinutes(0, 0, 0);
    await gql(MarketingWebFormDocument, {
      input: {
        formKey: platform.webFormKey,
        submissionId: randomUUID(),
        firstName: 'Web',
        lastName: 'Visitor',
        email,
        deviceIds: [device],
        requestedAppointment: slot.toISOString(),
        interest: { model: 'Family SUV' },
        consents: [
          { purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, textVersion: 'v3' },
          { purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' },
        ],
      },
    });
    const customerId = await eventually(async () => {
      const [row] = await marketingSql<{ customer_id: string }>('select customer_id from message_send where recipient = ?', [email]);
      expect(row).toBeDefined();
      return row!.customer_id;
    }, 30_000);
    // The confirmation, and the welcome sequence's first e-mail to the address the form gave identity.
    const v = await eventually(async () => {
      const found = await view(customerId);
      expect(enrolmentsOf(found)).toHaveLength(1);
      expect(
        sendsOf(found)
          .map((s) => [s.template, s.status, s.recipient])
          .sort(),
      ).toEqual([
        ['appointment-confirmation', 'SENT', email],
        ['welcome-from-your-dealer', 'SENT', email],
      ]);
      return found;
    });
    expect(interactionsOf(v)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', sourceSystem: 'identity' }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: device }),
      ]),
    );
    expect(recorded().find((m) => m.to === email && m.calendar)!.calendar).toContain(`DTSTART:${slot.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`);
  });
});
