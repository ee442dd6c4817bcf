import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SubgraphName } from '@crm/kit/config.js';
import {
  AddQuoteLineDocument,
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateLeadRoutingRuleDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  CustomerProfileDocument,
  CustomerSalesRowsDocument,
  FollowUpsDocument,
  LeadRoutingRulesDocument,
  MarkQuoteViewedDocument,
  MergeCustomersDocument,
  MoveOpportunityDocument,
  OwnerOpportunityChangedDocument,
  ResolveCustomerDocument,
  SendQuoteDocument,
  SubmitWebFormDocument,
  WebFormLeadDocument,
  type WebFormInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';
import { eventually } from './helpers/eventually.js';

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const DAY = 24 * 3600_000;
const CZK = (amount: string) => ({ amount, currency: 'CZK' });
const unique = () => randomUUID().slice(0, 8);

interface StoredEvent {
  type: string;
  aggregate_id: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

function outbox(subgraph: SubgraphName, where: string, params: unknown[]): Promise<StoredEvent[]> {
  return platform.subgraphs[subgraph].orm.em
    .getConnection()
    .execute(`select type, aggregate_id, occurred_at, payload from outbox_event where ${where} order by position`, params);
}
const eventsOf = (subgraph: SubgraphName, aggregateId: string) => outbox(subgraph, 'aggregate_id = ?', [aggregateId]);

function webForm(overrides: Partial<WebFormInput> = {}): WebFormInput {
  const id = unique();
  return {
    formKey: platform.webFormKey,
    submissionId: `sub-${id}`,
    firstName: 'Jana',
    lastName: 'Dvořáková',
    email: `jana.${id}@example.cz`,
    phone: `+420 777 ${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
    deviceIds: [],
    consents: [{ purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' }],
    requestedAppointment: new Date(Date.now() + 5 * DAY).toISOString(),
    region: `Nowhere-${id}`,
    pageUrl: 'https://dealer.example.cz/kodiaq',
    ...overrides,
  };
}

async function newProduct(category: 'CAR' | 'INSURANCE' = 'CAR') {
  const sku = `AUTO-${unique()}`;
  return (await executeOk(url, CreateProductDocument, { input: { sku, name: `Car ${sku}`, category, listPrice: CZK('799900.00') } })).createProduct;
}

async function newCustomer(firstName: string) {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Auto', emails: [`${firstName.toLowerCase()}-${unique()}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

async function newOfferPipeline() {
  const stages = [
    { name: 'Inquiry', probability: 10 },
    { name: 'Offer sent', probability: 50, marker: 'FIRST_OFFER_SENT' as const },
    { name: 'Won', probability: 100, isWon: true, marker: 'ORDERED' as const },
    { name: 'Lost', probability: 0, isLost: true, marker: 'LOST' as const },
  ];
  return (await executeOk(url, CreatePipelineDocument, { input: { name: `Automation ${unique()}`, stages } })).createPipeline;
}

async function leadOf(id: string) {
  return (await executeOk(url, WebFormLeadDocument, { id })).lead;
}

describe('web-form intake (DOMAIN Story 1 steps 2–4)', () => {
  it('creates the lead; identity attaches the anonymous devices to the person and records the consents', async () => {
    // An anonymous visitor known only by a phone's device id (Story 1 step 1).
    const phoneDevice = `device-a-${unique()}`;
    const laptopDevice = `device-b-${unique()}`;
    const { resolveCustomer: anonymous } = await executeOk(url, ResolveCustomerDocument, {
      input: { identifiers: [{ kind: 'DEVICE', value: phoneDevice }] },
    });
    const form = webForm({ deviceIds: [phoneDevice, laptopDevice] });

    const { submitWebForm: lead } = await executeOk(url, SubmitWebFormDocument, { input: form });
    expect(lead).toMatchObject({
      source: 'WEB_FORM',
      status: 'NEW',
      submissionId: form.submissionId,
      contactName: 'Jana Dvořáková',
      contactEmail: form.email,
      region: form.region,
      pageUrl: form.pageUrl,
      requestedAppointment: form.requestedAppointment,
    });
    const [submitted] = (await eventsOf('sales', lead.id)).filter((e) => e.type === 'WebFormSubmitted');
    expect(submitted?.payload).toEqual({
      leadId: lead.id,
      aggregateVersion: 1,
      eventVersion: 1,
      submissionId: form.submissionId,
      contact: { firstName: 'Jana', lastName: 'Dvořáková', email: form.email, phone: expect.stringMatching(/^\+420777\d{6}$/) },
      deviceIds: [phoneDevice, laptopDevice],
      consents: [
        { purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' },
        { purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, textVersion: 'web-form-contact-request' },
      ],
      source: 'web-form',
      requestedAppointment: form.requestedAppointment,
      interest: { productId: null, model: null },
      region: form.region,
      pageUrl: form.pageUrl,
    });

    // The lead is linked to the anonymous customer, who now has the name, e-mail, phone and both devices.
    await eventually(async () => expect((await leadOf(lead.id)).customer?.id).toBe(anonymous.customer.id));
    const { customer } = await executeOk(url, CustomerProfileDocument, { id: anonymous.customer.id });
    expect(customer).toMatchObject({ firstName: 'Jana', lastName: 'Dvořáková', emails: [form.email] });
    expect(
      customer
        ?.identifiers!.filter((i) => i.kind === 'DEVICE')
        .map((i) => i.value)
        .sort(),
    ).toEqual([phoneDevice, laptopDevice].sort());
    expect(customer?.consents.map((c) => [c.purpose, c.channel, c.status, c.source, c.textVersion]).sort()).toEqual([
      ['MARKETING', 'EMAIL', 'GRANTED', 'web-form', 'v3'],
      ['SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED', 'web-form', 'web-form-contact-request'],
    ]);

    const identityEvents = await eventsOf('identity', anonymous.customer.id);
    const resolved = identityEvents.filter((e) => e.type === 'CustomerResolved').at(-1);
    expect(resolved?.payload).toMatchObject({
      customerId: anonymous.customer.id,
      created: false,
      leadId: lead.id,
      email: form.email,
      phone: expect.stringMatching(/^\+420/),
      deviceIds: [phoneDevice, laptopDevice],
      requestedAppointment: form.requestedAppointment,
      interest: { productId: null, model: null },
      firstName: 'Jana',
      lastName: 'Dvořáková',
    });
    expect(identityEvents.find((e) => e.type === 'ConsentChanged')?.payload).toMatchObject({
      customerId: anonymous.customer.id,
      purpose: 'MARKETING',
      channel: 'EMAIL',
      status: 'GRANTED',
      source: 'web-form',
      textVersion: 'v3',
      recordedAt: expect.any(String),
    });
    const profileKeys = { organizationName: null, birthDate: null, gender: null, industry: null, companySize: null, jobTitle: null };
    expect(identityEvents.find((e) => e.type === 'CustomerCreated')?.payload).toMatchObject({
      customerId: anonymous.customer.id,
      kind: 'PERSON',
      firstName: null,
      lastName: null,
      ...profileKeys,
    });
    expect(identityEvents.find((e) => e.type === 'CustomerChanged')?.payload).toMatchObject({
      customerId: anonymous.customer.id,
      kind: 'PERSON',
      firstName: 'Jana',
      lastName: 'Dvořáková',
      ...profileKeys,
      changedFields: ['firstName', 'lastName'],
    });
    // Consents go to identity before the resolution is announced.
    expect(identityEvents.map((e) => e.type).lastIndexOf('CustomerResolved')).toBeGreaterThan(identityEvents.map((e) => e.type).lastIndexOf('ConsentChanged'));
  });

  it('scores the lead, routes it to the candidate rep with the most free capacity and plans the follow-up', async () => {
    const region = `Kolin-${unique()}`;
    const [busyRep, freeRep, otherRep] = [randomUUID(), randomUUID(), randomUUID()];
    const product = await newProduct('CAR');
    const { createLeadRoutingRule: rule } = await executeOk(url, CreateLeadRoutingRuleDocument, {
      input: { name: `${region} cars`, regionPrefix: region, productCategory: 'CAR', candidateUserIds: [busyRep, freeRep], capacityPerRep: 3, priority: 5 },
    });
    expect(rule).toMatchObject({ regionPrefix: region, productCategory: 'CAR', candidateUserIds: [busyRep, freeRep], active: true });
    // A lower-priority rule for the same region must not win.
    await executeOk(url, CreateLeadRoutingRuleDocument, {
      input: { name: `${region} fallback`, regionPrefix: region, candidateUserIds: [otherRep], priority: 1 },
    });
    for (let i = 0; i < 2; i++) await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: `Busy ${i}`, ownerId: busyRep } });
    const rules = await executeOk(url, LeadRoutingRulesDocument, { first: 2 });
    expect(rules.leadRoutingRules.edges.map((e) => e.node.name)).toEqual([`${region} fallback`, `${region} cars`]);

    const appointment = new Date(Date.now() + 3 * DAY);
    const { submitWebForm: submitted } = await executeOk(url, SubmitWebFormDocument, {
      input: webForm({
        region: `${region} 2`,
        requestedAppointment: appointment.toISOString(),
        interest: { productId: product.id, model: 'Kodiaq Sportline' },
      }),
    });
    expect(submitted).toMatchObject({ interest: 'Kodiaq Sportline', interestProduct: { id: product.id }, owner: null, score: 0 });

    const lead = await eventually(async () => {
      const current = await leadOf(submitted.id);
      expect(current.owner?.id).toBe(freeRep);
      return current;
    });
    expect(lead.score).toBe(20 + 35 + 25 + 10); // LEAD_SCORING: web form, appointment, product, region
    expect(lead.assignmentReason).toBe(`rule "${region} cars": 3 of 3 open-lead slots were free`);

    const events = await eventsOf('sales', lead.id);
    expect(events.find((e) => e.type === 'LeadScored')?.payload).toMatchObject({
      leadId: lead.id,
      customerId: lead.customer?.id,
      score: 90,
      signals: [
        { signal: 'source:WEB_FORM', points: 20 },
        { signal: 'requestedAppointment', points: 35 },
        { signal: 'productInterest', points: 25 },
        { signal: 'regionKnown', points: 10 },
      ],
    });
    expect(events.find((e) => e.type === 'LeadAssigned')?.payload).toMatchObject({
      leadId: lead.id,
      customerId: lead.customer?.id,
      ownerId: freeRep,
      reason: lead.assignmentReason,
    });

    const task = await eventually(async () => {
      const { activities } = await executeOk(url, FollowUpsDocument, { filter: { leadId: lead.id } });
      expect(activities.totalCount).toBe(1);
      return activities.edges[0]!.node;
    });
    expect(task).toMatchObject({
      type: 'TASK',
      subject: 'Follow up web-form request',
      dueAt: new Date(appointment.getTime() - DAY).toISOString(),
      reminderAt: new Date(appointment.getTime() - DAY - 3600_000).toISOString(),
      done: false,
      owner: { id: freeRep },
      customer: { id: lead.customer?.id },
    });
    const [created] = await eventsOf('sales', task.id);
    expect(created?.payload).toMatchObject({
      activityId: task.id,
      kind: 'TASK',
      customerId: lead.customer?.id,
      leadId: lead.id,
      opportunityId: null,
      ownerId: freeRep,
      subject: 'Follow up web-form request',
      dueAt: task.dueAt,
      occurredAt: null,
    });
  });

  it('leaves a lead no rule matches unassigned, saying why, with an unowned follow-up within 4 hours', async () => {
    const { submitWebForm: submitted } = await executeOk(url, SubmitWebFormDocument, { input: webForm({ requestedAppointment: null }) });
    const lead = await eventually(async () => {
      const current = await leadOf(submitted.id);
      expect(current.assignmentReason).toBeTruthy();
      return current;
    });
    expect(lead).toMatchObject({
      owner: null,
      score: 20 + 10,
      assignmentReason: 'no routing rule matches the region and product; no default queue is configured',
    });
    const { activities } = await eventually(async () => {
      const found = await executeOk(url, FollowUpsDocument, { filter: { leadId: lead.id } });
      expect(found.activities.totalCount).toBe(1);
      return found;
    });
    const dueIn = new Date(activities.edges[0]!.node.dueAt!).getTime() - Date.now();
    expect(dueIn).toBeGreaterThan(3.5 * 3600_000);
    expect(dueIn).toBeLessThanOrEqual(4 * 3600_000);
    expect(activities.edges[0]!.node.owner).toBeNull();
  });

  it('returns the same lead for a retried submission, refuses one with other data, and emits nothing new', async () => {
    const form = webForm();
    const first = (await executeOk(url, SubmitWebFormDocument, { input: form })).submitWebForm;
    const retry = (await executeOk(url, SubmitWebFormDocument, { input: form })).submitWebForm;
    expect(retry).toMatchObject({ id: first.id, contactName: 'Jana Dvořáková', region: form.region });
    const changed = await execute(url, SubmitWebFormDocument, { input: { ...form, firstName: 'Changed', region: 'Elsewhere' } });
    expect(changed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const submissions = await outbox('sales', `type = 'WebFormSubmitted' and payload->>'submissionId' = ?`, [form.submissionId]);
    expect(submissions).toHaveLength(1);
    const leads = await platform.subgraphs.sales.orm.em.getConnection().execute('select id from sales_lead where submission_id = ?', [form.submissionId]);
    expect(leads).toHaveLength(1);
  });

  it('rejects a submission that cannot be followed up, creating nothing', async () => {
    const before = (await outbox('sales', `type = 'WebFormSubmitted'`, [])).length;
    const cases: Array<[Partial<WebFormInput>, RegExp]> = [
      [{ email: null, phone: '  ' }, /e-mail or a phone/],
      [{ email: 'not-an-email' }, /not a valid e-mail/],
      [{ phone: '12' }, /not a valid phone/],
      [{ requestedAppointment: new Date(Date.now() - 3600_000).toISOString() }, /requestedAppointment must be in the future/],
      [
        {
          consents: [
            { purpose: 'MARKETING', channel: 'SMS', granted: true, textVersion: 'v1' },
            { purpose: 'MARKETING', channel: 'SMS', granted: false, textVersion: 'v1' },
          ],
        },
        /given twice/,
      ],
      [{ consents: [{ purpose: 'MARKETING', channel: 'SMS', granted: true, textVersion: '' }] }, /Argument Validation Error|textVersion/],
      [{ interest: { productId: randomUUID() } }, /not in the catalogue/],
      [{ submissionId: '' }, /Argument Validation Error|submissionId/],
    ];
    for (const [overrides, message] of cases) {
      const result = await execute(url, SubmitWebFormDocument, { input: webForm(overrides) });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    expect(await outbox('sales', `type = 'WebFormSubmitted'`, [])).toHaveLength(before);
  });
});

describe('opportunity automations (DOMAIN Story 1 steps 7–8)', () => {
  it('plans the call at followUpAt when the first offer is sent, with every Opportunity* event carrying the snapshot', async () => {
    const owner = randomUUID();
    const customerId = await newCustomer('Offer');
    const pipeline = await newOfferPipeline();
    const offer = pipeline.stages.find((s) => s.marker === 'FIRST_OFFER_SENT')!;
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId, pipelineId: pipeline.id, title: 'Family SUV', amount: CZK('899900.00'), ownerId: owner },
    });
    const past = await execute(url, MoveOpportunityDocument, {
      id: opportunity.id,
      version: opportunity.version,
      stageId: offer.id,
      followUpAt: new Date(Date.now() - DAY).toISOString(),
    });
    expect(errorCodes(past)).toEqual(['BAD_USER_INPUT']);

    const followUpAt = new Date(Date.now() + 4 * DAY);
    followUpAt.setUTCHours(9, 0, 0, 0);
    const { moveOpportunity: moved } = await executeOk(url, MoveOpportunityDocument, {
      id: opportunity.id,
      version: opportunity.version,
      stageId: offer.id,
      followUpAt: followUpAt.toISOString(),
    });
    expect(moved.nextContactAt).toBe(followUpAt.toISOString());

    const call = await eventually(async () => {
      const { activities } = await executeOk(url, FollowUpsDocument, { filter: { opportunityId: opportunity.id } });
      expect(activities.totalCount).toBe(1);
      return activities.edges[0]!.node;
    });
    expect(call).toMatchObject({
      type: 'CALL',
      dueAt: followUpAt.toISOString(),
      reminderAt: new Date(followUpAt.getTime() - 30 * 60_000).toISOString(),
      owner: { id: owner },
      customer: { id: customerId },
      done: false,
    });

    const snapshot = {
      opportunityId: opportunity.id,
      customerId,
      pipelineId: pipeline.id,
      ownerId: owner,
      status: 'OPEN',
      amount: CZK('899900.00'),
    };
    const events = await eventsOf('sales', opportunity.id);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
    expect(events[0]?.payload).toMatchObject({ ...snapshot, stageId: pipeline.stages[0]!.id, stageName: 'Inquiry', marker: null });
    expect(events[1]?.payload).toMatchObject({
      ...snapshot,
      stageId: offer.id,
      stageName: 'Offer sent',
      marker: 'FIRST_OFFER_SENT',
      fromStageId: pipeline.stages[0]!.id,
      followUpAt: followUpAt.toISOString(),
    });
  });

  it('plans the call 3 days later at 10:00 UTC when no date was agreed', async () => {
    const customerId = await newCustomer('Default');
    const pipeline = await newOfferPipeline();
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId, pipelineId: pipeline.id, title: 'Estate car', amount: CZK('749900.00') },
    });
    await executeOk(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: pipeline.stages[1]!.id });
    const call = await eventually(async () => {
      const { activities } = await executeOk(url, FollowUpsDocument, { filter: { opportunityId: opportunity.id } });
      expect(activities.totalCount).toBe(1);
      return activities.edges[0]!.node;
    });
    const [, moved] = await eventsOf('sales', opportunity.id);
    const expected = new Date(new Date(moved!.occurred_at).getTime() + 3 * DAY);
    expected.setUTCHours(10, 0, 0, 0);
    expect(call).toMatchObject({ type: 'CALL', dueAt: expected.toISOString(), owner: null });
  });

  it('tells the owner live when the customer opens the quote: QuoteViewed and OpportunityQuoteViewed', async () => {
    const owner = randomUUID();
    // The owner's dashboard, from now on (the cursor replays whatever happens before it is registered).
    const client = connect(platform.wsUrl);
    const dashboard = subscribe(client, OwnerOpportunityChangedDocument, { ownerId: owner, after: (await platform.bus.head()) ?? undefined });
    const customerId = await newCustomer('Viewer');
    const product = await newProduct('CAR');
    const pipeline = await newOfferPipeline();
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId, pipelineId: pipeline.id, title: 'Quote deal', amount: CZK('799900.00'), ownerId: owner },
    });
    const draft = (
      await executeOk(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21' } })
    ).createQuote;
    const quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: product.id, quantity: 1 } }))
      .addQuoteLine;
    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    const { markQuoteViewed } = await executeOk(url, MarkQuoteViewedDocument, { id: sent.id, channel: 'EMAIL' });
    expect(markQuoteViewed.status).toBe('VIEWED');
    await executeOk(url, MarkQuoteViewedDocument, { id: sent.id, channel: 'DOWNLOAD' }); // opening again records nothing

    const quoteSnapshot = {
      quoteId: quote.id,
      opportunityId: opportunity.id,
      customerId,
      ownerId: owner,
      total: { amount: quote.total.amount, currency: 'CZK' },
      products: [{ productId: product.id, name: product.name, category: 'CAR' }],
    };
    const quoteEvents = await eventsOf('sales', quote.id);
    expect(quoteEvents.map((e) => e.type)).toEqual(['QuoteCreated', 'QuoteChanged', 'QuoteSent', 'QuoteViewed']);
    expect(quoteEvents.find((e) => e.type === 'QuoteSent')?.payload).toMatchObject(quoteSnapshot);
    expect(quoteEvents.find((e) => e.type === 'QuoteViewed')?.payload).toMatchObject({ ...quoteSnapshot, channel: 'EMAIL', status: 'VIEWED' });

    const viewed = (await eventsOf('sales', opportunity.id)).filter((e) => e.type === 'OpportunityQuoteViewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]?.payload).toMatchObject({
      opportunityId: opportunity.id,
      customerId,
      ownerId: owner,
      pipelineId: pipeline.id,
      stageName: 'Inquiry',
      status: 'OPEN',
      quoteId: quote.id,
      channel: 'EMAIL',
    });
    // Live on the owner's opportunityChanged(filter: {ownerId}) subscription.
    const live = await dashboard.waitFor(2);
    expect(live.map((r) => r.data?.opportunityChanged.event.type)).toEqual(['OpportunityCreated', 'OpportunityQuoteViewed']);
    expect(live[1]?.data?.opportunityChanged).toMatchObject({
      event: { aggregateId: opportunity.id },
      opportunity: { id: opportunity.id, title: 'Quote deal' },
    });
    await dashboard.close();
    await client.dispose();
  });
});

