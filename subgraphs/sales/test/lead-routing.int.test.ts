import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver, outboxTypes } from '../../../tests/helpers/integration.js';
import { Activity } from '../src/modules/activity/activity.entity.js';
import { Lead, LeadSource } from '../src/modules/lead/lead.entity.js';
import { webFormLeadRouting } from '../src/modules/lead/lead.handlers.js';
import { openLead } from '../src/modules/lead/lead.service.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { createLeadRoutingRule } from '../src/modules/routing/routing.service.js';
import { CZK, newPipeline, useFreshSalesDatabase } from './database.js';

// Routing a web-form lead once identity knows its customer (the rules themselves: routing.rules.test.ts): a known
// customer keeps their rep, and a lead no rule places goes to the default queue's manager with a task.
// Through the gateway: tests/sales-lead-routing.e2e.test.ts.

const { orm, em, write } = useFreshSalesDatabase();
const admin = actingFor(randomUUID());
afterEach(() => {
  delete process.env.SALES_LEAD_QUEUE_OWNER_ID;
});

async function webFormLead(customerId: string, region: string) {
  const lead = await write(async (em) => {
    const created = openLead(em, { source: LeadSource.WEB_FORM, contactName: 'Jana Dvořáková', region });
    await em.flush();
    return created;
  });
  const resolved = catalogEvent('CustomerResolved', customerId, {
    customerId,
    created: false,
    matchedBy: ['EMAIL'],
    conflictingCustomerIds: [],
    leadId: lead.id,
    email: null,
    phone: null,
    deviceIds: [],
    requestedAppointment: null,
    interest: null,
    firstName: 'Jana',
    lastName: 'Dvořáková',
  });
  expect(await deliver(orm(), webFormLeadRouting, resolved)).toBe(true);
  return em().findOneOrFail(Lead, lead.id);
}
const tasksOf = (leadId: string) => em().find(Activity, { leadId }, { orderBy: { subject: 'asc' } });

describe('a known customer', () => {
  it('keeps their rep: the owner of their open opportunity before a newer closed one, and before any rule', async () => {
    const pipeline = await write((em) => newPipeline(em, `Cars ${randomUUID()}`));
    const [openRep, wonRep, ruleRep] = [randomUUID(), randomUUID(), randomUUID()];
    await write((em) => createLeadRoutingRule(em, { name: 'Everywhere', candidateUserIds: [ruleRep], priority: 0 }));
    const customerId = randomUUID();
    const deal = await write((em) =>
      createOpportunity(em, { customerId, title: 'Kodiaq', pipelineId: pipeline.id, amount: CZK('1'), ownerId: openRep }, admin),
    );
    await write((em) => createOpportunity(em, { customerId, title: 'Fabia', pipelineId: pipeline.id, stage: 'Won', amount: CZK('1'), ownerId: wonRep }, admin));

    const lead = await webFormLead(customerId, 'Praha');
    expect(lead).toMatchObject({ ownerId: openRep, assignmentReason: `the customer's rep: the owner of their open opportunity (${deal.id})` });
    expect((await tasksOf(lead.id)).map((t) => [t.subject, t.ownerId])).toEqual([['Follow up web-form request', openRep]]);

    const onlyWon = randomUUID();
    await write((em) =>
      createOpportunity(em, { customerId: onlyWon, title: 'Octavia', pipelineId: pipeline.id, stage: 'Won', amount: CZK('1'), ownerId: wonRep }, admin),
    );
    expect((await webFormLead(onlyWon, 'Brno')).ownerId).toBe(wonRep);
    // A customer sales has never sold to is routed by the rules.
    expect((await webFormLead(randomUUID(), 'Brno')).ownerId).toBe(ruleRep);
  });
});

describe('a lead no rule places', () => {
  useFreshSalesDatabase();

  it("goes to the default queue's manager, who gets a task to find it an owner", async () => {
    const manager = randomUUID();
    process.env.SALES_LEAD_QUEUE_OWNER_ID = manager;
    const lead = await webFormLead(randomUUID(), 'Ostrava');
    expect(lead).toMatchObject({ ownerId: manager, assignmentReason: 'no routing rule matches the region and product; sent to the default queue' });
    const [followUp, needsOwner] = await tasksOf(lead.id);
    expect(followUp).toMatchObject({ subject: 'Follow up web-form request', ownerId: manager });
    expect(needsOwner).toMatchObject({
      subject: 'Lead needs an owner',
      ownerId: manager,
      type: 'TASK',
      notes: expect.stringMatching(/^No routing rule places this lead/),
    });
    expect(needsOwner!.dueAt!.getTime()).toBeLessThanOrEqual(followUp!.dueAt!.getTime());
    expect(await outboxTypes(orm(), needsOwner!.id)).toEqual(['ActivityCreated']);
  });

  it('stays unassigned, and says why, without a queue', async () => {
    const lead = await webFormLead(randomUUID(), 'Ostrava');
    expect(lead).toMatchObject({ ownerId: null, assignmentReason: 'no routing rule matches the region and product; no default queue is configured' });
    expect((await tasksOf(lead.id)).map((t) => [t.subject, t.ownerId])).toEqual([['Follow up web-form request', null]]);
    expect(await outboxTypes(orm(), lead.id)).toContain('LeadLeftUnassigned');
  });
});
