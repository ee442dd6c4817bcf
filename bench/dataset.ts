/**
 * A dealer's data set, written through the platform's own bulk API as a partner's would: customers, their
 * opportunities (owned by the demo sales staff), quotes with a line, service cases and the interaction timeline,
 * through `upsertCustomers`, `upsertOpportunities`, `createQuotes`, `openCases` and `recordInteractions`. Per customer on
 * average: 2 opportunities, 0.5 quotes, 0.5 cases, 20 interactions. It can be written in steps (customers `from` …
 * `to`), so a run measures reads at a tenth of its size and again at the whole.
 */
import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { chunks, graphql, inParallel, type Caller } from './graphql.js';
import { CASE_SUBJECTS, customerInput, MODELS, pick, randomSource } from './names.js';

export interface DataSet {
  customerIds: string[];
  counts: { customers: number; opportunities: number; quotes: number; cases: number; interactions: number };
  seconds: number;
}

/** Items per bulk call (the API's most), and calls in flight. */
const BULK_BATCH = 1000;
const BULK_CONCURRENCY = 2;
/** Each write of the data set goes once, even if it is sent again (bench/graphql.ts). */
const once = () => ({ idempotencyKey: `bench-dataset-${randomUUID()}` });
const INTERACTION_CONCURRENCY = 3;
/**
 * Items per call of the bulk mutations that write item by item in one transaction (createQuotes, openCases): fewer,
 * so that a call's transaction stays short.
 */
const BULK_ITEMS_ONE_BY_ONE = 200;

const TOUCHPOINTS = [
  ['WEB', 'PAGE_VIEW', 40],
  ['APP', 'PAGE_VIEW', 8],
  ['WEB', 'DOWNLOAD', 3],
  ['WEB', 'FORM_SUBMIT', 2],
  ['EMAIL', 'MESSAGE_SENT', 10],
  ['EMAIL', 'MESSAGE_OPENED', 8],
  ['EMAIL', 'MESSAGE_CLICKED', 3],
  ['SMS', 'MESSAGE_SENT', 5],
  ['PHONE', 'CALL', 8],
  ['IN_STORE', 'VISIT', 6],
  ['CHAT', 'MESSAGE_SENT', 4],
  ['WEBINAR', 'MEETING', 1],
] as const;
const WEIGHTS = TOUCHPOINTS.reduce((sum, [, , weight]) => sum + weight, 0);

function touchpoint(random: () => number): { channel: string; type: string } {
  let roll = random() * WEIGHTS;
  for (const [channel, type, weight] of TOUCHPOINTS) {
    roll -= weight;
    if (roll < 0) return { channel, type };
  }
  return { channel: 'WEB', type: 'PAGE_VIEW' };
}

interface Reference {
  owners: string[];
  stageIds: string[];
  productIds: string[];
}

