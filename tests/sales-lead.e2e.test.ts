import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AssignLeadDocument,
  ConvertLeadDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateProductDocument,
  DefaultPipelineDocument,
  LeadsDocument,
  UpdateLeadStatusDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Sales' leads through the gateway: the lead with its product, owner and customer as the API answers them, and input
// the API refuses. The rules (statuses, conversion, lists) are tested on sales' own database (subgraphs/sales/test/lead.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

describe('a lead through the gateway', () => {
  it('answers with its product, owner and customer, and converts into an opportunity in the default pipeline', async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Lead', lastName: 'Buyer', emails: [`lead-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const { createProduct } = await executeOk(url, CreateProductDocument, {
      input: { sku: 'LEAD-SUV', name: 'Lead test SUV', category: 'CAR', listPrice: { amount: '899900.00', currency: 'CZK' } },
    });
    const rep = (await platform.createStaff('SALES_REP')).id; // a member of staff identity knows (ADR 16)
    let { createLead: lead } = await executeOk(url, CreateLeadDocument, {
      input: {
        source: 'WEB_FORM',
        customerId: createCustomer.id,
        contactName: 'Jan Novák',
        interest: 'Family SUV',
        interestProductId: createProduct.id,
        score: 72,
      },
    });
    expect(lead).toMatchObject({
      status: 'NEW',
      score: 72,
      interestProduct: { id: createProduct.id, sku: 'LEAD-SUV' },
      customer: { id: createCustomer.id },
      owner: null,
    });
    lead = (await executeOk(url, AssignLeadDocument, { id: lead.id, version: lead.version, ownerId: rep })).assignLead;
    expect(lead.owner?.id).toBe(rep);
    for (const status of ['CONTACTED', 'QUALIFIED'] as const) {
      lead = (await executeOk(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status })).updateLeadStatus;
    }
    const { convertLead } = await executeOk(url, ConvertLeadDocument, { id: lead.id, version: lead.version });
    const { pipeline } = await executeOk(url, DefaultPipelineDocument);
    expect(convertLead.lead).toMatchObject({ status: 'CONVERTED', convertedOpportunity: { id: convertLead.opportunity.id } });
    expect(convertLead.opportunity).toMatchObject({
      title: 'Family SUV',
      status: 'OPEN',
      amount: { amount: '899900.00', currency: 'CZK' },
      pipeline: { id: pipeline.id, name: 'Car sales' },
      currentStage: { id: pipeline.stages[0]!.id, position: 0 },
    });
    const { leads } = await executeOk(url, LeadsDocument, { filter: { statuses: ['CONVERTED'], ownerIds: [rep] }, first: 10 });
    expect([leads.totalCount, leads.edges.map((e) => e.node.id)]).toEqual([1, [lead.id]]);
  });

  it('refuses malformed contact details and scores before any rule runs', async () => {
    const badEmail = await execute(url, CreateLeadDocument, { input: { source: 'PHONE', contactEmail: 'nope' } });
    expect(errorCodes(badEmail)).toEqual(['BAD_USER_INPUT']);
    expect(badEmail.errors?.[0]?.message).toMatch(/e-mail/);
    const badScore = await execute(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Y', score: 101 } });
    expect(errorCodes(badScore)).toEqual(['BAD_USER_INPUT']);
    expect(badScore.errors?.[0]?.message).toBe('score must be between 0 and 100');
  });
});
