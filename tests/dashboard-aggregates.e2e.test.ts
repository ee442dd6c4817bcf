import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AggregatesCampaignsWithMetricsDocument,
  AggregatesCaseQueueDocument,
  AggregatesLiveCampaignMetricsDocument,
  AggregatesLiveCaseQueueDocument,
  AggregatesLivePipelineDocument,
  AggregatesPipelineDocument,
  AggregatesSalesNumbersDocument,
  AggregatesSegmentsWithSizesDocument,
  CreateCampaignDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateSegmentDocument,
  MoveOpportunityDocument,
  OpenCaseDocument,
  RecordInteractionsDocument,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// The dashboard's aggregates through the real gateway: the numbers as queries, and live as subscriptions with the
// real graphql-ws client. A burst of 1,000 changes comes as a handful of frames (one per 250 ms window at most), the
// last equal to the final totals; the service queue and a campaign's metrics are pushed after a change. The sums
// themselves are tested on each subgraph's database (subgraphs/sales/test/reporting.int.test.ts,
// subgraphs/service/test/case-queue-counts.int.test.ts); the coalescing alone in gateway/subscriptions/coalesced-feed.test.ts.

process.env.EXCHANGE_RATES = 'EUR=25.10';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const WINDOW_MS = 250;
const CHANGES = 1000;

async function newCustomer(lastName: string): Promise<string> {
  const { createCustomer } = await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Dash', lastName, emails: [], phones: [] } });
  return createCustomer.id;
}

describe('live pipeline totals', () => {
  it(`pushes the totals at once, then far fewer frames than ${CHANGES} changes, the last equal to the final totals`, async () => {
    const customerId = await newCustomer('Pipeline');
    const { createPipeline: pipeline } = await gql(CreatePipelineDocument, {
      input: {
        name: 'Live board',
        isDefault: false,
        stages: [
          { name: 'Inquiry', probability: 10, isWon: false, isLost: false },
          { name: 'Offer', probability: 50, isWon: false, isLost: false },
          { name: 'Test drive', probability: 30, isWon: false, isLost: false },
          { name: 'Won', probability: 100, isWon: true, isLost: false },
        ],
      },
    });
    const ownerId = platform.admin.id;
    const open = (amount: string, currency: string) =>
      gql(CreateOpportunityDocument, { input: { customerId, pipelineId: pipeline.id, title: `${amount} ${currency}`, amount: { amount, currency }, ownerId } });
    await open('1000.00', 'CZK');
    await open('100.00', 'EUR');
    await open('10.00', 'GBP');
    // Ten deals of 1 CZK that the burst moves round Inquiry → Offer → Test drive, a hundred moves each.
    const runners = [];
    for (let i = 0; i < 10; i++) runners.push((await open('1.00', 'CZK')).createOpportunity);

    const { pipelineSummary: before } = await gql(AggregatesPipelineDocument, { pipelineId: pipeline.id, currency: 'CZK' });
    expect(before).toMatchObject({
      count: 12,
      value: { amount: '3520.00', currency: 'CZK' },
      conversion: { currency: 'CZK', converted: true, unconvertible: ['GBP'], rates: [{ from: 'EUR', rate: 25.1 }] },
      owners: [{ owner: { id: ownerId }, count: 12, value: { amount: '3520.00' } }],
    });
    expect(before.owners[0]!.owner!.name).toEqual(expect.any(String));

    const client = connect(platform.wsUrl);
    const live = subscribe(client, AggregatesLivePipelineDocument, { pipelineId: pipeline.id, currency: 'CZK' });
    const [first] = await live.waitFor(1);
    expect(first!.data!.pipelineSummaryChanged).toEqual(before);

    const cycle = pipeline.stages.slice(0, 3).map((stage) => stage.id);
    const started = Date.now();
    await Promise.all(
      runners.map(async (runner) => {
        let version = runner.version;
        for (let i = 1; i <= CHANGES / runners.length; i++) {
          version = (await gql(MoveOpportunityDocument, { id: runner.id, version, stageId: cycle[i % 3]! })).moveOpportunity.version;
        }
      }),
    );
    const { pipelineSummary: after } = await gql(AggregatesPipelineDocument, { pipelineId: pipeline.id, currency: 'CZK' });
    // 100 moves round three stages end one stage on: every runner is at Offer.
    expect(after.stages.map((stage) => [stage.stage.name, stage.count, stage.value.amount])).toEqual([
      ['Inquiry', 2, '3510.00'],
      ['Offer', 10, '10.00'],
      ['Test drive', 0, '0.00'],
      ['Won', 0, '0.00'],
    ]);
    await eventually(async () => expect(live.results.at(-1)!.data!.pipelineSummaryChanged).toEqual(after));
    const elapsed = Date.now() - started;

    const frames = live.results.length - 1;
    expect(live.results.every((result) => !result.errors)).toBe(true);
    // At most one frame per window while the changes came (plus one for a change during the last read), and no repeats.
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / WINDOW_MS) + 2);
    expect(frames).toBeLessThan(CHANGES / 4);
    const sent = live.results.map((result) => JSON.stringify(result.data));
    expect(sent.every((frame, i) => i === 0 || frame !== sent[i - 1])).toBe(true);
    await live.close();
    await client.dispose();
  }, 300_000);

  it('refuses an unknown pipeline or a bad currency with the query’s own error', async () => {
    const client = connect(platform.wsUrl);
    const unknown = subscribe(client, AggregatesLivePipelineDocument, { pipelineId: '00000000-0000-4000-8000-000000000000', currency: 'CZK' });
    expect(await unknown.failure).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    const badCurrency = subscribe(client, AggregatesLivePipelineDocument, { pipelineId: '00000000-0000-4000-8000-000000000000', currency: 'euro' });
    expect(await badCurrency.failure).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'currency' }) }),
    ]);
    await client.dispose();
  });
});

