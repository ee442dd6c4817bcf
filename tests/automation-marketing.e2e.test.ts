import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AnswerSurveyDocument,
  CreateCustomerDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  MarketingAutomationViewDocument,
  MarketingWebFormDocument,
  RecordInteractionsDocument,
  type MarketingAutomationViewQuery,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import {
  catalogEvent,
  consentChanged as consent,
  customerProfile,
  opportunitySnapshot,
  quoteSent,
  quoteSnapshot,
  caseSnapshot,
  rawEvent,
} from './helpers/events.js';
import { eventually } from './helpers/eventually.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const relay = `test-${randomUUID()}`;
const recorded = () => platform.outbound.sent;

/** Publishes events as if identity, sales or service had emitted them (see helpers/events.ts); returns their ids. */
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

function resolved(customerId: string, email: string, deviceIds: string[] = []) {
  const leadId = randomUUID();
  return catalogEvent('CustomerResolved', customerId, {
    customerId,
    created: false,
    matchedBy: ['EMAIL'],
    conflictingCustomerIds: [],
    leadId,
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

    const seen = await eventually(async () => {
      const v = await view(customerId);
      expect(enrolmentsOf(v)).toHaveLength(1);
      return v;
    });
    const interactions = interactionsOf(seen);
    expect(interactions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', channel: 'WEB', sourceSystem: 'identity', externalEventId: resolvedId }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: phone }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: laptop }),
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', sourceSystem: 'marketing' }),
      ]),
    );
    const [send] = sendsOf(seen);
    expect(send).toMatchObject({ status: 'SENT', purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', template: 'appointment-confirmation', recipient: email });
    expect(enrolmentsOf(seen)[0]).toMatchObject({ status: 'ACTIVE', sequence: { name: 'Introduce the dealer' } });

    const message = recorded().find((m) => m.to === email)!;
    expect(message.providerMessageId).toBe(send!.providerMessageId);
    expect(message.subject).toContain('Family SUV');
    expect(message.text).toContain('2026-12-03 09:30 UTC');
    expect(message.calendar).toContain('METHOD:REQUEST');
    expect(message.calendar).toContain(`UID:appointment-${form.payload.leadId}@crm`);
    expect(message.calendar).toContain('DTSTART:20261203T093000Z');
    expect(message.calendar).toContain('DTEND:20261203T103000Z');

    // The bus delivers at least once: the same event again changes nothing.
    const [again] = await publish({ ...form, id: resolvedId! });
    expect(again).toBe(resolvedId);
    const sentinel = await publish(consent(customerId, 'PROFILING', 'EMAIL', 'GRANTED'));
    await processed('marketing.journey', sentinel[0]!);
    const after = await view(customerId);
    expect(sendsOf(after)).toHaveLength(1);
    expect(enrolmentsOf(after)).toHaveLength(1);
    expect(recorded().filter((m) => m.to === email)).toHaveLength(1);
  });

  it('does not enrol a customer without marketing e-mail consent, but still confirms the request', async () => {
    const customerId = await createCustomer('Eva');
    const email = `eva.${randomUUID()}@example.com`;
    const [, , , resolvedId] = await publish(
      consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'),
      consent(customerId, 'MARKETING', 'ANY', 'GRANTED'),
      consent(customerId, 'MARKETING', 'EMAIL', 'WITHDRAWN'), // the channel's own decision wins over ANY
      resolved(customerId, email),
    );
    await processed('marketing.journey', resolvedId!);
    const v = await view(customerId);
    expect(sendsOf(v).map((s) => s.status)).toEqual(['SENT']);
    expect(v.sequenceEnrolments!.totalCount).toBe(0);
  });

  it('suppresses the e-mail without SERVICE_COMMUNICATION consent: recorded, never sent, not on the timeline', async () => {
    const customerId = await createCustomer('Petr');
    const email = `petr.${randomUUID()}@example.com`;
    const [resolvedId] = await publish(resolved(customerId, email));
    await processed('marketing.journey', resolvedId!);
    const v = await view(customerId);
    expect(sendsOf(v)).toEqual([expect.objectContaining({ status: 'SUPPRESSED_NO_CONSENT', purpose: 'SERVICE_COMMUNICATION', providerMessageId: null })]);
    expect(interactionsOf(v).map((i) => i.type)).toEqual(['FORM_SUBMIT']);
    expect(v.sequenceEnrolments!.totalCount).toBe(0);
    expect(recorded().some((m) => m.to === email)).toBe(false);
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

describe('projections from identity and sales events', () => {
  it('keeps profile, consent and opportunity state, and a replayed older event never overwrites newer data', async () => {
    const customerId = randomUUID();
    const opportunityId = randomUUID();
    const stageId = randomUUID();
    const t = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 10, minutes)).toISOString();
    const profile = (firstName: string, jobTitle: string) =>
      customerProfile({ customerId, firstName, lastName: 'Novák', birthDate: '1985-04-12', gender: 'male', jobTitle });
    type Marker = Parameters<typeof opportunitySnapshot>[0]['marker'];
    const opportunity = (status: 'OPEN' | 'WON' | 'LOST', stageName: string, marker: Marker, amount: string) =>
      opportunitySnapshot({ opportunityId, customerId, stageId, stageName, marker, status, amount: { amount, currency: 'CZK' } });
    const moved = { fromStageId: null, toStageId: stageId, changedBy: 'test', followUpAt: null };
    const ids = await publish(
      catalogEvent('CustomerCreated', customerId, { ...profile('Jan', 'Engineer'), identifiers: [] }, t(1)),
      catalogEvent('CustomerChanged', customerId, { ...profile('Jan', 'Chief engineer'), changedFields: ['jobTitle'], values: {} }, t(5)),
      catalogEvent('CustomerChanged', customerId, { ...profile('Honza', 'Intern'), changedFields: ['firstName'], values: {} }, t(3)), // late
      consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED', t(5)),
      consent(customerId, 'MARKETING', 'EMAIL', 'WITHDRAWN', t(2)), // late
      catalogEvent('OpportunityCreated', opportunityId, opportunity('OPEN', 'New inquiry', 'NEW_INQUIRY', '0'), t(1)),
      catalogEvent('OpportunityStageChanged', opportunityId, { ...opportunity('OPEN', 'First offer sent', 'FIRST_OFFER_SENT', '1250000.50'), ...moved }, t(6)),
      catalogEvent('OpportunityChanged', opportunityId, { ...opportunity('OPEN', 'New inquiry', 'NEW_INQUIRY', '9'), changedFields: ['amount'] }, t(4)), // late
    );
    await processed('marketing.journey', ids.at(-1)!);

    const [p] = await marketingSql<Record<string, unknown>>('select first_name, job_title, kind, gender, birth_date from customer_profile where id = ?', [
      customerId,
    ]);
    expect(p).toMatchObject({ first_name: 'Jan', job_title: 'Chief engineer', kind: 'PERSON', gender: 'male' });
    expect(String(p!.birth_date)).toContain('1985');
    const consents = await marketingSql<Record<string, unknown>>('select purpose, channel, granted from consent_state where customer_id = ?', [customerId]);
    expect(consents).toEqual([{ purpose: 'MARKETING', channel: 'EMAIL', granted: true }]);
    const [o] = await marketingSql<Record<string, unknown>>('select * from opportunity_state where id = ?', [opportunityId]);
    expect(o).toMatchObject({
      customer_id: customerId,
      is_open: true,
      stage_id: stageId,
      stage_name: 'First offer sent',
      marker: 'FIRST_OFFER_SENT',
      status: 'OPEN',
      amount: '1250000.50',
      currency: 'CZK',
    });

    const [won] = await publish(catalogEvent('OpportunityWon', opportunityId, opportunity('WON', 'Ordered', 'ORDERED', '1250000.50'), t(9)));
    await processed('marketing.journey', won!);
    const [closed] = await marketingSql<Record<string, unknown>>('select is_open, status from opportunity_state where id = ?', [opportunityId]);
    expect(closed).toEqual({ is_open: false, status: 'WON' });
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

  it('enrols with the products of the latest quote sent, with marketing e-mail consent only', async () => {
    const [keen, shy] = [await createCustomer('Keen'), await createCustomer('Shy')];
    const [keenOpportunity, shyOpportunity] = [randomUUID(), randomUUID()];
    const ids = await publish(
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
    await processed('marketing.journey', ids.at(-1)!);

    const enrolments = enrolmentsOf(await view(keen));
    expect(enrolments).toHaveLength(1);
    expect(enrolments[0]).toMatchObject({
      status: 'ACTIVE',
      sequence: { name: 'After the first offer' },
      personalization: { opportunityId: keenOpportunity, productNames: ['Family SUV 7 seats', 'Family SUV hybrid', 'Estate'], categories: ['SUV', 'ESTATE'] },
    });
    expect((await view(shy)).sequenceEnrolments!.totalCount).toBe(0);
  });
});

describe('omnichannel timeline from other domains (Story 1, step 5 and 8)', () => {
  it('records calls, meetings, quotes and case messages once each, under the bus event id', async () => {
    const customerId = await createCustomer('Timeline');
    const activity = (kind: string, of = customerId) => {
      const activityId = randomUUID();
      return catalogEvent('ActivityCreated', activityId, {
        activityId,
        kind,
        type: kind,
        customerId: of,
        leadId: null,
        opportunityId: null,
        ownerId: randomUUID(),
        subject: `${kind} about the SUV`,
        dueAt: null,
        reminderAt: null,
        occurredAt: '2026-11-14T09:00:00.000Z',
        completedAt: null,
      });
    };
    const quoteId = randomUUID();
    const quote = quoteSnapshot({ quoteId, customerId, products: [{ productId: randomUUID(), name: 'Family SUV', category: 'SUV' }] });
    const caseId = randomUUID();
    const message = (body: string) => ({
      ...caseSnapshot({ caseId, customerId, channel: 'PHONE' }),
      messageId: randomUUID(),
      messageChannel: 'CHAT',
      direction: 'INBOUND',
      body,
      sentAt: new Date().toISOString(),
      changedFields: [],
    });
    const [call, ...rest] = [activity('CALL'), activity('MEETING'), activity('TASK'), quoteSent(quote)];
    const ids = await publish(
      call!,
      ...rest,
      catalogEvent('QuoteViewed', quoteId, { ...quote, viewedAt: new Date().toISOString(), channel: 'EMAIL_LINK' }),
      // An internal note never reaches the customer's timeline.
      catalogEvent('CaseMessageAdded', caseId, { ...message('Customer seems upset'), direction: 'INTERNAL_NOTE' }),
      catalogEvent('CaseMessageAdded', caseId, message('The AC blows warm air')),
    );
    await processed('marketing.timeline', ids.at(-1)!);
    // Delivered again (at least once): nothing new. The call for someone else comes after them on the bus.
    const [, , later] = await publish({ ...call!, id: ids[0]! }, { ...quoteSent(quote), id: ids[3]! }, activity('CALL', randomUUID()));
    await processed('marketing.timeline', later!);

    const expected = [
      { id: ids[0], channel: 'PHONE', type: 'CALL', sourceSystem: 'sales' },
      { id: ids[1], channel: 'IN_STORE', type: 'MEETING', sourceSystem: 'sales' },
      { id: ids[3], channel: 'EMAIL', type: 'QUOTE_SENT', sourceSystem: 'sales' },
      { id: ids[4], channel: 'WEB', type: 'QUOTE_VIEWED', sourceSystem: 'sales' },
      { id: ids[6], channel: 'CHAT', type: 'CASE_MESSAGE', sourceSystem: 'service' },
    ];
    const interactions = interactionsOf(await view(customerId));
    expect(interactions).toHaveLength(expected.length);
    for (const { id, ...rest } of expected) {
      expect(interactions).toContainEqual(expect.objectContaining({ ...rest, externalEventId: id }));
    }
    expect(interactions.find((i) => i.type === 'CASE_MESSAGE')!.properties).toMatchObject({ caseId, text: 'The AC blows warm air', direction: 'INBOUND' });
    expect(interactions.find((i) => i.type === 'QUOTE_SENT')!.properties).toMatchObject({ quoteId, products: ['Family SUV'] });
  });
});

describe('CustomerMerged moves marketing rows to the survivor', () => {
  it("shows the merged customer's interactions, sends, enrolments, surveys and consents on the survivor", async () => {
    const [survivor, merged] = [await createCustomer('Survivor'), await createCustomer('Merged')];
    const [resolvedId] = await publish(
      consent(merged, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'),
      resolved(merged, `merged.${randomUUID()}@example.com`),
    ).then((ids) => ids.slice(1));
    await processed('marketing.journey', resolvedId!);
    const { createSequence } = await gql(CreateSequenceDocument, {
      input: { name: `Merge test ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'hello', delayHours: 0 }] },
    });
    await gql(EnrolInSequenceDocument, { input: { sequenceId: createSequence.id, customerId: merged } });
    await gql(AnswerSurveyDocument, { input: { customerId: merged, score: 10, channel: 'EMAIL' } });

    const [mergedId] = await publish(catalogEvent('CustomerMerged', survivor, { survivorId: survivor, mergedId: merged, movedIdentifiers: 0 }));
    await processed('marketing.customer-merge', mergedId!);

    const v = await view(survivor);
    expect(
      interactionsOf(v)
        .map((i) => i.type)
        .sort(),
    ).toEqual(['FORM_SUBMIT', 'MESSAGE_SENT', 'SURVEY_RESPONSE']);
    expect(sendsOf(v)).toHaveLength(1);
    expect(enrolmentsOf(v)).toHaveLength(1);
    for (const table of ['interaction', 'message_send', 'sequence_enrolment', 'survey_response', 'consent_state']) {
      const [row] = await marketingSql<{ n: string }>(`select count(*) as n from ${table} where customer_id = ?`, [merged]);
      expect([table, Number(row!.n)]).toEqual([table, 0]);
    }
    const consents = await marketingSql<{ purpose: string }>('select purpose from consent_state where customer_id = ?', [survivor]);
    expect(consents.map((c) => c.purpose)).toEqual(['SERVICE_COMMUNICATION']);
  });
});

describe('the new Customer fields', () => {
  it('refuse bad page arguments with BAD_USER_INPUT', async () => {
    const customerId = await createCustomer('Paging');
    const result = await execute(platform.gatewayUrl, MarketingAutomationViewDocument, { id: customerId });
    expect(result.errors).toBeUndefined();
    const bad = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: platform.admin.authorization },
      body: JSON.stringify({
        query: `{ customer(id: "${customerId}") { messageSends(first: -1) { totalCount } sequenceEnrolments(first: -1) { totalCount } } }`,
      }),
    });
    expect(errorCodes((await bad.json()) as never)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
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
    const v = await eventually(async () => {
      const found = await view(customerId);
      expect(enrolmentsOf(found)).toHaveLength(1);
      return found;
    });
    expect(sendsOf(v)).toEqual([expect.objectContaining({ status: 'SENT', template: 'appointment-confirmation', recipient: email })]);
    expect(interactionsOf(v)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', sourceSystem: 'identity' }),
        expect.objectContaining({ type: 'PAGE_VIEW', anonymousId: device }),
      ]),
    );
    expect(recorded().find((m) => m.to === email)!.calendar).toContain(`DTSTART:${slot.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`);
  });
});
