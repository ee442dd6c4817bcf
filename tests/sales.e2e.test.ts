import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AcceptQuoteDocument,
  ActivitiesDocument,
  AddPipelineStageDocument,
  AddQuoteFinancingDocument,
  AddQuoteLineDocument,
  ArchiveOpportunityDocument,
  AssignLeadDocument,
  CompleteActivityDocument,
  ConvertLeadDocument,
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  CustomerSalesDocument,
  DefaultPipelineDocument,
  LeadsDocument,
  MarkQuoteViewedDocument,
  MoveOpportunityDocument,
  OpportunitiesDocument,
  OpportunityDocument,
  PipelineSummaryDocument,
  ProductsDocument,
  RejectQuoteDocument,
  RenamePipelineStageDocument,
  ReorderPipelineStagesDocument,
  SearchProductsDocument,
  SendQuoteDocument,
  UpdateLeadStatusDocument,
  UpdateOpportunityDocument,
  UpdateProductDocument,
  type OpportunityFieldsFragment,
  type QuoteFieldsFragment,
  type StageInput,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const CZK = (amount: string) => ({ amount, currency: 'CZK' });

async function eventsOf(aggregateId: string): Promise<Array<{ type: string; payload: Record<string, unknown> }>> {
  return platform.subgraphs.sales.orm.em
    .getConnection()
    .execute('select type, payload from outbox_event where aggregate_id = ? order by position', [aggregateId]);
}

// What a query costs: its reads of sales tables (the outbox relay polls on its own; a commit may be logged after a reset).
const SALES_TABLE =
  /^\[query\] select .* from "?(opportunity|opportunity_stage_change|pipeline|pipeline_stage|sales_lead|product|quote|quote_line|quote_financing|sales_activity)\b/;
const salesSelects = () => platform.sql.sales.filter((statement) => SALES_TABLE.test(statement));

function expectError(result: GraphQLResponse<unknown>, code: string, message?: string | RegExp) {
  expect(errorCodes(result)).toEqual([code]);
  if (message) expect(result.errors?.[0]?.message).toMatch(message);
}

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

async function newProduct(sku: string, name: string, price: string, category: 'CAR' | 'INSURANCE' | 'SERVICE_PACKAGE' = 'CAR') {
  return (await executeOk(url, CreateProductDocument, { input: { sku, name, category, listPrice: CZK(price) } })).createProduct;
}

