import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  MoveOpportunityDocument,
  OpportunityDocument,
  UpdateOpportunityDocument,
  type StageInput,
} from './generated/graphql.js';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Sales' pipelines and opportunities through the gateway: who the caller is, what the resolvers compute, and input the
// API refuses before any rule runs. The rules are tested on sales' own database (subgraphs/sales/test/opportunity and
// pipeline.int.test.ts).

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const CZK = (amount: string) => ({ amount, currency: 'CZK' });
const stages: StageInput[] = [
  { name: 'Inquiry', probability: 10 },
  { name: 'Offer', probability: 50, marker: 'FIRST_OFFER_SENT' },
  { name: 'Won', probability: 100, isWon: true, marker: 'ORDERED' },
  { name: 'Lost', probability: 0, isLost: true, marker: 'LOST' },
];

function expectError(result: GraphQLResponse<unknown>, code: string, message: string | RegExp) {
  expect(errorCodes(result)).toEqual([code]);
  expect(result.errors?.[0]?.message).toMatch(message);
}

describe('an opportunity through the gateway', () => {
  it("records the verified caller in the stage history, never a client's x-viewer header, and answers stage and probability", async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Mover', lastName: 'Buyer', emails: [`mover-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const { createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, { input: { name: 'Moves', stages } });
    const [inquiry, offer, won] = pipeline.stages;
    const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, pipelineId: pipeline.id, title: 'Deal', amount: CZK('1000.00') },
    });
    expect(createOpportunity).toMatchObject({ stage: 'Inquiry', currentStage: { id: inquiry!.id }, status: 'OPEN', probability: 10 });
    expect(createOpportunity.customer).toEqual({ id: createCustomer.id, displayName: 'Mover Buyer' });

    const manager = await platform.createStaff('SALES_MANAGER');
    const moved = await execute(
      url,
      MoveOpportunityDocument,
      { id: createOpportunity.id, version: createOpportunity.version, stageId: offer!.id },
      { authorization: manager.authorization, 'x-viewer': JSON.stringify({ id: 'impostor', kind: 'user', roles: ['ADMIN'] }) },
    );
    const atOffer = moved.data!.moveOpportunity;
    expect(atOffer).toMatchObject({ stage: 'Offer', probability: 50, status: 'OPEN' });
    // The probability is an override when one is set, else the stage's.
    const { updateOpportunity: overridden } = await executeOk(url, UpdateOpportunityDocument, {
      id: atOffer.id,
      version: atOffer.version,
      input: { probability: 35 },
    });
    expect(overridden.probability).toBe(35);
    const { updateOpportunity: cleared } = await executeOk(url, UpdateOpportunityDocument, {
      id: atOffer.id,
      version: overridden.version,
      input: { probability: null },
    });
    expect(cleared.probability).toBe(50);
    const { moveOpportunity: atWon } = await executeOk(url, MoveOpportunityDocument, { id: atOffer.id, version: cleared.version, stageId: won!.id });
    expect(atWon).toMatchObject({ status: 'WON', probability: 100, currentStage: { id: won!.id, isWon: true } });

    const { opportunity } = await executeOk(url, OpportunityDocument, { id: atWon.id, historyFirst: 10 });
    expect(opportunity.stageHistory.totalCount).toBe(3);
    expect(opportunity.stageHistory.edges.map((e) => [e.node.from?.name ?? null, e.node.to.name, e.node.changedBy])).toEqual([
      [null, 'Inquiry', platform.admin.id],
      ['Inquiry', 'Offer', manager.id],
      ['Offer', 'Won', platform.admin.id],
    ]);
  });

  it("shows a deal's stage under its new name after a rename earlier in the same mutation document", async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Renamed', lastName: 'Stage', emails: [`renamed-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const { createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, { input: { name: 'Renames', stages } });
    const inquiry = pipeline.stages[0]!;
    const { createOpportunity: deal } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, pipelineId: pipeline.id, title: 'Deal', amount: CZK('1000.00') },
    });
    // The gateway sends consecutive mutation fields of one subgraph in one request: one set of loaders for all three.
    const document = parse(`mutation($id: ID!, $version: Int!, $next: Int!, $stageId: ID!, $stageVersion: Int!) {
      before: updateOpportunity(id: $id, version: $version, input: { title: "Deal, renamed stage" }) { version stage }
      rename: renamePipelineStage(id: $stageId, version: $stageVersion, input: { name: "Poptávka" }) { name }
      after: updateOpportunity(id: $id, version: $next, input: { title: "Deal, again" }) { stage currentStage { name } }
    }`) as TypedDocumentNode<Record<string, { version?: number; stage?: string; name?: string; currentStage?: { name: string } }>, Record<string, unknown>>;
    const variables = { id: deal.id, version: deal.version, next: deal.version + 1, stageId: inquiry.id, stageVersion: inquiry.version };
    const result = await execute(url, document, variables);
    expect(result.errors).toBeUndefined();
    expect(result.data!.before!).toEqual({ version: deal.version + 1, stage: 'Inquiry' });
    expect(result.data!.rename!.name).toBe('Poptávka');
    expect(result.data!.after!).toEqual({ stage: 'Poptávka', currentStage: { name: 'Poptávka' } });
  });

  it('refuses malformed input before any rule runs: a probability out of range, a pipeline without stages, a malformed amount', async () => {
    expectError(
      await execute(url, CreatePipelineDocument, { input: { name: 'Odd', stages: [{ name: 'Sure', probability: 150 }] } }),
      'BAD_USER_INPUT',
      'probability must be between 0 and 100',
    );
    expectError(await execute(url, CreatePipelineDocument, { input: { name: 'Odd', stages: [] } }), 'BAD_USER_INPUT', 'a pipeline needs at least one stage');
    const customerId = randomUUID();
    expectError(
      await execute(url, CreateOpportunityDocument, { input: { customerId, title: 'X', amount: CZK('1.2.3') } }),
      'BAD_USER_INPUT',
      /is not a decimal number/,
    );
    expectError(
      await execute(url, CreateOpportunityDocument, { input: { customerId, title: 'X', amount: CZK('1'), probability: 101 } }),
      'BAD_USER_INPUT',
      'probability must be between 0 and 100',
    );
  });
});
