/**
 * DOMAIN Story 1, end to end: from an anonymous visitor on two devices to the rep's reminder call,
 * through the real gateway (HTTP and graphql-ws), the four subgraphs on real PostgreSQL, the outbox,
 * the bus and the automations. Every id used is one this test created.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcceptQuoteDocument,
  AddQuoteFinancingDocument,
  AddQuoteLineDocument,
  AnonymousInteractionsDocument,
  ConvertLeadDocument,
  CreateLeadRoutingRuleDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  CreateUserDocument,
  FollowUpsDocument,
  MarkQuoteViewedDocument,
  MoveOpportunityDocument,
  OpportunityDocument,
  RecordInteractionsDocument,
  SendQuoteDocument,
  Story1Customer360Document,
  Story1CustomerDocument,
  Story1DashboardDocument,
  SubmitWebFormDocument,
  UpdateLeadStatusDocument,
  WebFormLeadDocument,
  type CreatePipelineMutation,
  type CreateProductMutation,
  type CreateUserMutation,
  type Story1CustomerQuery,
  type Story1DashboardSubscription,
  type WebFormInput,
  type WebFormLeadQuery,
} from './generated/graphql.js';
import { execute, executeOk, queryOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe, type Subscriber } from './helpers/subscriptions.js';
import type { Client } from 'graphql-ws';
import { SUBGRAPHS } from '@crm/kit/config.js';
import { eventually } from './helpers/eventually.js';
import { mailAttachment, mailText, startTestSmtp, type TestSmtp } from './helpers/smtp.js';
import { pdfText } from './helpers/pdf.js';
import { formatMoney } from '../subgraphs/sales/src/modules/quote/quote.pdf.labels.js';

const HOUR = 3600_000;
const gql = <T>(query: string, variables?: Record<string, unknown>) => queryOk<T>(url, query, variables);

const DAY = 24 * HOUR;
const run = randomUUID().slice(0, 8);

let platform: Platform;
let url: string;
let smtp: TestSmtp;
/** Marketing's clock: real time plus what the story has moved it on by (its sequences' steps fall due by it). */
let clockOffsetMs = 0;
const marketingClock = { now: () => new Date(Date.now() + clockOffsetMs) };

beforeAll(async () => {
  // Every message of the story goes through a real SMTP server; the story's few newsletters in a week are not capped.
  smtp = await startTestSmtp();
  process.env.MARKETING_FREQUENCY_CAP = '10';
  platform = await startPlatform({ marketing: { outbound: smtp.channel, clock: marketingClock } });
  url = platform.gatewayUrl;
});
afterAll(async () => {
  await dashboard?.close();
  await dashboardClient?.dispose();
  await platform?.stop();
  await smtp?.stop();
  delete process.env.MARKETING_FREQUENCY_CAP;
});

type Customer = NonNullable<Story1CustomerQuery['customer']>;
const customerView = async (id: string): Promise<Customer> => {
  const { customer } = await executeOk(url, Story1CustomerDocument, { id });
  expect(customer).toBeTruthy();
  return customer!;
};
const timelineOf = (c: Customer) => c.interactions!.edges.map((e) => e.node);
const leadOf = async (id: string) => (await executeOk(url, WebFormLeadDocument, { id })).lead;
const emailsTo = (address: string | null | undefined) => smtp.to(address ?? '');

// What the story builds up, step by step.
let rep: CreateUserMutation['createUser'];
let product: CreateProductMutation['createProduct'];
let pipeline: CreatePipelineMutation['createPipeline'];
const phoneDevice = `story1-phone-${randomUUID()}`; // anonymous device id A
const laptopDevice = `story1-laptop-${randomUUID()}`; // anonymous device id B
const pageViewIds: string[] = [];
let dashboardClient: Client | undefined;
let dashboard: Subscriber<Story1DashboardSubscription> | undefined;
let form: WebFormInput;
let appointment: Date;
let lead: WebFormLeadQuery['lead'];
let customerId: string;
let opportunityId: string;
let quoteId: string;
let followUpAt: Date;