describe('leads', () => {
  it('walks NEW → CONTACTED → QUALIFIED → CONVERTED, assigns, and converts into an opportunity in one step', async () => {
    const customerId = await newCustomer('Lead');
    const product = await newProduct('LEAD-SUV', 'Lead test SUV', '899900.00');
    const rep = randomUUID();
    let { createLead: lead } = await executeOk(url, CreateLeadDocument, {
      input: {
        source: 'WEB_FORM',
        customerId,
        contactName: 'Jan Novák',
        contactEmail: 'jan@example.cz',
        contactPhone: '601 123 456',
        requestedAppointment: '2026-11-10T15:00:00.000Z',
        interest: 'Family SUV',
        interestProductId: product.id,
        score: 72,
      },
    });
    expect(lead).toMatchObject({ status: 'NEW', contactPhone: '601 123 456', score: 72, interestProduct: { sku: 'LEAD-SUV' }, customer: { id: customerId } });

    const skip = await execute(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status: 'QUALIFIED' });
    expectError(skip, 'BAD_USER_INPUT', 'A NEW lead cannot become QUALIFIED; allowed next: CONTACTED, DISQUALIFIED');
    const early = await execute(url, ConvertLeadDocument, { id: lead.id, version: lead.version });
    expectError(early, 'BAD_USER_INPUT', /cannot become CONVERTED/);

    lead = (await executeOk(url, AssignLeadDocument, { id: lead.id, version: lead.version, ownerId: rep })).assignLead;
    expect(lead.owner?.id).toBe(rep);
    lead = (await executeOk(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status: 'CONTACTED' })).updateLeadStatus;
    const stale = await execute(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version - 1, status: 'QUALIFIED' });
    expectError(stale, 'CONFLICT', /changed by someone else/);
    lead = (await executeOk(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status: 'QUALIFIED' })).updateLeadStatus;

    const { convertLead } = await executeOk(url, ConvertLeadDocument, { id: lead.id, version: lead.version });
    const { pipeline } = await executeOk(url, DefaultPipelineDocument);
    expect(convertLead.lead).toMatchObject({ status: 'CONVERTED', convertedOpportunity: { id: convertLead.opportunity.id } });
    expect(convertLead.opportunity).toMatchObject({
      title: 'Family SUV',
      status: 'OPEN',
      amount: { amount: '899900.00', currency: 'CZK' },
      pipeline: { id: pipeline.id },
      currentStage: { id: pipeline.stages[0]!.id, position: 0 },
    });
    const after = await execute(url, UpdateLeadStatusDocument, { id: lead.id, version: convertLead.lead.version, status: 'DISQUALIFIED', reason: 'late' });
    expectError(after, 'BAD_USER_INPUT', 'A CONVERTED lead cannot become DISQUALIFIED; allowed next: none (it is final)');

    expect((await eventsOf(lead.id)).map((e) => e.type)).toEqual(['LeadCreated', 'LeadAssigned', 'LeadStatusChanged', 'LeadStatusChanged', 'LeadConverted']);
    expect((await eventsOf(lead.id))[4]?.payload).toMatchObject({ opportunityId: convertLead.opportunity.id, customerId });
    expect((await eventsOf(convertLead.opportunity.id)).map((e) => e.type)).toEqual(['OpportunityCreated']);
  });

  it('rejects a lead nobody can be reached on, a disqualification without reason, and lists leads by status and owner', async () => {
    const orphan = await execute(url, CreateLeadDocument, { input: { source: 'PHONE' } });
    expectError(orphan, 'BAD_USER_INPUT', /customerId or at least one contact detail/);
    const badEmail = await execute(url, CreateLeadDocument, { input: { source: 'PHONE', contactEmail: 'nope' } });
    expectError(badEmail, 'BAD_USER_INPUT', /e-mail/);

    const owner = randomUUID();
    const { createLead } = await executeOk(url, CreateLeadDocument, { input: { source: 'WALK_IN', contactName: 'Walk In', ownerId: owner } });
    const noReason = await execute(url, UpdateLeadStatusDocument, { id: createLead.id, version: createLead.version, status: 'DISQUALIFIED' });
    expectError(noReason, 'BAD_USER_INPUT', /why/);
    const { updateLeadStatus } = await executeOk(url, UpdateLeadStatusDocument, {
      id: createLead.id,
      version: createLead.version,
      status: 'DISQUALIFIED',
      reason: 'Just browsing',
    });
    expect(updateLeadStatus).toMatchObject({ status: 'DISQUALIFIED', statusReason: 'Just browsing' });

    const { leads } = await executeOk(url, LeadsDocument, { filter: { statuses: ['DISQUALIFIED'], ownerIds: [owner] }, first: 10 });
    expect(leads.totalCount).toBe(1);
    expect(leads.edges[0]?.node.id).toBe(createLead.id);
  });
});

