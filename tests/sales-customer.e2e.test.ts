import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateQuoteDocument,
  CustomerSalesDocument,
  CustomerSalesRowsDocument,
  MergeCustomersDocument,
  MoveOpportunityDocument,
  type StageInput,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { outboxOf } from './helpers/integration.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';

// The Customer as sales extends it, through the gateway: its leads, opportunities, quotes and activities, batched per
// request, and sales following identity's merges.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const CZK = (amount: string) => ({ amount, currency: 'CZK' });

// What a query costs: its reads of sales tables (the outbox relay polls on its own; a commit may be logged after a reset).
const SALES_TABLE =
  /^\[query\] select .* from "?(opportunity|opportunity_stage_change|pipeline|pipeline_stage|sales_lead|product|quote|quote_line|quote_financing|sales_activity)\b/;
const salesSelects = () => platform.sql.sales.filter((statement) => SALES_TABLE.test(statement));

async function newCustomer(firstName: string) {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Buyer', emails: [`${firstName.toLowerCase()}-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

const stages: StageInput[] = [
  { name: 'Inquiry', probability: 10 },
  { name: 'Offer', probability: 50, marker: 'FIRST_OFFER_SENT' },
  { name: 'Won', probability: 100, isWon: true, marker: 'ORDERED' },
  { name: 'Lost', probability: 0, isLost: true, marker: 'LOST' },
];

async function newPipeline(name: string) {
  return (await executeOk(url, CreatePipelineDocument, { input: { name, stages } })).createPipeline;
}

async function newOpportunity(customerId: string, pipelineId: string, amount: string, extra: Record<string, unknown> = {}) {
  const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
    input: { customerId, pipelineId, title: `Deal ${amount}`, amount: CZK(amount), ...extra },
  });
  return createOpportunity;
}

describe('the customer in sales', () => {
  it('extends Customer with leads, filtered opportunities, quotes and activities, batched per request', async () => {
    const customerId = await newCustomer('Extended');
    const pipeline = await newPipeline('Extended');
    await executeOk(url, CreateLeadDocument, { input: { source: 'CAMPAIGN', customerId } });
    const open = await newOpportunity(customerId, pipeline.id, '10');
    const lost = await newOpportunity(customerId, pipeline.id, '20');
    await executeOk(url, MoveOpportunityDocument, { id: lost.id, version: lost.version, stageId: pipeline.stages[3]!.id });
    await executeOk(url, CreateQuoteDocument, { input: { opportunityId: open.id, title: 'Q', currency: 'CZK' } });
    await executeOk(url, CreateActivityDocument, { input: { type: 'TASK', subject: 'Call back', customerId, dueAt: '2026-12-10T09:00:00.000Z' } });
    await executeOk(url, CreateActivityDocument, { input: { type: 'MEETING', subject: 'Showroom', customerId, dueAt: '2026-12-01T15:00:00.000Z' } });

    await platform.resetSqlLog();
    const { customer } = await executeOk(url, CustomerSalesDocument, { id: customerId, opportunityFilter: { statuses: ['OPEN'] } });
    expect(customer.leads?.edges.map((e) => e.node.status)).toEqual(['NEW']);
    expect(customer.opportunities?.totalCount).toBe(1);
    expect(customer.opportunities?.edges[0]?.node).toMatchObject({ title: open.title, stage: 'Inquiry', status: 'OPEN' });
    expect(customer.quotes?.edges[0]?.node).toMatchObject({ title: 'Q', total: { amount: '0.00' }, financingOptions: [] });
    expect(customer.activities?.totalCount).toBe(2);
    expect(customer.activities?.edges.map((e) => e.node.subject)).toEqual(['Showroom', 'Call back']);
    // One statement per list, per count and per nested batch: nothing runs once per row (the deals' stage names
    // come with their page).
    expect(salesSelects()).toHaveLength(9);
  });

  it('answers a board of many opportunities with a fixed number of statements', async () => {
    const customerId = await newCustomer('Board');
    const pipeline = await newPipeline('Board');
    for (let i = 0; i < 6; i++) await newOpportunity(customerId, pipeline.id, `${i + 1}`, { stageId: pipeline.stages[i % 3]!.id });
    const board = async () => {
      await platform.resetSqlLog();
      const { customer } = await executeOk(url, CustomerSalesDocument, { id: customerId });
      return [customer.opportunities?.totalCount, salesSelects().length];
    };
    const [count, statements] = await board();
    await newOpportunity(customerId, pipeline.id, '99', { stageId: pipeline.stages[1]!.id });
    expect(await board()).toEqual([(count ?? 0) + 1, statements]);
  });
});

describe('customer merges', () => {
  it("moves the merged customer's opportunities, leads, quotes and activities to the survivor", async () => {
    const survivorId = await newCustomer('Survivor');
    const mergedId = await newCustomer('Merged');
    const pipeline = await newPipeline('Merges');
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
      // The page and its count are two statements: one may run before the merge's move commits, the other after.
      expect(found.customer?.opportunities?.totalCount).toBe(2);
      expect(found.customer?.opportunities?.edges.map((e) => e.node.id)).toContain(opportunity.id);
      return found;
    });
    expect(customer).toMatchObject({ leads: { totalCount: 1 }, quotes: { totalCount: 1 }, activities: { totalCount: 1 } });
    const left = await platform.subgraphs.sales.orm.em.getConnection().execute(
      `select (select count(*) from opportunity where customer_id = ?) + (select count(*) from sales_lead where customer_id = ?)
        + (select count(*) from quote where customer_id = ?) + (select count(*) from sales_activity where customer_id = ?) as n`,
      [mergedId, mergedId, mergedId, mergedId],
    );
    expect(Number(left[0]!.n)).toBe(0);
    // Boards and projections learn of the move: the opportunity changed customer, with a new version.
    const moved = (await outboxOf(platform.subgraphs.sales.orm, opportunity.id)).filter((e) => e.type === 'OpportunityChanged');
    expect(moved.at(-1)?.payload).toMatchObject({ changedFields: ['customerId'], customerId: survivorId, values: { previousCustomerId: mergedId } });
  });
});
