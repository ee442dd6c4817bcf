import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AddPipelineStageDocument,
  AddQuoteLineDocument,
  AssignLeadBothFormsDocument,
  AssignLeadNeitherFormDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  CreateWebFormDocument,
  DefaultPipelineDocument,
  OldAddPipelineStageDocument,
  OldAssignLeadDocument,
  OldConvertLeadDocument,
  OldCreateWebFormDocument,
  OldMoveOpportunityDocument,
  OldRejectQuoteDocument,
  OldRenamePipelineStageDocument,
  OldReorderPipelineStagesDocument,
  OldUpdateLeadStatusDocument,
  SendQuoteDocument,
} from './generated/graphql.js';
import { execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Sales' mutations moved to the one convention (id, version, input) in 0.2; their old loose arguments are deprecated
// and keep working until 0.3 (tests/operations/deprecated-forms.graphql). Every other test uses the new forms.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

describe('the deprecated argument forms, for one more release', () => {
  it('assign, qualify and convert a lead, move its deal, reject its quote, rename and reorder stages, create a web form', async () => {
    const rep = await platform.createStaff('SALES_REP');
    const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Old', lastName: 'Form' } });
    let { createLead: lead } = await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', customerId: customer.id, contactName: 'Old Form' } });
    lead = (await executeOk(url, OldAssignLeadDocument, { id: lead.id, version: lead.version, ownerId: rep.id })).assignLead;
    expect(lead.owner?.id).toBe(rep.id);
    for (const status of ['CONTACTED', 'QUALIFIED'] as const) {
      lead = (await executeOk(url, OldUpdateLeadStatusDocument, { id: lead.id, version: lead.version, status })).updateLeadStatus;
    }
    expect(lead.status).toBe('QUALIFIED');

    const { pipeline } = await executeOk(url, DefaultPipelineDocument);
    const { convertLead } = await executeOk(url, OldConvertLeadDocument, {
      id: lead.id,
      version: lead.version,
      pipelineId: pipeline.id,
      amount: { amount: '500000.00', currency: 'CZK' },
    });
    expect(convertLead.lead.status).toBe('CONVERTED');
    expect(convertLead.opportunity.amount).toEqual({ amount: '500000.00', currency: 'CZK' });
    const second = pipeline.stages[1]!;
    const { moveOpportunity } = await executeOk(url, OldMoveOpportunityDocument, {
      id: convertLead.opportunity.id,
      version: convertLead.opportunity.version,
      stageId: second.id,
    });
    expect(moveOpportunity.currentStage?.id).toBe(second.id);

    const { createProduct: car } = await executeOk(url, CreateProductDocument, {
      input: { sku: `OLD-${lead.id.slice(0, 8)}`, name: 'Old form car', category: 'CAR', listPrice: { amount: '500000.00', currency: 'CZK' } },
    });
    const draft = (await executeOk(url, CreateQuoteDocument, { input: { opportunityId: convertLead.opportunity.id, title: 'Offer', currency: 'CZK' } }))
      .createQuote;
    const lined = (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id, quantity: 1 } }))
      .addQuoteLine;
    const sent = (await executeOk(url, SendQuoteDocument, { id: lined.id, version: lined.version })).sendQuote;
    const { rejectQuote } = await executeOk(url, OldRejectQuoteDocument, { id: sent.id, version: sent.version, reason: 'Too expensive' });
    expect(rejectQuote).toMatchObject({ status: 'REJECTED', rejectionReason: 'Too expensive' });

    const { renamePipelineStage } = await executeOk(url, OldRenamePipelineStageDocument, { id: second.id, version: second.version, name: 'Viewing' });
    expect(renamePipelineStage.name).toBe('Viewing');
    const current = (await executeOk(url, DefaultPipelineDocument)).pipeline;
    const reversed = current.stages.map((s) => s.id).reverse();
    const { reorderPipelineStages } = await executeOk(url, OldReorderPipelineStagesDocument, {
      pipelineId: current.id,
      version: current.version,
      stageIds: reversed,
    });
    expect(reorderPipelineStages.stages.map((s) => s.id)).toEqual(reversed);
    const stage = { probability: 40, isWon: false, isLost: false };
    const { addPipelineStage: withOld } = await executeOk(url, OldAddPipelineStageDocument, {
      input: { ...stage, name: 'Old way', pipelineId: current.id, pipelineVersion: reorderPipelineStages.version },
    });
    const { addPipelineStage: withNew } = await executeOk(url, AddPipelineStageDocument, {
      pipelineId: current.id,
      version: withOld.version,
      input: { ...stage, name: 'New way' },
    });
    expect(withNew.stages.map((s) => s.name)).toEqual(expect.arrayContaining(['Old way', 'New way']));

    const { createWebForm: old } = await executeOk(url, OldCreateWebFormDocument, { name: 'Old form page' });
    const { createWebForm: current_ } = await executeOk(url, CreateWebFormDocument, { input: { name: 'New form page' } });
    expect([old.name, current_.name]).toEqual(['Old form page', 'New form page']);
  });

  it('refuses both forms at once, and neither, with BAD_USER_INPUT naming the field', async () => {
    const { createLead: lead } = await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Two Forms' } });
    const both = await execute(url, AssignLeadBothFormsDocument, { id: lead.id, version: lead.version, ownerId: platform.admin.id });
    expect(both.errors).toEqual([
      expect.objectContaining({
        message: 'Send input or the deprecated arguments (ownerId), not both',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'ownerId' }),
      }),
    ]);
    const neither = await execute(url, AssignLeadNeitherFormDocument, { id: lead.id, version: lead.version });
    expect(neither.errors).toEqual([
      expect.objectContaining({
        message: 'input.ownerId is required',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.ownerId' }),
      }),
    ]);
  });
});