describe('pipelines and opportunities', () => {
  it('configures stages by data: create, add, rename, reorder, with validation and CONFLICT on a stale pipeline', async () => {
    const pipeline = await newPipeline('Used cars');
    expect(pipeline.stages.map((s) => [s.name, s.position, s.probability])).toEqual([
      ['Inquiry', 0, 10],
      ['Offer', 1, 50],
      ['Won', 2, 100],
      ['Lost', 3, 0],
    ]);
    const { addPipelineStage } = await executeOk(url, AddPipelineStageDocument, {
      input: { pipelineId: pipeline.id, pipelineVersion: pipeline.version, name: 'Test drive', probability: 30, marker: 'TEST_DRIVE', position: 1 },
    });
    expect(addPipelineStage.stages.map((s) => s.name)).toEqual(['Inquiry', 'Test drive', 'Offer', 'Won', 'Lost']);
    const stale = await execute(url, AddPipelineStageDocument, {
      input: { pipelineId: pipeline.id, pipelineVersion: pipeline.version, name: 'Other', probability: 5 },
    });
    expectError(stale, 'CONFLICT');

    const offer = addPipelineStage.stages[2]!;
    const { renamePipelineStage } = await executeOk(url, RenamePipelineStageDocument, { id: offer.id, version: offer.version, name: 'First offer sent' });
    expect(renamePipelineStage).toMatchObject({ name: 'First offer sent', marker: 'FIRST_OFFER_SENT' });
    const duplicate = await execute(url, RenamePipelineStageDocument, { id: offer.id, version: renamePipelineStage.version, name: 'inquiry' });
    expectError(duplicate, 'BAD_USER_INPUT', /unique/);

    const reversed = addPipelineStage.stages.map((s) => s.id).reverse();
    const { reorderPipelineStages } = await executeOk(url, ReorderPipelineStagesDocument, {
      pipelineId: pipeline.id,
      version: addPipelineStage.version,
      stageIds: reversed,
    });
    expect(reorderPipelineStages.stages.map((s) => s.id)).toEqual(reversed);
    const partial = await execute(url, ReorderPipelineStagesDocument, {
      pipelineId: pipeline.id,
      version: reorderPipelineStages.version,
      stageIds: reversed.slice(1),
    });
    expectError(partial, 'BAD_USER_INPUT', 'stageIds must list every stage of the pipeline exactly once');

    const both = await execute(url, CreatePipelineDocument, { input: { name: 'Odd', stages: [{ name: 'Both', probability: 50, isWon: true, isLost: true }] } });
    expectError(both, 'BAD_USER_INPUT', 'Stage "Both" cannot be both won and lost');
    const range = await execute(url, CreatePipelineDocument, { input: { name: 'Odd', stages: [{ name: 'Sure', probability: 150 }] } });
    expectError(range, 'BAD_USER_INPUT', 'probability must be between 0 and 100');
    const empty = await execute(url, CreatePipelineDocument, { input: { name: 'Odd', stages: [] } });
    expectError(empty, 'BAD_USER_INPUT', 'a pipeline needs at least one stage');
  });

  it('moves an opportunity through stages with history, status from the stage flags, and events with the marker', async () => {
    const customerId = await newCustomer('Mover');
    const pipeline = await newPipeline('Moves');
    const [inquiry, offer, won] = pipeline.stages;
    let opportunity: OpportunityFieldsFragment = await newOpportunity(customerId, pipeline.id, '1000.00');
    expect(opportunity).toMatchObject({ stage: 'Inquiry', currentStage: { id: inquiry!.id }, status: 'OPEN', probability: 10 });

    // The caller comes from the verified credentials; a client's own x-viewer header is ignored.
    const manager = await platform.createStaff('SALES_MANAGER');
    const moved = await execute(
      url,
      MoveOpportunityDocument,
      { id: opportunity.id, version: opportunity.version, stageId: offer!.id },
      {
        authorization: manager.authorization,
        'x-viewer': JSON.stringify({ id: 'impostor', kind: 'user', roles: ['ADMIN'] }),
      },
    );
    opportunity = moved.data!.moveOpportunity;
    expect(opportunity).toMatchObject({ stage: 'Offer', probability: 50, status: 'OPEN' });
    opportunity = (await executeOk(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: won!.id })).moveOpportunity;
    expect(opportunity).toMatchObject({ status: 'WON', probability: 100 });

    const { opportunity: read } = await executeOk(url, OpportunityDocument, { id: opportunity.id, historyFirst: 10 });
    expect(read.stageHistory.totalCount).toBe(3);
    expect(read.stageHistory.edges.map((e) => [e.node.from?.name ?? null, e.node.to.name, e.node.changedBy])).toEqual([
      [null, 'Inquiry', platform.admin.id],
      ['Inquiry', 'Offer', manager.id],
      ['Offer', 'Won', platform.admin.id],
    ]);
    const events = await eventsOf(opportunity.id);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated', 'OpportunityStageChanged', 'OpportunityStageChanged', 'OpportunityWon']);
    expect(events[1]?.payload).toMatchObject({ fromStageId: inquiry!.id, toStageId: offer!.id, marker: 'FIRST_OFFER_SENT', changedBy: manager.id });

    const same = await execute(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: won!.id });
    expectError(same, 'BAD_USER_INPUT', /already in stage "Won"/);
    const { pipeline: other } = await executeOk(url, DefaultPipelineDocument);
    const foreign = await execute(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: other.stages[0]!.id });
    expectError(foreign, 'BAD_USER_INPUT', /belongs to another pipeline/);
    const unknown = await execute(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: UNKNOWN_ID });
    expectError(unknown, 'NOT_FOUND', `Stage ${UNKNOWN_ID} does not exist`);
  });

  it('lets only the first of two reps editing one opportunity win; the second gets CONFLICT', async () => {
    const customerId = await newCustomer('Race');
    const pipeline = await newPipeline('Race');
    const opportunity = await newOpportunity(customerId, pipeline.id, '5000.00');
    const [first, second] = await Promise.all([
      execute(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: pipeline.stages[1]!.id }),
      execute(url, UpdateOpportunityDocument, { id: opportunity.id, version: opportunity.version, input: { title: 'Renamed by rep B' } }),
    ]);
    expect([...errorCodes(first), ...errorCodes(second)]).toEqual(['CONFLICT']);
    const { opportunity: now } = await executeOk(url, OpportunityDocument, { id: opportunity.id });
    expect(now.version).toBe(opportunity.version + 1);
    const stale = await execute(url, MoveOpportunityDocument, { id: opportunity.id, version: opportunity.version, stageId: pipeline.stages[3]!.id });
    expectError(stale, 'CONFLICT', /reload it and apply your change again/);
  });

  it('updates with changedFields, overrides the probability, archives, and filters the list', async () => {
    const customerId = await newCustomer('Update');
    const pipeline = await newPipeline('Updates');
    const owner = randomUUID();
    let opportunity: OpportunityFieldsFragment = await newOpportunity(customerId, pipeline.id, '100.00');
    opportunity = (
      await executeOk(url, UpdateOpportunityDocument, {
        id: opportunity.id,
        version: opportunity.version,
        input: { amount: CZK('250.50'), ownerId: owner, probability: 35, expectedCloseDate: '2027-02-01' },
      })
    ).updateOpportunity;
    expect(opportunity).toMatchObject({ amount: { amount: '250.50' }, probability: 35, expectedCloseDate: '2027-02-01', owner: { id: owner } });
    const changed = (await eventsOf(opportunity.id)).find((e) => e.type === 'OpportunityChanged');
    expect(changed?.payload.changedFields).toEqual(['amount', 'ownerId', 'expectedCloseDate', 'probabilityOverride']);
    opportunity = (await executeOk(url, UpdateOpportunityDocument, { id: opportunity.id, version: opportunity.version, input: { probability: null } }))
      .updateOpportunity;
    expect(opportunity.probability).toBe(10);
    const negative = await execute(url, UpdateOpportunityDocument, { id: opportunity.id, version: opportunity.version, input: { amount: CZK('-1') } });
    expectError(negative, 'BAD_USER_INPUT', 'amount must not be negative');

    const second = await newOpportunity(customerId, pipeline.id, '1.00', { ownerId: owner });
    await executeOk(url, MoveOpportunityDocument, { id: second.id, version: second.version, stageId: pipeline.stages[3]!.id });
    const byStatus = await executeOk(url, OpportunitiesDocument, { filter: { pipelineId: pipeline.id, statuses: ['LOST'] } });
    expect(byStatus.opportunities.edges.map((e) => e.node.id)).toEqual([second.id]);
    const byOwner = await executeOk(url, OpportunitiesDocument, { filter: { ownerIds: [owner] }, first: 1 });
    expect(byOwner.opportunities.totalCount).toBe(2);
    expect(byOwner.opportunities.pageInfo.hasNextPage).toBe(true);
    const nextPage = await executeOk(url, OpportunitiesDocument, { filter: { ownerIds: [owner] }, first: 1, after: byOwner.opportunities.pageInfo.endCursor });
    expect(nextPage.opportunities.edges[0]?.node.id).toBe(opportunity.id);
    const byStage = await executeOk(url, OpportunitiesDocument, { filter: { stageIds: [pipeline.stages[0]!.id] } });
    expect(byStage.opportunities.edges.map((e) => e.node.id)).toEqual([opportunity.id]);

    const { archiveOpportunity } = await executeOk(url, ArchiveOpportunityDocument, { id: opportunity.id, version: opportunity.version });
    expect(archiveOpportunity.archivedAt).not.toBeNull();
    const visible = await executeOk(url, OpportunitiesDocument, { filter: { pipelineId: pipeline.id } });
    expect(visible.opportunities.totalCount).toBe(1);
    const all = await executeOk(url, OpportunitiesDocument, { filter: { pipelineId: pipeline.id, includeArchived: true } });
    expect(all.opportunities.totalCount).toBe(2);
    const frozen = await execute(url, MoveOpportunityDocument, { id: opportunity.id, version: archiveOpportunity.version, stageId: pipeline.stages[1]!.id });
    expectError(frozen, 'CONFLICT', /archived/);
  });

  it('creates in the default pipeline first stage, or a stage by name; rejects unknown stages and ids', async () => {
    const customerId = await newCustomer('Default');
    const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, { input: { customerId, title: 'Plain', amount: CZK('10') } });
    expect(createOpportunity).toMatchObject({ pipeline: { name: 'Car sales' }, stage: 'New inquiry', probability: 10 });
    const named = await executeOk(url, CreateOpportunityDocument, { input: { customerId, title: 'Named', stage: 'Negotiation', amount: CZK('10') } });
    expect(named.createOpportunity.currentStage).toMatchObject({ name: 'Negotiation', probability: 70 });
    const missing = await execute(url, CreateOpportunityDocument, { input: { customerId, title: 'X', stage: 'Nope', amount: CZK('10') } });
    expectError(missing, 'BAD_USER_INPUT', 'Pipeline "Car sales" has no stage named "Nope"');
    const badPipeline = await execute(url, CreateOpportunityDocument, { input: { customerId, title: 'X', pipelineId: UNKNOWN_ID, amount: CZK('10') } });
    expectError(badPipeline, 'NOT_FOUND');
    const malformed = await execute(url, CreateOpportunityDocument, { input: { customerId, title: 'X', amount: CZK('1.2.3') } });
    expectError(malformed, 'BAD_USER_INPUT', /is not a decimal number/);
    const badId = await execute(url, OpportunityDocument, { id: 'nope' });
    expectError(badId, 'BAD_USER_INPUT', '"nope" is not a valid Opportunity id');
  });
});

