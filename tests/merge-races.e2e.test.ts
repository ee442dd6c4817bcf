import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { SubgraphName } from '@crm/kit/config.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import {
  AddToListDocument,
  AnswerSurveyDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateQuoteDocument,
  CreateSegmentDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  CreatePipelineDocument,
  MergeCustomersDocument,
  MergedIntoDocument,
  OpenCaseDocument,
  SurvivorHoldingsDocument,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
let url: string;
let pipelineId: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  const stages = [
    { name: 'Open', probability: 10 },
    { name: 'Won', probability: 100, isWon: true },
  ];
  pipelineId = (await executeOk(url, CreatePipelineDocument, { input: { name: 'Merge races', stages } })).createPipeline.id;
});
afterAll(() => platform.stop());

async function person() {
  const email = `race.${randomUUID().slice(0, 8)}@example.cz`;
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Race', lastName: email, emails: [email], phones: [] },
  });
  return { id: createCustomer.id, email };
}
/** Runs the rounds at the same time: more merges in flight, more interleavings. */
const rounds = (n: number, round: () => Promise<void>) => Promise.all(Array.from({ length: n }, round));

const merge = (survivorId: string, mergedId: string) => execute(url, MergeCustomersDocument, { survivorId, mergedId });
const createOpportunity = async (customerId: string) =>
  (await executeOk(url, CreateOpportunityDocument, { input: { customerId, pipelineId, title: 'Race', amount: { amount: '100.00', currency: 'EUR' } } }))
    .createOpportunity;
const openCase = async (customerId: string) =>
  (await executeOk(url, OpenCaseDocument, { input: { customerId, subject: 'Race', channel: 'EMAIL', priority: 'NORMAL' } })).openCase;

async function sql<T>(subgraph: SubgraphName, statement: string, params: unknown[] = []): Promise<T[]> {
  return platform.subgraphs[subgraph].orm.em.fork().getConnection().execute<T[]>(statement, params);
}
const aliasIn = async (subgraph: SubgraphName, mergedId: string) =>
  (await sql<{ survivor_id: string }>(subgraph, 'select survivor_id from customer_alias where merged_id = ?', [mergedId]))[0]?.survivor_id;
const storedCustomer = async (subgraph: SubgraphName, table: string, id: string) =>
  (await sql<{ customer_id: string }>(subgraph, `select customer_id from ${table} where id = ?`, [id]))[0]?.customer_id;
const ids = (connection?: { edges: Array<{ node: { id: string } }> } | null) => (connection?.edges ?? []).map((e) => e.node.id).sort();

/** The group became one customer: every other record points straight at it, and it holds every e-mail. */
async function oneSurvivor(group: Array<{ id: string; email: string }>): Promise<string> {
  const records = await Promise.all(group.map(async ({ id }) => (await executeOk(url, MergedIntoDocument, { id })).customerRecord));
  const survivors = records.filter((r) => !r.mergedInto).map((r) => r.id);
  expect(survivors).toHaveLength(1);
  const survivor = survivors[0]!;
  const others = records.filter((r) => r.id !== survivor);
  expect(others.map((r) => r.mergedInto?.id)).toEqual(others.map(() => survivor));
  const { customer } = await executeOk(url, SurvivorHoldingsDocument, { id: survivor });
  expect(customer.emails!.sort()).toEqual(group.map((c) => c.email).sort());
  expect(customer.mergedIds.sort()).toEqual(others.map((r) => r.id).sort());
  return survivor;
}

describe('concurrent merges', () => {
  it('A into B while B into A: one wins, the other is refused with CONFLICT naming the survivor', async () => {
    await rounds(10, async () => {
      const [a, b] = await Promise.all([person(), person()]);
      const results = await Promise.all([merge(b.id, a.id), merge(a.id, b.id)]);
      const survivor = await oneSurvivor([a, b]);
      expect(results.filter((r) => r.data?.mergeCustomers).map((r) => r.data?.mergeCustomers.id)).toEqual([survivor]);
      expect(results.flatMap((r) => r.errors ?? []).map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'CONFLICT', survivorId: survivor })]);
    });
  });

  it('a ring A into B, B into C, C into A ends in one survivor holding all three, as any order one at a time would', async () => {
    await rounds(10, async () => {
      const trio = await Promise.all([person(), person(), person()]);
      const results = await Promise.all(trio.map((c, i) => merge(trio[(i + 1) % 3]!.id, c.id)));
      const survivor = await oneSurvivor(trio);
      // Whichever runs first, the one naming the customer it merged away as survivor is refused; the other two apply.
      const applied = results.flatMap((r) => (r.data ? [r.data.mergeCustomers.id] : []));
      expect(applied).toHaveLength(2);
      expect(applied).toContain(survivor);
      const refused = results.flatMap((r) => r.errors ?? []).map((e) => e.extensions);
      expect(refused).toEqual([expect.objectContaining({ code: 'CONFLICT', survivorId: expect.any(String) })]);
      expect(trio.map((c) => c.id)).toContain(refused[0]?.survivorId);
    });
  });
});

