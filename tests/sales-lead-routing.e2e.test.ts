import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateLeadRoutingRuleDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  SubmitWebFormDocument,
  WebFormLeadDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 12, point 5: a lead from a known customer goes to their existing rep, before any routing rule. Across
// services: identity resolves the web form to the customer, sales routes the lead. On sales' own database:
// subgraphs/sales/test/lead-routing.int.test.ts.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const CZK = (amount: string) => ({ amount, currency: 'CZK' });

describe('a web-form lead from a known customer', () => {
  it('goes to the rep who owns their open deal, not to the rep the rules would choose', async () => {
    const url = platform.gatewayUrl;
    const [theirRep, ruleRep] = [await platform.createStaff('SALES_REP'), await platform.createStaff('SALES_REP')];
    await executeOk(url, CreateLeadRoutingRuleDocument, { input: { name: 'Everywhere', candidateUserIds: [ruleRep.id], priority: 0 } });
    const email = `known-${randomUUID().slice(0, 8)}@example.cz`;
    const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Petr', lastName: 'Známý', emails: [email], phones: [] },
    });
    const { createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, {
      input: { name: `Cars ${randomUUID().slice(0, 8)}`, stages: [{ name: 'Inquiry', probability: 10 }] },
    });
    const { createOpportunity: deal } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: customer.id, pipelineId: pipeline.id, title: 'Superb', amount: CZK('1000.00'), ownerId: theirRep.id },
    });

    const { submitWebForm: lead } = await executeOk(url, SubmitWebFormDocument, {
      input: {
        formKey: platform.webFormKey,
        submissionId: `sub-${randomUUID().slice(0, 8)}`,
        firstName: 'Petr',
        lastName: 'Známý',
        email,
        phone: null,
        deviceIds: [],
        consents: [],
        region: 'Praha',
        pageUrl: 'https://dealer.example.cz/superb',
      },
    });
    const routed = await eventually(async () => {
      const { lead: now } = await executeOk(url, WebFormLeadDocument, { id: lead.id });
      expect(now.owner).not.toBeNull();
      return now;
    });
    expect(routed).toMatchObject({
      customer: { id: customer.id },
      owner: { id: theirRep.id },
      assignmentReason: `the customer's rep: the owner of their open opportunity (${deal.id})`,
    });
  });
});