describe('products', () => {
  it('lists the catalogue by category and activity, searches by name with a score, and rejects bad input', async () => {
    const octavia = await newProduct('PRD-OCTAVIA', 'Škoda Octavia Combi', '749900.00');
    await newProduct('PRD-KODIAQ', 'Škoda Kodiaq', '899900.00');
    const insurance = await newProduct('PRD-INS', 'Comprehensive insurance', '24900.00', 'INSURANCE');
    const { updateProduct } = await executeOk(url, UpdateProductDocument, { id: insurance.id, version: insurance.version, input: { active: false } });
    expect(updateProduct.active).toBe(false);

    const cars = await executeOk(url, ProductsDocument, { filter: { categories: ['CAR'], search: 'škoda' }, first: 1 });
    expect(cars.products.totalCount).toBe(2);
    expect(cars.products.edges.map((e) => e.node.sku)).toEqual(['PRD-KODIAQ']);
    const rest = await executeOk(url, ProductsDocument, {
      filter: { categories: ['CAR'], search: 'škoda' },
      first: 1,
      after: cars.products.pageInfo.endCursor,
    });
    expect(rest.products.edges.map((e) => e.node.sku)).toEqual(['PRD-OCTAVIA']);
    const inactive = await executeOk(url, ProductsDocument, { filter: { active: false, search: 'insur' } });
    expect(inactive.products.edges.map((e) => e.node.sku)).toEqual(['PRD-INS']);

    const { searchProducts } = await executeOk(url, SearchProductsDocument, { query: 'octa comb' });
    expect(searchProducts.map((h) => h.product.sku)).toEqual([octavia.sku]);
    expect(searchProducts[0]!.score).toBeGreaterThan(0);
    const hidden = await executeOk(url, SearchProductsDocument, { query: 'insurance' });
    expect(hidden.searchProducts).toEqual([]);
    expectError(await execute(url, SearchProductsDocument, { query: '  !! ' }), 'BAD_USER_INPUT', /at least one letter/);

    expectError(await execute(url, CreateProductDocument, { input: { sku: 'PRD-OCTAVIA', name: 'Twin', category: 'CAR', listPrice: CZK('1') } }), 'CONFLICT');
    expectError(
      await execute(url, CreateProductDocument, { input: { sku: 'X1', name: 'Bad', category: 'CAR', listPrice: CZK('abc') } }),
      'BAD_USER_INPUT',
      /not a decimal/,
    );
    expectError(
      await execute(url, CreateProductDocument, { input: { sku: 'X2', name: 'Neg', category: 'CAR', listPrice: CZK('-1') } }),
      'BAD_USER_INPUT',
      'listPrice must not be negative',
    );
  });
});