describe('writes naming a merged customer', () => {
  it('land on the survivor once sales and service know of the merge', async () => {
    const [a, b] = await Promise.all([person(), person()]);
    await executeOk(url, MergeCustomersDocument, { survivorId: b.id, mergedId: a.id });
    await eventually(async () => {
      expect(await aliasIn('sales', a.id)).toBe(b.id);
      expect(await aliasIn('service', a.id)).toBe(b.id);
    });
    const opportunity = await createOpportunity(a.id);
    const supportCase = await openCase(a.id);
    expect(opportunity.customer.id).toBe(b.id);
    expect(await storedCustomer('sales', 'opportunity', opportunity.id)).toBe(b.id);
    expect(await storedCustomer('service', 'support_case', supportCase.id)).toBe(b.id);
    const { customer } = await executeOk(url, SurvivorHoldingsDocument, { id: b.id });
    expect(ids(customer.opportunities)).toEqual([opportunity.id]);
    expect(ids(customer.cases)).toEqual([supportCase.id]);
  });

  it('sent while the merge happens, land on the survivor', async () => {
    await rounds(10, async () => {
      const [a, b] = await Promise.all([person(), person()]);
      const [opportunity, supportCase] = await Promise.all([
        createOpportunity(a.id),
        openCase(a.id),
        executeOk(url, MergeCustomersDocument, { survivorId: b.id, mergedId: a.id }),
      ]);
      await eventually(async () => {
        expect(await storedCustomer('sales', 'opportunity', opportunity.id)).toBe(b.id);
        expect(await storedCustomer('service', 'support_case', supportCase.id)).toBe(b.id);
      });
      const { customer } = await executeOk(url, SurvivorHoldingsDocument, { id: b.id });
      expect(ids(customer.opportunities)).toEqual([opportunity.id]);
      expect(ids(customer.cases)).toEqual([supportCase.id]);
    });
  });

  it('held open across the merge, land on the survivor', async () => {
    const [a, b] = await Promise.all([person(), person()]);
    const opportunity = await createAcross(a.id, { survivorId: b.id, mergedId: a.id });
    await eventually(async () => expect(await storedCustomer('sales', 'opportunity', opportunity.id)).toBe(b.id));
  });

  // Each write stores the customer the merge moves away from; held at its insert across the merge (its table locked),
  // it must still end on the survivor. Before, these four stored the id as given and stayed on the merged customer.
  const writesAcross: Array<[string, SubgraphName, string, (customerId: string) => Promise<void>]> = [
    [
      'a quote',
      'sales',
      'quote',
      async (customerId) => {
        await executeOk(url, CreateQuoteDocument, { input: { customerId, title: 'Race', currency: 'CZK', taxRatePercent: '21' } });
      },
    ],
    [
      'a survey answer',
      'marketing',
      'survey_response',
      async (customerId) => {
        await executeOk(url, AnswerSurveyDocument, { input: { customerId, score: 9, channel: 'EMAIL' } });
      },
    ],
    [
      'an enrolment',
      'marketing',
      'sequence_enrolment',
      async (customerId) => {
        const { createSequence } = await executeOk(url, CreateSequenceDocument, {
          input: { name: `Race ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 }] },
        });
        await executeOk(url, EnrolInSequenceDocument, { input: { sequenceId: createSequence.id, customerId } });
      },
    ],
    [
      'a list membership',
      'marketing',
      'segment_member',
      async (customerId) => {
        const { createSegment } = await executeOk(url, CreateSegmentDocument, { input: { name: `Race ${randomUUID()}`, kind: 'STATIC' } });
        await executeOk(url, AddToListDocument, { segmentId: createSegment.id, customerIds: [customerId] });
      },
    ],
  ];
  it.each(writesAcross)('%s held open across the merge lands on the survivor', async (_what, subgraph, table, write) => {
    const [a, b] = await Promise.all([person(), person()]);
    await earlierMergesApplied(subgraph);
    const holder = platform.subgraphs[subgraph].orm.em.fork();
    await holder.begin();
    let written: Promise<void> | undefined;
    try {
      await holder.execute(`lock table ${table} in exclusive mode`);
      written = write(a.id);
      await eventually(async () => expect(await waiting(`insert into %${table}%`, subgraph)).toBe(1));
      await executeOk(url, MergeCustomersDocument, { survivorId: b.id, mergedId: a.id });
      await eventually(async () =>
        expect((await aliasIn(subgraph, a.id)) === b.id || (await waiting('select pg_advisory_xact_lock(%', subgraph)) === 1).toBe(true),
      );
      await holder.commit();
      await written;
    } finally {
      if (holder.isInTransaction()) await holder.rollback();
      await written?.catch(() => undefined);
    }
    await eventually(async () => {
      expect(await aliasIn(subgraph, a.id)).toBe(b.id);
      const rows = await sql<{ customer_id: string }>(subgraph, `select customer_id from ${table} where customer_id in (?, ?)`, [a.id, b.id]);
      expect(rows.map((row) => row.customer_id)).toEqual([b.id]);
    });
  });

  it('naming A (merged into B), held open while B merges into C, land on C', async () => {
    const [a, b, c] = await Promise.all([person(), person(), person()]);
    await executeOk(url, MergeCustomersDocument, { survivorId: b.id, mergedId: a.id });
    await eventually(async () => expect(await aliasIn('sales', a.id)).toBe(b.id));
    const opportunity = await createAcross(a.id, { survivorId: c.id, mergedId: b.id });
    await eventually(async () => expect(await storedCustomer('sales', 'opportunity', opportunity.id)).toBe(c.id));
    const { customer } = await executeOk(url, SurvivorHoldingsDocument, { id: c.id });
    expect(ids(customer.opportunities)).toEqual([opportunity.id]);
  });
});

describe('a subgraph that missed merges (down past the retention window)', () => {
  it('learns them from identity when it rebuilds, and moves the rows', async () => {
    const [a, b] = await Promise.all([person(), person()]);
    const opportunity = await createOpportunity(a.id);
    const supportCase = await openCase(a.id);
    await executeOk(url, MergeCustomersDocument, { survivorId: b.id, mergedId: a.id });
    await eventually(async () => expect(await aliasIn('sales', a.id)).toBe(b.id));
    await eventually(async () => expect(await aliasIn('service', a.id)).toBe(b.id));
    // As if sales and service had never read the CustomerMerged event.
    for (const [subgraph, table, id] of [
      ['sales', 'opportunity', opportunity.id],
      ['service', 'support_case', supportCase.id],
    ] as const) {
      await sql(subgraph, 'delete from customer_alias where merged_id = ?', [a.id]);
      await sql(subgraph, `update ${table} set customer_id = ? where id = ?`, [a.id, id]);
    }
    for (const subgraph of ['sales', 'service', 'marketing'] as const) await rebuildMerges(subgraph);
    expect(await storedCustomer('sales', 'opportunity', opportunity.id)).toBe(b.id);
    expect(await storedCustomer('service', 'support_case', supportCase.id)).toBe(b.id);
    expect([await aliasIn('sales', a.id), await aliasIn('service', a.id)]).toEqual([b.id, b.id]);
  });
});

/** Runs the subgraph's CustomerMerged consumer rebuild, as the consumer does after falling behind. */
async function rebuildMerges(subgraph: SubgraphName) {
  const handler = platform.subgraphs[subgraph].handlers.find((h) => h.on.includes('CustomerMerged'))!;
  const graph = createGraphClient((other) => platform.subgraphs[other].url, `${subgraph}-rebuild`);
  const { afterExpiry } = handler;
  if (!('rebuild' in afterExpiry)) throw new Error(`${handler.name} does not rebuild`);
  await platform.subgraphs[subgraph].orm.em.fork().transactional((em) => afterExpiry.rebuild(em, graph, createLogger('rebuild')));
}

/**
 * Creates an opportunity for `customerId` that has read where its customer lives now and waits to write (the
 * opportunity table held locked) until the merge has been made and sales got to it: recorded it, or waits for
 * the create to finish first.
 */
async function createAcross(customerId: string, merge: { survivorId: string; mergedId: string }) {
  await earlierMergesApplied('sales');
  const holder = platform.subgraphs.sales.orm.em.fork();
  await holder.begin();
  try {
    await holder.execute('lock table opportunity in exclusive mode');
    const created = createOpportunity(customerId);
    await eventually(async () => expect(await waiting('insert into "opportunity"%')).toBe(1));
    await executeOk(url, MergeCustomersDocument, merge);
    await eventually(async () =>
      expect((await aliasIn('sales', merge.mergedId)) === merge.survivorId || (await waiting('select pg_advisory_xact_lock(%')) === 1).toBe(true),
    );
    await holder.commit();
    return await created;
  } finally {
    if (holder.isInTransaction()) await holder.rollback();
  }
}

/**
 * The subgraph's merge consumer has applied every merge made before: it applies them in order, so one still left
 * would move rows of the table the test then locks, wait there, and keep the test's own merge from its lock.
 * Earlier tests' merges are seen as done in sales or identity before marketing and service have applied them.
 */
async function earlierMergesApplied(subgraph: SubgraphName) {
  const [merged, survivor] = await Promise.all([person(), person()]);
  await executeOk(url, MergeCustomersDocument, { survivorId: survivor.id, mergedId: merged.id });
  await eventually(async () => expect(await aliasIn(subgraph, merged.id)).toBe(survivor.id));
}

/** How many sessions of the subgraph's database wait for a lock in a statement starting so. */
async function waiting(statement: string, subgraph: SubgraphName = 'sales'): Promise<number> {
  const [row] = await sql<{ n: number }>(
    subgraph,
    `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like ?`,
    [statement],
  );
  return row!.n;
}