describe('customer merges', () => {
  it("moves the merged customer's opportunities, leads, quotes and activities to the survivor", async () => {
    const survivorId = await newCustomer('Survivor');
    const mergedId = await newCustomer('Merged');
    const pipeline = await newOfferPipeline();
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: mergedId, pipelineId: pipeline.id, title: 'Merged deal', amount: CZK('100.00') },
    });
    await executeOk(url, CreateOpportunityDocument, { input: { customerId: survivorId, pipelineId: pipeline.id, title: 'Own deal', amount: CZK('200.00') } });
    await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', customerId: mergedId } });
    await executeOk(url, CreateQuoteDocument, { input: { opportunityId: opportunity.id, title: 'Q', currency: 'CZK' } });
    await executeOk(url, CreateActivityDocument, { input: { type: 'NOTE', subject: 'Met at the fair', customerId: mergedId } });

    await executeOk(url, MergeCustomersDocument, { survivorId, mergedId });
    const { customer } = await eventually(async () => {
      const found = await executeOk(url, CustomerSalesRowsDocument, { id: survivorId });
      expect(found.customer?.opportunities?.totalCount).toBe(2);
      return found;
    });
    expect(customer?.opportunities?.edges.map((e) => e.node.id)).toContain(opportunity.id);
    expect(customer).toMatchObject({ leads: { totalCount: 1 }, quotes: { totalCount: 1 }, activities: { totalCount: 1 } });
    const left = await platform.subgraphs.sales.orm.em.getConnection().execute(
      `select (select count(*) from opportunity where customer_id = ?) + (select count(*) from sales_lead where customer_id = ?)
        + (select count(*) from quote where customer_id = ?) + (select count(*) from sales_activity where customer_id = ?) as n`,
      [mergedId, mergedId, mergedId, mergedId],
    );
    expect(Number(left[0]!.n)).toBe(0);
    // Boards and projections learn of the move: the opportunity changed customer, with a new version.
    const moved = (await eventsOf('sales', opportunity.id)).filter((e) => e.type === 'OpportunityChanged');
    expect(moved.at(-1)?.payload).toMatchObject({ changedFields: ['customerId'], customerId: survivorId, values: { previousCustomerId: mergedId } });
  });
});
