import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SubgraphName } from '@crm/kit/config.js';
import {
  CreateLeadDocument,
  CreateLeadRoutingRuleDocument,
  CreateProductDocument,
  CustomerProfileDocument,
  FollowUpsDocument,
  LeadRoutingRulesDocument,
  ResolveCustomerDocument,
  SubmitWebFormDocument,
  WebFormLeadDocument,
  type WebFormInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { outboxOf } from './helpers/integration.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';
import { setStaffActive } from './helpers/staff.js';

// Sales' web-form intake through the gateway and across services (DOMAIN Story 1 steps 2–4): identity resolves who
// sent the form, and sales links, scores, routes and follows up the lead on identity's CustomerResolved. The intake's
// own rules (the submission event, retries, refusals) are tested on sales' own database (subgraphs/sales/test/intake.int.test.ts).

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
const eventsOf = (subgraph: SubgraphName, aggregateId: string) => outboxOf(platform.subgraphs[subgraph].orm, aggregateId);

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
    // Members of staff identity knows: a rule's candidates are checked with identity (ADR 16).
    const staff = async () => (await platform.createStaff('SALES_REP')).id;
    const [busyRep, freeRep, otherRep] = [await staff(), await staff(), await staff()];
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

  it('passes over a rep identity deactivated, and routes to them again once they are active', async () => {
    const region = `Beroun-${unique()}`;
    const [leaving, staying] = [(await platform.createStaff('SALES_REP')).id, (await platform.createStaff('SALES_REP')).id];
    await executeOk(url, CreateLeadRoutingRuleDocument, {
      input: { name: `${region} leads`, regionPrefix: region, candidateUserIds: [leaving, staying], priority: 5 },
    });
    const setActive = async (active: boolean) => {
      await setStaffActive(url, leaving, active);
      // Sales hears of it through identity's UserChanged (its copy of staff, modules/staff).
      await eventually(async () => {
        const [row] = await platform.subgraphs.sales.orm.em
          .fork()
          .execute<Array<{ active: boolean }>>('select active from staff_name where user_id = ?', [leaving]);
        expect(row?.active).toBe(active);
      });
    };
    const routedTo = async () => {
      const { submitWebForm: submitted } = await executeOk(url, SubmitWebFormDocument, { input: webForm({ region: `${region} 1` }) });
      return eventually(async () => {
        const lead = await leadOf(submitted.id);
        expect(lead.owner).not.toBeNull();
        return lead.owner!.id;
      });
    };

    await setActive(false);
    // Both have every slot free and the one leaving is listed first: they would get it.
    expect(await routedTo()).toBe(staying);
    await setActive(true);
    expect(await routedTo()).toBe(leaving);
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

  it('answers the same submission sent many times at once with its one lead', async () => {
    const form = webForm();
    const answers = await Promise.all(Array.from({ length: 12 }, () => execute(url, SubmitWebFormDocument, { input: form })));
    // Before, those that raced the first got INTERNAL_SERVER_ERROR: their transaction had failed on the unique key.
    expect(answers.map((answer) => answer.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(answers.map(() => 'OK'));
    expect(new Set(answers.map((answer) => answer.data?.submitWebForm.id)).size).toBe(1);
    const [row] = await platform.subgraphs.sales.orm.em
      .fork()
      .execute<Array<{ n: number }>>('select count(*)::int as n from sales_lead where submission_id = ?', [form.submissionId]);
    expect(row!.n).toBe(1);
    // Without the form's key, nobody learns whether a submission id was received: the key is refused first.
    const probe = await execute(url, SubmitWebFormDocument, { input: { ...form, formKey: 'not-a-form-key' } });
    expect([errorCodes(probe), probe.errors?.[0]?.extensions?.field]).toEqual([['FORBIDDEN'], 'formKey']);
  });

  it('refuses malformed input before any rule runs, creating nothing', async () => {
    const before = await platform.subgraphs.sales.orm.em.fork().getConnection().execute(`select count(*)::int as n from sales_lead`);
    const cases: Array<[Partial<WebFormInput>, RegExp]> = [
      [{ consents: [{ purpose: 'MARKETING', channel: 'SMS', granted: true, textVersion: '' }] }, /textVersion/],
      [{ submissionId: '' }, /submissionId/],
    ];
    for (const [overrides, message] of cases) {
      const result = await execute(url, SubmitWebFormDocument, { input: webForm(overrides) });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    expect(await platform.subgraphs.sales.orm.em.fork().getConnection().execute(`select count(*)::int as n from sales_lead`)).toEqual(before);
  });
});
