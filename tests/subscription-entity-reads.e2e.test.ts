import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { SubgraphName } from '@crm/kit/config.js';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  InteractionRecordedDocument,
  OpenCaseDocument,
  RecordInteractionsDocument,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

/**
 * The gateway reads the entities of the events one tick fans out as one document of aliased root fields
 * (`e0: interaction(id: …) e1: …`, gateway/subscriptions/entity-loader.ts). Each subgraph answers those aliases
 * with one statement, not one per alias: at 550 events a second (the benchmark's sustained run) a statement per
 * event was most of marketing's work.
 */
let platform: Platform;
let url: string;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Vojtěch', lastName: 'Kučera', emails: ['vojtech.kucera@example.cz'], phones: [] },
  });
  customerId = createCustomer.id;
});
afterAll(() => platform.stop());

const MANY = 12;

async function interactions(count: number): Promise<string[]> {
  const input = Array.from({ length: count }, (_, i) => ({
    customerId,
    channel: 'WEB' as const,
    type: 'PAGE_VIEW' as const,
    properties: { page: `/models/${i}` },
  }));
  return (await executeOk(url, RecordInteractionsDocument, { input })).recordInteractions.ids;
}
async function opportunities(count: number): Promise<string[]> {
  const stages = [
    { name: 'Open', probability: 10 },
    { name: 'Won', probability: 100, isWon: true },
  ];
  const pipelineId = (await executeOk(url, CreatePipelineDocument, { input: { name: 'Entity reads', stages } })).createPipeline.id;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const input = { customerId, pipelineId, title: `Octavia ${i}`, amount: { amount: '100.00', currency: 'CZK' } };
      return (await executeOk(url, CreateOpportunityDocument, { input })).createOpportunity.id;
    }),
  );
}
async function cases(count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const input = { customerId, subject: `Servis ${i}`, channel: 'EMAIL' as const, priority: 'NORMAL' as const };
      return (await executeOk(url, OpenCaseDocument, { input })).openCase.id;
    }),
  );
}

/** The document the gateway's entity loader sends for `ids`: one aliased root field per entity. */
function aliased(field: string, ids: string[]): TypedDocumentNode<Record<string, { id: string } | null>, Record<string, string>> {
  const variables = ids.map((_, i) => `$e${i}: ID!`).join(', ');
  const fields = ids.map((_, i) => `e${i}: ${field}(id: $e${i}) { id }`).join(' ');
  return parse(`query(${variables}) { ${fields} }`);
}

/** The statements a subgraph sent to read rows of `table` while `run` ran. */
async function readsOf(subgraph: SubgraphName, table: string, run: () => Promise<unknown>): Promise<string[]> {
  await platform.resetSqlLog();
  await run();
  return platform.sql[subgraph].filter((statement) => /^\[query\] select /.test(statement) && statement.includes(`from "${table}"`));
}

describe('root fields read by id, many in one document', () => {
  it.each([
    ['interaction', 'marketing', 'interaction', interactions],
    ['opportunity', 'sales', 'opportunity', opportunities],
    ['case', 'service', 'support_case', cases],
  ] as const)('%s(id) asked %#: as many aliases read their rows with one statement', async (field, subgraph, table, make) => {
    const ids = await make(MANY);
    let answered: Record<string, { id: string } | null> = {};
    const reads = await readsOf(subgraph, table, async () => {
      answered = await executeOk(url, aliased(field, ids), Object.fromEntries(ids.map((id, i) => [`e${i}`, id])));
    });
    expect(ids.map((_, i) => answered[`e${i}`]?.id)).toEqual(ids);
    expect(reads).toHaveLength(1);
  });

  it('an unknown id among them is NOT_FOUND at its own alias', async () => {
    const [known] = await interactions(1);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const response = await execute(url, aliased('interaction', [known!, unknown]), { e0: known!, e1: unknown });
    // interaction(id) is non-null: its NOT_FOUND nulls the answer, as one alias alone would.
    expect(response.data).toBeNull();
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['e1'], 'NOT_FOUND']]);
  });
});

describe('a subscription following a batch of events', () => {
  it('gets their entities with a statement or two, not one per event', async () => {
    const client = connect(platform.wsUrl);
    const subscriber = subscribe(client, InteractionRecordedDocument, { customerId });
    try {
      const arrived = () => new Set(subscriber.results.map((result) => result.data?.interactionRecorded.interaction?.id));
      // Live once an event comes through (the server registers the subscription asynchronously).
      await eventually(async () => {
        const [first] = await interactions(1);
        await eventually(async () => expect(arrived().has(first)).toBe(true), 1000);
      });
      let batch: string[] = [];
      const reads = await readsOf('marketing', 'interaction', async () => {
        batch = await interactions(20);
        await eventually(async () => expect(batch.filter((id) => arrived().has(id))).toEqual(batch));
      });
      expect(subscriber.results.every((result) => !result.errors && result.data?.interactionRecorded.interaction)).toBe(true);
      // One tick's events are one document; a page of the bus split across two ticks would be two.
      expect(reads.length).toBeLessThanOrEqual(2);
    } finally {
      await subscriber.close();
      await client.dispose();
    }
  });
});