describe('quotes', () => {
  it('prices lines exactly, calculates loan and lease, and walks DRAFT → SENT → VIEWED → ACCEPTED', async () => {
    const customerId = await newCustomer('Quote');
    const car = await newProduct('Q-CAR', 'Quote car', '100000.00');
    const extra = await newProduct('Q-EXTRA', 'Floor mats', '0.10', 'SERVICE_PACKAGE');
    const opportunity = await newOpportunity(customerId, (await newPipeline('Quotes')).id, '100000');
    const { createQuote: created } = await executeOk(url, CreateQuoteDocument, {
      input: { opportunityId: opportunity.id, title: 'Offer', currency: 'CZK', taxRatePercent: '21', validUntil: '2099-12-31' },
    });
    let quote: QuoteFieldsFragment = created;
    expect(created).toMatchObject({ status: 'DRAFT', customer: { id: customerId }, opportunity: { id: opportunity.id } });

    const noFinancing = await execute(url, AddQuoteFinancingDocument, { quoteId: quote.id, version: quote.version, input: { kind: 'CASH' } });
    expectError(noFinancing, 'BAD_USER_INPUT', /Add lines/);
    quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: car.id, discountPercent: '5' } }))
      .addQuoteLine;
    quote = (
      await executeOk(url, AddQuoteLineDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { productId: extra.id, quantity: 3, discountAmount: '0.05' },
      })
    ).addQuoteLine;
    expect(quote.lines.map((l) => [l.product.sku, l.quantity, l.unitPrice.amount, l.discount.amount, l.net.amount])).toEqual([
      ['Q-CAR', 1, '100000.00', '5000.00', '95000.00'],
      ['Q-EXTRA', 3, '0.10', '0.05', '0.25'],
    ]);
    expect([quote.subtotal.amount, quote.discount.amount, quote.tax.amount, quote.total.amount]).toEqual(['100000.30', '5000.05', '19950.05', '114950.30']);

    quote = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LOAN', termMonths: 12, annualRatePercent: '12', downPaymentAmount: '14950.30' },
      })
    ).addQuoteFinancing;
    quote = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LEASE', termMonths: 36, annualRatePercent: '6', downPaymentAmount: '84950.30', residualValueAmount: '10000' },
      })
    ).addQuoteFinancing;
    quote = (await executeOk(url, AddQuoteFinancingDocument, { quoteId: quote.id, version: quote.version, input: { kind: 'CASH' } })).addQuoteFinancing;
    const figures = quote.financingOptions.map((f) => [
      f.kind,
      f.financed.amount,
      f.monthlyPayment?.amount ?? null,
      f.totalPaid.amount,
      f.totalInterest.amount,
    ]);
    expect(figures).toEqual([
      ['LOAN', '100000.00', '8884.88', '121568.85', '6618.55'],
      ['LEASE', '30000.00', '658.44', '118654.09', '3703.79'],
      ['CASH', '0.00', null, '114950.30', '0.00'],
    ]);

    const bad = async (input: Record<string, unknown>, message: string | RegExp) =>
      expectError(
        await execute(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: car.id, ...input } }),
        'BAD_USER_INPUT',
        message,
      );
    await bad({ quantity: -2 }, 'quantity must be at least 1');
    await bad({ discountPercent: '5', discountAmount: '1' }, 'Give the discount in percent or as an amount, not both');
    await bad({ discountPercent: '120' }, 'discountPercent must be between 0 and 100');
    await bad({ discountAmount: '100000.01' }, 'The discount is more than the line is worth');
    await bad({ unitPrice: { amount: '10', currency: 'EUR' } }, 'The unit price is in EUR but the quote is in CZK');
    await bad({ unitPrice: { amount: '10,5', currency: 'CZK' } }, /not a decimal number/);
    expectError(await execute(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: UNKNOWN_ID } }), 'NOT_FOUND');
    expectError(
      await execute(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LEASE', termMonths: 12, annualRatePercent: '5' },
      }),
      'BAD_USER_INPUT',
      /residualValue/,
    );
    expectError(
      await execute(url, AcceptQuoteDocument, { id: quote.id, version: quote.version }),
      'BAD_USER_INPUT',
      'A DRAFT quote cannot become ACCEPTED; allowed next: SENT',
    );

    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    expect(sent.status).toBe('SENT');
    expectError(
      await execute(url, AddQuoteLineDocument, { quoteId: quote.id, version: sent.version, input: { productId: car.id } }),
      'BAD_USER_INPUT',
      /can no longer be edited/,
    );
    const viewed = (await executeOk(url, MarkQuoteViewedDocument, { id: quote.id })).markQuoteViewed;
    expect((await executeOk(url, MarkQuoteViewedDocument, { id: quote.id })).markQuoteViewed).toEqual(viewed);
    expectError(await execute(url, AcceptQuoteDocument, { id: quote.id, version: sent.version }), 'CONFLICT');
    expect((await executeOk(url, AcceptQuoteDocument, { id: quote.id, version: viewed.version })).acceptQuote.status).toBe('ACCEPTED');

    const events = await eventsOf(quote.id);
    expect(events.map((e) => e.type)).toEqual([
      'QuoteCreated',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteChanged',
      'QuoteSent',
      'QuoteViewed',
      'QuoteAccepted',
    ]);
    expect(events[6]?.payload).toMatchObject({
      total: { amount: '114950.30', currency: 'CZK' },
      lines: [{ description: 'Quote car' }, { description: 'Floor mats' }],
    });
  });

  it('keeps percent-based financing in step with the total, and rejects a quote after sending', async () => {
    const customerId = await newCustomer('Reject');
    const car = await newProduct('R-CAR', 'Reject car', '30000.00');
    let quote: QuoteFieldsFragment = (await executeOk(url, CreateQuoteDocument, { input: { customerId, title: 'Lease', currency: 'CZK' } })).createQuote;
    quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: car.id } })).addQuoteLine;
    quote = (
      await executeOk(url, AddQuoteFinancingDocument, {
        quoteId: quote.id,
        version: quote.version,
        input: { kind: 'LOAN', termMonths: 10, annualRatePercent: '0', downPaymentPercent: '10' },
      })
    ).addQuoteFinancing;
    expect(quote.financingOptions[0]).toMatchObject({ downPayment: { amount: '3000.00' }, monthlyPayment: { amount: '2700.00' } });
    quote = (await executeOk(url, AddQuoteLineDocument, { quoteId: quote.id, version: quote.version, input: { productId: car.id } })).addQuoteLine;
    expect(quote.financingOptions[0]).toMatchObject({
      downPayment: { amount: '6000.00' },
      monthlyPayment: { amount: '5400.00' },
      totalPaid: { amount: '60000.00' },
    });

    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    const { rejectQuote } = await executeOk(url, RejectQuoteDocument, { id: quote.id, version: sent.version, reason: 'Too expensive' });
    expect(rejectQuote).toMatchObject({ status: 'REJECTED', rejectionReason: 'Too expensive' });
    expectError(await execute(url, MarkQuoteViewedDocument, { id: quote.id }), 'BAD_USER_INPUT', /REJECTED quote cannot become VIEWED/);
    expect((await eventsOf(quote.id)).map((e) => e.type).slice(-2)).toEqual(['QuoteSent', 'QuoteRejected']);
    expectError(await execute(url, CreateQuoteDocument, { input: { title: 'Nobody', currency: 'CZK' } }), 'BAD_USER_INPUT', /customerId or an opportunityId/);
  });
});