describe('the other dashboard numbers', () => {
  it('answers the forecast, the funnel and the quotes opened through the gateway, with owners named by identity', async () => {
    const { salesForecast, conversionFunnel, quotesOpened } = await gql(AggregatesSalesNumbersDocument, {
      pipelineId: (
        await gql(CreatePipelineDocument, {
          input: { name: 'Empty', isDefault: false, stages: [{ name: 'Only', probability: 50, isWon: false, isLost: false }] },
        })
      ).createPipeline.id,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(salesForecast.months).toHaveLength(3);
    expect(salesForecast.months.every((month) => month.count === 0 && month.value.amount === '0.00')).toBe(true);
    expect(conversionFunnel).toMatchObject({ leads: 0, opportunities: 0, won: 0, leadToOpportunityRate: null, groups: [] });
    expect(quotesOpened).toEqual({ count: 0, quotes: [] });
  });
});

describe('live service queue and campaign metrics', () => {
  it('pushes the queue after a case opens', async () => {
    const customerId = await newCustomer('Queue');
    const client = connect(platform.wsUrl);
    const live = subscribe(client, AggregatesLiveCaseQueueDocument, { filter: { line: 'SECOND' } });
    const [first] = await live.waitFor(1);
    const { caseQueue } = await gql(AggregatesCaseQueueDocument, { filter: { line: 'SECOND' } });
    expect(first!.data!.caseQueueChanged).toEqual(caseQueue);

    await gql(OpenCaseDocument, {
      input: { customerId, subject: 'Gearbox noise', channel: 'PHONE', priority: 'URGENT', category: 'TECHNICAL', line: 'SECOND' },
    });
    const [, pushed] = await live.waitFor(2);
    expect(pushed!.data!.caseQueueChanged.open).toBe(caseQueue.open + 1);
    expect(pushed!.data!.caseQueueChanged.rows).toEqual(expect.arrayContaining([expect.objectContaining({ line: 'SECOND', priority: 'URGENT' })]));
    await live.close();
    await client.dispose();
  });

  it("pushes a campaign's metrics after its messages' interactions, and reads a list's metrics and sizes in one statement each", async () => {
    const customerId = await newCustomer('Campaign');
    const { createSegment: segment } = await gql(CreateSegmentDocument, { input: { name: 'Live audience', kind: 'STATIC' } });
    const campaigns = [];
    for (let i = 0; i < 4; i++) {
      campaigns.push(
        (
          await gql(CreateCampaignDocument, {
            input: { name: `Live ${i}`, segmentId: segment.id, channel: 'EMAIL', startsAt: new Date(Date.now() + 86_400_000).toISOString() },
          })
        ).createCampaign,
      );
    }
    const campaignId = campaigns[0]!.id;
    await platform.resetSqlLog();
    const client = connect(platform.wsUrl);
    const live = subscribe(client, AggregatesLiveCampaignMetricsDocument, { id: campaignId });
    const [first] = await live.waitFor(1);
    expect(first!.data!.campaignMetricsChanged).toEqual({ campaignId, sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, unsubscribed: 0 });
    // The same subscription with the same access on another socket shares the feed: its first frame costs no read.
    const otherClient = connect(platform.wsUrl);
    const other = subscribe(otherClient, AggregatesLiveCampaignMetricsDocument, { id: campaignId });
    await other.waitFor(1);

    await gql(RecordInteractionsDocument, {
      input: (['MESSAGE_SENT', 'MESSAGE_DELIVERED', 'MESSAGE_OPENED'] as const).map((type) => ({ customerId, channel: 'EMAIL' as const, type, campaignId })),
    });
    await eventually(async () => expect(live.results.at(-1)!.data!.campaignMetricsChanged).toMatchObject({ sent: 1, delivered: 1, opened: 1 }));
    await eventually(async () => expect(other.results.at(-1)!.data).toEqual(live.results.at(-1)!.data));
    expect(live.results.length).toBeLessThanOrEqual(3);
    // One read per frame for both subscribers together (each read here found new numbers).
    const metricReads = platform.sql.marketing.filter((sql) => /from interaction where campaign_id = any/.test(sql));
    expect(metricReads).toHaveLength(live.results.length);
    await Promise.all([live.close(), other.close()]);
    await Promise.all([client.dispose(), otherClient.dispose()]);

    await platform.resetSqlLog();
    const { campaigns: listed } = await gql(AggregatesCampaignsWithMetricsDocument, { first: 20 });
    expect(listed.edges.length).toBeGreaterThanOrEqual(4);
    expect(platform.sql.marketing.filter((sql) => /from interaction where campaign_id = any/.test(sql))).toHaveLength(1);
    expect(platform.sql.marketing.filter((sql) => /from message_send where campaign_id = any/.test(sql))).toHaveLength(1);

    for (let i = 0; i < 3; i++) await gql(CreateSegmentDocument, { input: { name: `Sized ${i}`, kind: 'STATIC' } });
    await platform.resetSqlLog();
    const { segments } = await gql(AggregatesSegmentsWithSizesDocument, { first: 20 });
    expect(segments.edges.length).toBeGreaterThanOrEqual(4);
    expect(platform.sql.marketing.filter((sql) => /count\(\*\) as total from/.test(sql))).toHaveLength(1);
  });
});