describe('DOMAIN Story 1: from an anonymous visitor to the reminder call', () => {
  it('1. sets up the dealer: a sales rep, a routing rule for Praha naming the rep, the car, a pipeline with a first-offer stage', async () => {
    ({ createUser: rep } = await executeOk(url, CreateUserDocument, {
      input: { name: `Tomáš Dvořák ${run}`, email: `tomas.${run}@dealer.example.cz`, role: 'SALES_REP' },
    }));
    expect(rep).toMatchObject({ id: expect.any(String), role: 'SALES_REP' });

    const { createLeadRoutingRule: rule } = await executeOk(url, CreateLeadRoutingRuleDocument, {
      input: { name: `Praha ${run}`, regionPrefix: 'Praha', candidateUserIds: [rep.id], priority: 10 },
    });
    expect(rule).toMatchObject({ regionPrefix: 'Praha', candidateUserIds: [rep.id], active: true });

    ({ createProduct: product } = await executeOk(url, CreateProductDocument, {
      input: { sku: `KODIAQ-${run}`, name: `Škoda Kodiaq 7 seats ${run}`, category: 'CAR', listPrice: { amount: '899900.00', currency: 'CZK' } },
    }));
    expect(product).toMatchObject({ category: 'CAR', active: true, listPrice: { amount: '899900.00', currency: 'CZK' } });

    ({ createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Cars ${run}`,
        stages: [
          { name: 'New inquiry', probability: 10, marker: 'NEW_INQUIRY' },
          { name: 'First offer sent', probability: 40, marker: 'FIRST_OFFER_SENT' },
          { name: 'Ordered', probability: 100, isWon: true, marker: 'ORDERED' },
          { name: 'Lost', probability: 0, isLost: true, marker: 'LOST' },
        ],
      },
    }));
    expect(pipeline.stages.map((s) => [s.name, s.marker])).toEqual([
      ['New inquiry', 'NEW_INQUIRY'],
      ['First offer sent', 'FIRST_OFFER_SENT'],
      ['Ordered', 'ORDERED'],
      ['Lost', 'LOST'],
    ]);
  });

  it('2. records the anonymous browsing on the phone (A) and, days later, on the laptop (B)', async () => {
    const { recordInteractions } = await executeOk(url, RecordInteractionsDocument, {
      input: [
        {
          anonymousId: phoneDevice,
          channel: 'WEB',
          type: 'PAGE_VIEW',
          sourceSystem: 'website',
          externalEventId: `${phoneDevice}-1`,
          occurredAt: new Date(Date.now() - 5 * DAY).toISOString(),
          properties: { url: '/models/kodiaq' },
        },
        {
          anonymousId: laptopDevice,
          channel: 'WEB',
          type: 'PAGE_VIEW',
          sourceSystem: 'website',
          externalEventId: `${laptopDevice}-1`,
          occurredAt: new Date(Date.now() - 2 * HOUR).toISOString(),
          properties: { url: '/models/kodiaq/financing' },
        },
      ],
    });
    expect(recordInteractions).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(recordInteractions.ids).toHaveLength(2);
    pageViewIds.push(...recordInteractions.ids);
    for (const anonymousId of [phoneDevice, laptopDevice]) {
      const { anonymousInteractions } = await executeOk(url, AnonymousInteractionsDocument, { anonymousId });
      expect(anonymousInteractions.totalCount).toBe(1);
    }
  });

  it("3. the rep's dashboard subscribes to opportunityChanged(ownerId) over graphql-ws before any sales step", async () => {
    dashboardClient = connect(platform.wsUrl);
    // From the bus head on: whatever happens before the server registers the subscription is replayed, not lost.
    const head = (await platform.bus.head()) ?? undefined;
    dashboard = subscribe(dashboardClient, Story1DashboardDocument, { ownerId: rep.id, after: head });
    expect(dashboard.results).toEqual([]);
  });

  it('4. the visitor submits the web form on the laptop: contact, both devices, consents, appointment, interest, region', async () => {
    appointment = new Date(Date.now() + 4 * DAY);
    appointment.setUTCHours(14, 0, 0, 0);
    form = {
      formKey: platform.webFormKey,
      submissionId: `story1-${run}`,
      firstName: 'Jana',
      lastName: 'Nováková',
      email: `jana.novakova.${run}@example.cz`,
      phone: `+420 777 ${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      deviceIds: [phoneDevice, laptopDevice],
      consents: [
        { purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'marketing-email-v3' },
        { purpose: 'MARKETING', channel: 'SMS', granted: false, textVersion: 'marketing-sms-v1' },
      ],
      requestedAppointment: appointment.toISOString(),
      interest: { productId: product.id, model: 'Kodiaq 7 seats' },
      region: 'Praha',
      pageUrl: 'https://dealer.example.cz/models/kodiaq/test-drive',
    };
    const { submitWebForm } = await executeOk(url, SubmitWebFormDocument, { input: form });
    lead = submitWebForm;
    expect(lead).toMatchObject({
      source: 'WEB_FORM',
      status: 'NEW',
      submissionId: form.submissionId,
      contactName: 'Jana Nováková',
      contactEmail: form.email,
      requestedAppointment: appointment.toISOString(),
      interest: 'Kodiaq 7 seats',
      interestProduct: { id: product.id },
      region: 'Praha',
    });
  });

  it('5. automatically: customer resolved, anonymous history joined, consents stored, confirmation sent, welcome sequence, lead scored, routed and tasked', async () => {
    // sales → identity: the lead is linked to a customer.
    lead = await eventually(async () => {
      const current = await leadOf(lead.id);
      expect(current.customer?.id).toEqual(expect.any(String));
      return current;
    });
    customerId = lead.customer!.id;

    // identity → marketing: timeline (A and B page views, the form, the confirmation), the send, the welcome sequence.
    const customer = await eventually(async () => {
      const c = await customerView(customerId);
      const types = timelineOf(c).map((i) => i.type);
      expect(types).toEqual(expect.arrayContaining(['PAGE_VIEW', 'FORM_SUBMIT', 'MESSAGE_SENT']));
      expect(timelineOf(c).filter((i) => i.type === 'PAGE_VIEW')).toHaveLength(2);
      expect(c.messageSends!.totalCount).toBe(2); // the confirmation and the welcome sequence's first e-mail
      expect(c.sequenceEnrolments!.totalCount).toBeGreaterThanOrEqual(1);
      return c;
    });

    // identity: the person, with both devices; the consents with purpose, source, text version and time.
    expect(customer).toMatchObject({ firstName: 'Jana', lastName: 'Nováková', displayName: 'Jana Nováková', emails: [form.email] });
    expect(customer.phones).toEqual([form.phone!.replace(/\s/g, '')]);
    expect(
      customer
        .identifiers!.filter((i) => i.kind === 'DEVICE')
        .map((i) => i.value)
        .sort(),
    ).toEqual([phoneDevice, laptopDevice].sort());
    expect(customer.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          purpose: 'MARKETING',
          channel: 'EMAIL',
          status: 'GRANTED',
          source: 'web-form',
          textVersion: 'marketing-email-v3',
          givenAt: expect.any(String),
        }),
      ]),
    );
    expect(customer.consents.find((c) => c.purpose === 'MARKETING' && c.channel === 'SMS')).toMatchObject({
      status: 'WITHDRAWN',
      textVersion: 'marketing-sms-v1',
    });

    // marketing: the anonymous history of A and B now belongs to the customer.
    const timeline = timelineOf(customer);
    const pageViews = timeline.filter((i) => i.type === 'PAGE_VIEW');
    expect(pageViews.map((i) => i.id).sort()).toEqual([...pageViewIds].sort());
    expect(pageViews.map((i) => i.anonymousId).sort()).toEqual([phoneDevice, laptopDevice].sort());
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'FORM_SUBMIT', channel: 'WEB', sourceSystem: 'identity' }),
        expect.objectContaining({ type: 'MESSAGE_SENT', channel: 'EMAIL', sourceSystem: 'marketing' }),
      ]),
    );

    // The confirmation e-mail with the calendar event, recorded as SENT.
    const sends = customer.messageSends!.edges.map((e) => e.node);
    const confirmation = sends.find((s) => s.template === 'appointment-confirmation');
    expect(confirmation).toMatchObject({
      status: 'SENT',
      channel: 'EMAIL',
      purpose: 'SERVICE_COMMUNICATION',
      recipient: form.email,
      providerMessageId: expect.any(String),
    });
    const message = await eventually(() => {
      const found = emailsTo(form.email).find((m) => m.messageId === confirmation!.providerMessageId);
      expect(found).toBeDefined();
      return Promise.resolve(found!);
    });
    expect(message.raw).toContain(`DTSTART:${appointment.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`);

    // Marketing consent was granted: enrolled in the welcome ("introduce the dealer") sequence.
    expect(customer.sequenceEnrolments!.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ status: 'ACTIVE', sequence: { name: 'Introduce the dealer' } }),
    ]);

    // sales: scored, routed by the Praha rule to the rep, who has a follow-up task before the appointment.
    lead = await eventually(async () => {
      const current = await leadOf(lead.id);
      expect(current.owner?.id).toBe(rep.id);
      expect(current.score).toBeGreaterThan(0);
      return current;
    });
    expect(lead.assignmentReason).toContain(`Praha ${run}`);
    const task = await eventually(async () => {
      const { activities } = await executeOk(url, FollowUpsDocument, { filter: { leadId: lead.id } });
      expect(activities.totalCount).toBe(1);
      return activities.edges[0]!.node;
    });
    expect(task).toMatchObject({
      type: 'TASK',
      done: false,
      owner: { id: rep.id },
      customer: { id: customerId },
      lead: { id: lead.id },
      dueAt: new Date(appointment.getTime() - DAY).toISOString(),
    });
  });

  it('6. the rep converts the lead, sends a quote with loan and lease, and moves the opportunity to "first offer sent" with the agreed call date', async () => {
    lead = await leadOf(lead.id); // the automations changed it: take the current version
    let current = (await executeOk(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status: 'CONTACTED' })).updateLeadStatus;
    current = (await executeOk(url, UpdateLeadStatusDocument, { id: current.id, version: current.version, status: 'QUALIFIED' })).updateLeadStatus;
    const { convertLead } = await executeOk(url, ConvertLeadDocument, { id: current.id, version: current.version, pipelineId: pipeline.id });
    expect(convertLead.lead).toMatchObject({ status: 'CONVERTED', convertedOpportunity: { id: convertLead.opportunity.id } });
    expect(convertLead.opportunity).toMatchObject({
      title: 'Kodiaq 7 seats',
      status: 'OPEN',
      pipeline: { id: pipeline.id },
      currentStage: { id: pipeline.stages[0]!.id, marker: 'NEW_INQUIRY' },
      amount: { amount: '899900.00', currency: 'CZK' },
    });
    const opportunity = convertLead.opportunity;
    opportunityId = opportunity.id;

    const draft = (
      await executeOk(url, CreateQuoteDocument, {
        input: { opportunityId, title: 'Kodiaq 7 seats — your offer', currency: 'CZK', taxRatePercent: '21' },
      })
    ).createQuote;
    expect(draft).toMatchObject({ status: 'DRAFT', customer: { id: customerId }, opportunity: { id: opportunityId } });
    let quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: product.id, quantity: 1 } }))
      .addQuoteLine;
    expect(quote.lines).toEqual([expect.objectContaining({ quantity: 1, product: { sku: product.sku }, unitPrice: { amount: '899900.00' } })]);
    quote = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LOAN', termMonths: 60, annualRatePercent: '4.9', downPaymentPercent: '20' },
      })
    ).addQuoteFinancing;
    quote = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LEASE', termMonths: 36, annualRatePercent: '5.9', downPaymentPercent: '10', residualValuePercent: '40' },
      })
    ).addQuoteFinancing;
    expect(quote.financingOptions.map((f) => [f.kind, f.termMonths])).toEqual([
      ['LOAN', 60],
      ['LEASE', 36],
    ]);
    for (const option of quote.financingOptions) {
      expect(Number(option.monthlyPayment?.amount)).toBeGreaterThan(0);
      expect(Number(option.totalInterest.amount)).toBeGreaterThan(0);
    }
    expect(quote.total).toEqual({ amount: '1088879.00', currency: 'CZK' }); // 899 900 + 21 % VAT
    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    expect(sent.status).toBe('SENT');
    quoteId = sent.id;

    followUpAt = new Date(Date.now() + 6 * DAY);
    followUpAt.setUTCHours(9, 30, 0, 0);
    const offerStage = pipeline.stages.find((s) => s.marker === 'FIRST_OFFER_SENT')!;
    const { opportunity: fresh } = await executeOk(url, OpportunityDocument, { id: opportunityId });
    const { moveOpportunity: moved } = await executeOk(url, MoveOpportunityDocument, {
      id: opportunityId,
      version: fresh!.version,
      stageId: offerStage.id,
      followUpAt: followUpAt.toISOString(),
    });
    expect(moved).toMatchObject({
      stage: 'First offer sent',
      currentStage: { id: offerStage.id, marker: 'FIRST_OFFER_SENT' },
      nextContactAt: followUpAt.toISOString(),
    });
  });

  it('7. automatically: the reminder call at the agreed time, newsletters personalized from the quote, QUOTE_SENT on the timeline', async () => {
    const call = await eventually(async () => {
      const { activities } = await executeOk(url, FollowUpsDocument, { filter: { opportunityId, types: ['CALL'] } });
      expect(activities.totalCount).toBe(1);
      return activities.edges[0]!.node;
    });
    expect(call).toMatchObject({
      type: 'CALL',
      done: false,
      dueAt: followUpAt.toISOString(),
      owner: { id: rep.id },
      customer: { id: customerId },
      opportunity: { id: opportunityId },
    });

    const customer = await eventually(async () => {
      const c = await customerView(customerId);
      expect(c.sequenceEnrolments!.edges.map((e) => e.node.sequence?.name)).toContain('After the first offer');
      expect(timelineOf(c).map((i) => i.type)).toContain('QUOTE_SENT');
      return c;
    });
    const personalized = customer.sequenceEnrolments!.edges.map((e) => e.node).find((e) => e.sequence?.name === 'After the first offer');
    expect(personalized).toMatchObject({ status: 'ACTIVE', personalization: expect.objectContaining({ opportunityId, productNames: [product.name] }) });
    expect(timelineOf(customer).find((i) => i.type === 'QUOTE_SENT')).toMatchObject({
      channel: 'EMAIL',
      sourceSystem: 'sales',
      properties: expect.objectContaining({ quoteId, opportunityId }),
    });
  });

  it('8. the customer opens the quote: QUOTE_VIEWED on the timeline and the rep sees it live on the dashboard', async () => {
    const { markQuoteViewed } = await executeOk(url, MarkQuoteViewedDocument, { id: quoteId, channel: 'EMAIL' });
    expect(markQuoteViewed).toMatchObject({ id: quoteId, status: 'VIEWED' });

    const customer = await eventually(async () => {
      const c = await customerView(customerId);
      expect(timelineOf(c).map((i) => i.type)).toContain('QUOTE_VIEWED');
      return c;
    });
    expect(timelineOf(customer).find((i) => i.type === 'QUOTE_VIEWED')).toMatchObject({
      sourceSystem: 'sales',
      properties: expect.objectContaining({ quoteId }),
    });

    // Live: the owner's dashboard got the stage change and the quote view, with the opportunity across subgraphs.
    const live = dashboard!;
    await eventually(async () => {
      expect(live.results.map((r) => r.data?.opportunityChanged.event.type)).toContain('OpportunityQuoteViewed');
    });
    expect(live.results.every((r) => r.errors === undefined)).toBe(true);
    const changes = live.results.map((r) => r.data!.opportunityChanged);
    const types = changes.map((c) => c.event.type);
    // The conversion, the move to "first offer sent" and the quote view, in order (the quote itself is not an opportunity change).
    expect(types).toEqual(['OpportunityCreated', 'OpportunityStageChanged', 'OpportunityQuoteViewed']);
    expect(new Set(changes.map((c) => c.event.cursor)).size).toBe(changes.length);
    for (const change of changes) {
      expect(change.event.aggregateId).toBe(opportunityId);
      expect(change.opportunity).toMatchObject({
        id: opportunityId,
        title: 'Kodiaq 7 seats',
        owner: { id: rep.id, name: rep.name },
        customer: { id: customerId, displayName: 'Jana Nováková', emails: [form.email] },
      });
    }
    expect(changes.find((c) => c.event.type === 'OpportunityStageChanged')!.opportunity).toMatchObject({
      stage: 'First offer sent',
      nextContactAt: followUpAt.toISOString(),
    });
    expect(changes.find((c) => c.event.type === 'OpportunityQuoteViewed')!.opportunity).toMatchObject({ stage: 'First offer sent', status: 'OPEN' });
  });

  it('finally: the 360° view of the customer (identity, sales, marketing, service) answers in one round trip', async () => {
    await platform.resetSqlLog();
    const result = await execute(url, Story1Customer360Document, { id: customerId });
    expect(result.errors).toBeUndefined();
    // Each of the four subgraphs took part in answering that single request.
    for (const name of SUBGRAPHS) expect([name, platform.sql[name].length > 0]).toEqual([name, true]);
    const c = result.data!.customer!;

    // identity
    expect(c).toMatchObject({ id: customerId, displayName: 'Jana Nováková', emails: [form.email] });
    expect(c.identifiers!.filter((i) => i.kind === 'DEVICE')).toHaveLength(2);
    expect(c.consents).toEqual(
      expect.arrayContaining([{ purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'marketing-email-v3' }]),
    );
    // sales
    expect(c.leads).toMatchObject({
      totalCount: 1,
      edges: [{ node: { status: 'CONVERTED', owner: { name: rep.name }, interestProduct: { name: product.name } } }],
    });
    expect(c.leads!.edges[0]!.node.score).toBeGreaterThan(0);
    expect(c.opportunities).toMatchObject({
      totalCount: 1,
      edges: [
        { node: { title: 'Kodiaq 7 seats', stage: 'First offer sent', status: 'OPEN', nextContactAt: followUpAt.toISOString(), owner: { name: rep.name } } },
      ],
    });
    const quotes = c.opportunities!.edges[0]!.node.quotes;
    expect(quotes).toMatchObject({
      totalCount: 1,
      edges: [{ node: { status: 'VIEWED', total: { amount: '1088879.00', currency: 'CZK' }, lines: [{ product: { name: product.name } }] } }],
    });
    expect(quotes!.edges[0]!.node.financingOptions.map((f) => f.kind)).toEqual(['LOAN', 'LEASE']);
    expect(c.activities!.edges.map((e) => [e.node.type, e.node.owner?.name]).sort()).toEqual([
      ['CALL', rep.name],
      ['TASK', rep.name],
    ]);
    // marketing
    // The confirmation, the welcome sequence's first e-mail and the offer with its link.
    expect(c.interactions!.edges.map((e) => e.node.type).sort()).toEqual([
      'FORM_SUBMIT',
      'MESSAGE_SENT',
      'MESSAGE_SENT',
      'MESSAGE_SENT',
      'PAGE_VIEW',
      'PAGE_VIEW',
      'QUOTE_SENT',
      'QUOTE_VIEWED',
    ]);
    expect(c.messageSends!.totalCount).toBe(3);
    // Every message of the story reached the SMTP server, once, under the id its send recorded.
    const { customer: sent } = await gql<{
      customer: { messageSends: { edges: Array<{ node: { template: string; status: string; providerMessageId: string; body: string } }> } };
    }>('query($id: ID!) { customer(id: $id) { messageSends(first: 10) { edges { node { template status providerMessageId body } } } } }', { id: customerId });
    const sends = sent.messageSends.edges.map((e) => e.node);
    expect(sends.map((m) => [m.template, m.status]).sort()).toEqual([
      ['appointment-confirmation', 'SENT'],
      ['quote-sent', 'SENT'],
      ['welcome-from-your-dealer', 'SENT'],
    ]);
    expect(
      emailsTo(form.email)
        .map((m) => m.messageId)
        .sort(),
    ).toEqual(sends.map((m) => m.providerMessageId).sort());
    const offer = emailsTo(form.email).find((m) => m.messageId === sends.find((s) => s.template === 'quote-sent')!.providerMessageId)!;
    expect(mailText(offer.raw)).toContain('/public/sales/quotes/');
    // Staff read the message without the link's token: whoever holds it acts as the customer (the quote counts as viewed).
    const token = /\/public\/sales\/quotes\/([^\s<>"')\]]+)/.exec(mailText(offer.raw))![1]!;
    const shown = sends.find((s) => s.template === 'quote-sent')!.body;
    expect(shown).toContain('/public/sales/quotes/…');
    expect(shown).not.toContain(token.slice(0, 20));
    // …and arrives with its PDF: the total and the loan's instalments, as the customer's reader shows them.
    const pdf = await pdfText(mailAttachment(offer.raw, 'application/pdf'));
    expect(pdf).toContain(`Celkem ${formatMoney('1088879.00', 'CZK', 'cs')}`);
    expect(pdf).toMatch(/Měsíční splátka/);
    expect(c.sequenceEnrolments!.edges.map((e) => e.node.sequence?.name).sort()).toEqual(['After the first offer', 'Introduce the dealer']);
    expect(c.segments!.edges.map((e) => e.node.name)).toHaveLength(c.segments!.totalCount);
    // service: nothing bought or reported yet
    expect(c.cases).toEqual({ totalCount: 0 });
    expect(c.assets).toEqual({ totalCount: 0 });
    expect(c.serviceContract).toBeNull();
  });
  it("afterwards, on marketing's clock: the first-offer newsletter a day later names the car and both ways to pay; the won deal stops the rest", async () => {
    const marketingSql = <T>(query: string) => platform.subgraphs.marketing.orm.em.fork().execute<T[]>(query);
    /** Moves marketing's clock on and runs the due steps now (cron would at the next minute), until every message left. */
    const runStepsAt = async (hours: number) => {
      clockOffsetMs = hours * HOUR;
      await marketingSql("select graphile_worker.add_job('sequence-steps', '{}'::json, job_key => 'story1-steps')");
      await eventually(async () => {
        const [row] = await marketingSql<{ n: string }>(
          "select (select count(*) from graphile_worker.jobs where task_identifier = 'sequence-steps') + (select count(*) from message_send where status in ('QUEUED', 'SENDING')) as n",
        );
        expect(Number(row!.n)).toBe(0);
      });
    };
    await runStepsAt(25);
    const newsletter = await eventually(() => {
      const found = emailsTo(form.email).find((m) => m.subject === 'Vaše nabídka krok za krokem');
      expect(found).toBeDefined();
      return Promise.resolve(found!);
    });
    expect(mailText(newsletter.raw)).toContain(product.name);

    await runStepsAt(25 + 96);
    const financing = await eventually(() => {
      const found = emailsTo(form.email).find((m) => m.subject === 'Jak zaplatit za svůj nový vůz');
      expect(found).toBeDefined();
      return Promise.resolve(found!);
    });
    expect(mailText(financing.raw)).toMatch(/LOAN, 60 měsíců/);
    expect(mailText(financing.raw)).toMatch(/LEASE, 36 měsíců/);

    // Jana accepts the offer and the deal is won: her newsletters end, and nothing more is sent however late it gets.
    const { quote } = await gql<{ quote: { version: number } }>('query($id: ID!) { quote(id: $id) { version } }', { id: quoteId });
    const { acceptQuote } = await executeOk(url, AcceptQuoteDocument, { id: quoteId, version: quote.version, input: { winOpportunity: true } });
    expect(acceptQuote.status).toBe('ACCEPTED');
    await eventually(async () => {
      const c = await customerView(customerId);
      expect(c.sequenceEnrolments!.edges.map((e) => e.node.status)).toEqual(['EXITED', 'EXITED']);
    });
    const sentBefore = emailsTo(form.email).length;
    await runStepsAt(1000);
    expect(emailsTo(form.email)).toHaveLength(sentBefore);
  });
});