describe('activities', () => {
  it('records calls, meetings and tasks on a target, completes tasks, and lists them by due date', async () => {
    const customerId = await newCustomer('Activity');
    const opportunity = await newOpportunity(customerId, (await newPipeline('Activities')).id, '1');
    expectError(await execute(url, CreateActivityDocument, { input: { type: 'CALL', subject: 'Lost' } }), 'BAD_USER_INPUT', /at least one/);
    expectError(
      await execute(url, CreateActivityDocument, { input: { type: 'TASK', subject: 'No date', customerId } }),
      'BAD_USER_INPUT',
      'A task needs a due date (dueAt)',
    );
    expectError(
      await execute(url, CreateActivityDocument, {
        input: { type: 'TASK', subject: 'Late reminder', customerId, dueAt: '2026-12-01T09:00:00.000Z', reminderAt: '2026-12-02T09:00:00.000Z' },
      }),
      'BAD_USER_INPUT',
      /reminder must come before/,
    );
    expectError(await execute(url, CreateActivityDocument, { input: { type: 'NOTE', subject: 'Ghost', opportunityId: UNKNOWN_ID } }), 'NOT_FOUND');

    await executeOk(url, CreateActivityDocument, { input: { type: 'CALL', subject: 'Hotline call', customerId, occurredAt: '2026-11-03T09:00:00.000Z' } });
    const { createActivity: later } = await executeOk(url, CreateActivityDocument, {
      input: { type: 'TASK', subject: 'Call back', opportunityId: opportunity.id, dueAt: '2026-12-10T09:00:00.000Z', reminderAt: '2026-12-10T08:30:00.000Z' },
    });
    expect(later).toMatchObject({ done: false, customer: { id: customerId }, opportunity: { id: opportunity.id } });
    const { createActivity: sooner } = await executeOk(url, CreateActivityDocument, {
      input: { type: 'MEETING', subject: 'Showroom', customerId, dueAt: '2026-12-01T15:00:00.000Z' },
    });
    const { completeActivity } = await executeOk(url, CompleteActivityDocument, { id: later.id, version: later.version });
    expect(completeActivity.done).toBe(true);
    expectError(await execute(url, CompleteActivityDocument, { id: later.id, version: completeActivity.version }), 'BAD_USER_INPUT', /already done/);
    expectError(await execute(url, CompleteActivityDocument, { id: sooner.id, version: sooner.version + 1 }), 'CONFLICT');
    expect((await eventsOf(later.id)).map((e) => e.type)).toEqual(['ActivityCreated', 'ActivityCompleted']);

    const { customer } = await executeOk(url, CustomerSalesDocument, { id: customerId });
    expect(customer.activities?.totalCount).toBe(2);
    expect(customer.activities?.edges.map((e) => e.node.subject)).toEqual(['Showroom', 'Call back']);
    const open = await executeOk(url, ActivitiesDocument, { filter: { opportunityId: opportunity.id, done: false } });
    expect(open.activities.totalCount).toBe(0);
  });
});