async function referenceData(caller: Caller): Promise<Reference> {
  const { users, pipeline, products } = await graphql<{
    users: Array<{ id: string; role: string }>;
    pipeline: { stages: Array<{ id: string; isWon: boolean; isLost: boolean }> };
    products: { edges: Array<{ node: { id: string } }> };
  }>(caller, '{ users { id role } pipeline { stages { id isWon isLost } } products(first: 50) { edges { node { id } } } }');
  const owners = users.filter((u) => u.role === 'SALES_REP' || u.role === 'SALES_MANAGER').map((u) => u.id);
  const stageIds = pipeline.stages.filter((s) => !s.isWon && !s.isLost).map((s) => s.id);
  const productIds = products.edges.map((e) => e.node.id);
  if (owners.length === 0 || stageIds.length === 0 || productIds.length === 0) throw new Error('the demo data has no sales staff, open stages or products');
  return { owners, stageIds, productIds };
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** Writes customers number `from` to `to` (exclusive) with their opportunities, quotes, cases and interactions. */
export async function generateDataSet(caller: Caller, { from = 0, to }: { from?: number; to: number }, say: (line: string) => void): Promise<DataSet> {
  const started = Date.now();
  // Each step its own sequence: a run in two steps writes other rows than one in one step, but the same every time.
  const random = randomSource(to + from * 7919);
  const ref = await referenceData(caller);
  const customers = to - from;
  const people = Array.from({ length: customers }, (_, i) => customerInput(from + i, random));
  const opportunitiesOf = people.map(() => Math.floor(random() * 5));
  const interactionsOf = people.map(() => 5 + Math.floor(random() * 31));
  const planned = {
    customers,
    opportunities: opportunitiesOf.reduce((a, b) => a + b, 0),
    quotes: 0,
    cases: people.filter(() => random() < 0.5).length,
    interactions: interactionsOf.reduce((a, b) => a + b, 0),
  };
  planned.quotes = Math.round(planned.opportunities / 4);
  const total = Object.values(planned).reduce((a, b) => a + b, 0);
  const bar = new cliProgress.SingleBar(
    { format: 'data set |{bar}| {percentage}% {value}/{total} | {stage} | ETA {eta_formatted}', hideCursor: true, etaBuffer: 200 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { stage: 'customers' });
  const step = async <T>(stage: string, items: T[], batch: number, concurrency: number, work: (items: T[]) => Promise<void>) => {
    bar.update({ stage });
    const stepStarted = Date.now();
    await inParallel(chunks(items, batch), concurrency, async (group) => {
      await work(group);
      bar.increment(group.length);
    });
    if (!process.stdout.isTTY) say(`  ${stage}: ${items.length} in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
  };

  try {
    const customerIds: string[] = new Array<string>(customers);
    await step(
      'customers',
      people.map((person, n) => ({ person, n })),
      BULK_BATCH,
      BULK_CONCURRENCY,
      async (group) => {
        const { upsertCustomers } = await graphql<{ upsertCustomers: { items: Array<{ id: string; outcome: string }> } }>(
          caller,
          'mutation($input: [UpsertCustomerInput!]!) { upsertCustomers(input: $input) { items { id outcome } } }',
          { input: group.map(({ person }) => person.input) },
          undefined,
          once(),
        );
        const notNew = upsertCustomers.items.filter((item) => item.outcome !== 'CREATED').length;
        if (notNew > 0) throw new Error(`${notNew} of ${group.length} customers were already there: the bench writes into fresh databases`);
        group.forEach(({ n }, i) => (customerIds[n] = upsertCustomers.items[i]!.id));
      },
    );

    const opportunityPlan = people.flatMap((person, n) =>
      Array.from({ length: opportunitiesOf[n]! }, (_, k) => {
        const [model, price] = pick(random, MODELS);
        const amount = person.currency === 'CZK' ? price : person.currency === 'PLN' ? Math.round(price / 5.6) : Math.round(price / 25);
        return {
          currency: person.currency,
          amount,
          customerId: customerIds[n]!,
          input: {
            sourceSystem: 'bench-dataset',
            externalId: `opportunity-${from + n}-${k}`,
            customerId: customerIds[n]!,
            title: `${model} for ${String(person.input.lastName ?? person.input.organizationName)}`,
            amount: { amount: `${amount}.00`, currency: person.currency },
            ownerId: pick(random, ref.owners),
            stageId: pick(random, ref.stageIds),
            expectedCloseDate: isoDate(new Date(Date.now() + random() * 120 * 86_400_000)),
          },
        };
      }),
    );
    const opportunities: Array<{ id: string; currency: string; amount: number; customerId: string }> = [];
    await step('opportunities', opportunityPlan, BULK_BATCH, BULK_CONCURRENCY, async (group) => {
      const { upsertOpportunities } = await graphql<{ upsertOpportunities: { items: Array<{ id: string; outcome: string }> } }>(
        caller,
        'mutation($input: [UpsertOpportunityInput!]!) { upsertOpportunities(input: $input) { items { id outcome } } }',
        { input: group.map((o) => o.input) },
        undefined,
        once(),
      );
      group.forEach((o, i) => opportunities.push({ id: upsertOpportunities.items[i]!.id, currency: o.currency, amount: o.amount, customerId: o.customerId }));
    });

    const quoted = opportunities.filter((_, i) => i % 4 === 0).slice(0, planned.quotes);
    await step('quotes', quoted, BULK_ITEMS_ONE_BY_ONE, BULK_CONCURRENCY, async (group) => {
      await graphql(
        caller,
        'mutation($input: [CreateQuoteInput!]!) { createQuotes(input: $input) { id } }',
        {
          input: group.map((o) => ({
            opportunityId: o.id,
            customerId: o.customerId,
            title: 'Offer',
            currency: o.currency,
            taxRatePercent: '21',
            lines: [{ productId: pick(random, ref.productIds), quantity: 1, unitPrice: { amount: `${o.amount}.00`, currency: o.currency } }],
          })),
        },
        undefined,
        once(),
      );
    });

    const withCase = customerIds.filter((_, n) => n % 2 === 0).slice(0, planned.cases);
    await step('cases', withCase, BULK_ITEMS_ONE_BY_ONE, BULK_CONCURRENCY, async (group) => {
      await graphql(
        caller,
        'mutation($input: [OpenCaseInput!]!) { openCases(input: $input) { id } }',
        {
          input: group.map((customerId) => ({
            customerId,
            subject: pick(random, CASE_SUBJECTS),
            channel: pick(random, ['EMAIL', 'PHONE', 'CHAT', 'WEB', 'IN_STORE']),
            priority: pick(random, ['LOW', 'NORMAL', 'NORMAL', 'HIGH']),
            category: pick(random, ['TECHNICAL', 'WARRANTY', 'BILLING', 'GENERAL', 'COMPLAINT']),
          })),
        },
        undefined,
        once(),
      );
    });

    const year = 365 * 86_400_000;
    const interactions = customerIds.flatMap((customerId, n) =>
      Array.from({ length: interactionsOf[n]! }, (_, k) => ({
        customerId,
        ...touchpoint(random),
        occurredAt: new Date(started - random() * year).toISOString(),
        sourceSystem: 'bench-dataset',
        externalEventId: `${from + n}-${k}`,
        properties: { page: pick(random, ['/modely/octavia', '/servis', '/akce', '/financovani', '/vozy-skladem']) },
      })),
    );
    await step('interactions', interactions, BULK_BATCH, INTERACTION_CONCURRENCY, async (group) => {
      await graphql(
        caller,
        'mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }',
        { input: group },
        undefined,
        once(),
      );
    });
    bar.update({ stage: 'done' });
    return { customerIds, counts: { ...planned, quotes: quoted.length, cases: withCase.length }, seconds: (Date.now() - started) / 1000 };
  } finally {
    bar.stop();
  }
}

/** Two steps of one data set as one. */
export function joinDataSets(first: DataSet, rest: DataSet): DataSet {
  const counts = { ...first.counts };
  for (const key of Object.keys(counts) as Array<keyof DataSet['counts']>) counts[key] += rest.counts[key];
  return { customerIds: [...first.customerIds, ...rest.customerIds], counts, seconds: first.seconds + rest.seconds };
}