describe('pipelineSummary', () => {
  it('sums count, value and weighted value per stage and in total, exactly, for an owner or a team', async () => {
    const customerId = await newCustomer('Summary');
    const pipeline = await newPipeline('Summary');
    const [inquiry, offer, won] = pipeline.stages;
    const [repA, repB] = [randomUUID(), randomUUID()];
    await newOpportunity(customerId, pipeline.id, '1000.10', { ownerId: repA });
    await newOpportunity(customerId, pipeline.id, '2000.05', { ownerId: repB });
    await newOpportunity(customerId, pipeline.id, '333.33', { ownerId: repA, stageId: offer!.id });
    await newOpportunity(customerId, pipeline.id, '100.00', { ownerId: repB, stageId: offer!.id, probability: 25 });
    await newOpportunity(customerId, pipeline.id, '500.00', { ownerId: repA, stageId: won!.id });
    await newOpportunity(customerId, pipeline.id, '9.99', { ownerId: repA, amount: { amount: '9.99', currency: 'EUR' } });
    const archived = await newOpportunity(customerId, pipeline.id, '7777.00', { ownerId: repA });
    await executeOk(url, ArchiveOpportunityDocument, { id: archived.id, version: archived.version });

    const rows = (summary: { stages: Array<{ stage: { name: string }; count: number; value: { amount: string }; weightedValue: { amount: string } }> }) =>
      summary.stages.map((s) => [s.stage.name, s.count, s.value.amount, s.weightedValue.amount]);
    const { pipelineSummary: all } = await executeOk(url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'CZK' });
    expect(rows(all)).toEqual([
      [inquiry!.name, 2, '3000.15', '300.02'],
      ['Offer', 2, '433.33', '191.67'],
      ['Won', 1, '500.00', '500.00'],
      ['Lost', 0, '0.00', '0.00'],
    ]);
    expect([all.count, all.value, all.weightedValue.amount]).toEqual([5, { amount: '3933.48', currency: 'CZK' }, '991.68']);

    const { pipelineSummary: mine } = await executeOk(url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'CZK', ownerId: repA });
    expect(rows(mine).slice(0, 3)).toEqual([
      [inquiry!.name, 1, '1000.10', '100.01'],
      ['Offer', 1, '333.33', '166.67'],
      ['Won', 1, '500.00', '500.00'],
    ]);
    expect([mine.count, mine.value.amount, mine.weightedValue.amount]).toEqual([3, '1833.43', '766.68']);
    const { pipelineSummary: team } = await executeOk(url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'CZK', teamMemberIds: [repA, repB] });
    expect(team.weightedValue.amount).toBe('991.68');
    const { pipelineSummary: euro } = await executeOk(url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'EUR' });
    expect([euro.count, euro.value.amount]).toEqual([1, '9.99']);

    expectError(await execute(url, PipelineSummaryDocument, { pipelineId: UNKNOWN_ID, currency: 'CZK' }), 'NOT_FOUND');
    expectError(await execute(url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'euro' }), 'BAD_USER_INPUT', /ISO 4217/);
  });
});

describe('the customer in sales', () => {
  it('extends Customer with leads, filtered opportunities, quotes and activities, batched per request', async () => {
    const customerId = await newCustomer('Extended');
    const pipeline = await newPipeline('Extended');
    await executeOk(url, CreateLeadDocument, { input: { source: 'CAMPAIGN', customerId } });
    const open = await newOpportunity(customerId, pipeline.id, '10');
    const lost = await newOpportunity(customerId, pipeline.id, '20');
    await executeOk(url, MoveOpportunityDocument, { id: lost.id, version: lost.version, stageId: pipeline.stages[3]!.id });
    await executeOk(url, CreateQuoteDocument, { input: { opportunityId: open.id, title: 'Q', currency: 'CZK' } });

    await platform.resetSqlLog();
    const { customer } = await executeOk(url, CustomerSalesDocument, { id: customerId, opportunityFilter: { statuses: ['OPEN'] } });
    expect(customer.leads?.edges.map((e) => e.node.status)).toEqual(['NEW']);
    expect(customer.opportunities?.totalCount).toBe(1);
    expect(customer.opportunities?.edges[0]?.node).toMatchObject({ title: open.title, stage: 'Inquiry', status: 'OPEN' });
    expect(customer.quotes?.edges[0]?.node).toMatchObject({ title: 'Q', total: { amount: '0.00' }, financingOptions: [] });
    // One statement per list, per count and per nested batch: nothing runs once per row.
    expect(salesSelects()).toHaveLength(10);
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

  it('reports unknown and malformed ids', async () => {
    expectError(await execute(url, ConvertLeadDocument, { id: UNKNOWN_ID, version: 1 }), 'NOT_FOUND', `Lead ${UNKNOWN_ID} does not exist`);
    expectError(await execute(url, SendQuoteDocument, { id: UNKNOWN_ID, version: 1 }), 'NOT_FOUND', `Quote ${UNKNOWN_ID} does not exist`);
    expectError(await execute(url, UpdateProductDocument, { id: 'x', version: 1, input: {} }), 'BAD_USER_INPUT', '"x" is not a valid Product id');
    expectError(await execute(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Y', interestProductId: UNKNOWN_ID } }), 'NOT_FOUND');
  });
});
