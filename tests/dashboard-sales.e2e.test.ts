import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  DefaultPipelineDocument,
  PipelineSummaryDocument,
  RecordQuoteViewDocument,
} from './generated/graphql.js';
import { executeOk, queryOk } from './helpers/graphql.js';
import { screenshot } from './helpers/browser.js';
import { chartShows, chartValues, figure, sidewaysOverflow, startDashboard, type DashboardRun, LIVE_WITHIN_MS } from './helpers/dashboard.js';

// The dashboard's sales screen in Chromium on the seeded platform: the numbers the graph answers, moving live within a
// second of a change made through the API, and after a cut connection the change made while it was down.

let run: DashboardRun;
beforeAll(async () => {
  run = await startDashboard();
}, 180_000);
afterAll(() => run?.stop());

const summaryOf = async (pipelineId: string) => (await executeOk(run.url, PipelineSummaryDocument, { pipelineId, currency: 'CZK' })).pipelineSummary;

async function newDeal(pipelineId: string, amount: string, expectedCloseDate?: string) {
  const { createCustomer } = await executeOk(run.url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Live', lastName: 'Buyer', emails: [`live-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  await executeOk(run.url, CreateOpportunityDocument, {
    input: { customerId: createCustomer.id, pipelineId, title: 'Dashboard deal', amount: { amount, currency: 'CZK' }, expectedCloseDate },
  });
}

describe('the sales screen', () => {
  it('shows the pipeline by stage as the graph sums it, in figures, chart and table', async () => {
    const { pipeline } = await executeOk(run.url, DefaultPipelineDocument);
    const summary = await summaryOf(pipeline.id);
    await run.open('sales');
    await expect(figure(run.page, 'pipeline-count').textContent()).resolves.toBe(String(summary.count));
    expect(await run.page.locator('[data-figure="pipeline-value"]').getAttribute('data-value')).toBe(summary.value.amount);
    expect(await run.page.locator('[data-figure="pipeline-weighted"]').getAttribute('data-value')).toBe(summary.weightedValue.amount);
    const drawn = await chartValues(run.page, 'Pipeline by stage');
    const byName = new Map(summary.stages.map((s) => [s.stage.name, Number(s.value.amount)]));
    const labels = JSON.parse((await run.page.locator('[data-chart="Pipeline by stage"]').getAttribute('data-labels'))!) as string[];
    expect(drawn[0]).toEqual(labels.map((name) => byName.get(name)));
    await screenshot(run.page, 'dashboard-sales');
  });

  it('moves the numbers and the chart within a second of a new deal, without reloading', async () => {
    const { pipeline } = await executeOk(run.url, DefaultPipelineDocument);
    const before = await summaryOf(pipeline.id);
    await run.open('sales');
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${before.count}"]`).waitFor();
    const changedAt = Date.now();
    await newDeal(pipeline.id, '100000.00');
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${before.count + 1}"]`).waitFor({ timeout: LIVE_WITHIN_MS + (Date.now() - changedAt) });
    const after = await summaryOf(pipeline.id);
    expect(await run.page.locator('[data-figure="pipeline-value"]').getAttribute('data-value')).toBe(after.value.amount);
    const first = pipeline.stages[0]!.name;
    const labels = JSON.parse((await run.page.locator('[data-chart="Pipeline by stage"]').getAttribute('data-labels'))!) as string[];
    expect((await chartValues(run.page, 'Pipeline by stage'))[0]![labels.indexOf(first)]).toBe(
      Number(after.stages.find((s) => s.stage.name === first)!.value.amount),
    );
  });

  it('shows a banner while the connection is cut, and the deal made meanwhile once it is back', async () => {
    const { pipeline } = await executeOk(run.url, DefaultPipelineDocument);
    await run.open('sales');
    const before = await summaryOf(pipeline.id);
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${before.count}"]`).waitFor();
    run.proxy.sever();
    const banner = run.page.locator('[data-banner="connection"]');
    await banner.waitFor();
    await expect(banner.textContent()).resolves.toBe('Connection lost — reconnecting…');
    await screenshot(run.page, 'dashboard-connection-lost');
    await newDeal(pipeline.id, '250000.00');
    run.proxy.restore();
    await banner.waitFor({ state: 'detached' });
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${before.count + 1}"]`).waitFor();
  });

  it('shows the forecast by close month, the conversion funnel and the quotes opened today as the graph counts them', async () => {
    const { pipeline } = await executeOk(run.url, DefaultPipelineDocument);
    const thisMonth = new Date().toISOString().slice(0, 10);
    await newDeal(pipeline.id, '300000.00', thisMonth);
    const { salesForecast, quotesOpened } = await queryOk<{
      salesForecast: { months: Array<{ value: { amount: string }; weightedValue: { amount: string } }> };
      quotesOpened: { count: number };
    }>(
      run.url,
      'query($p: ID!) { salesForecast(pipelineId: $p, currency: "CZK", months: 6) { months { value { amount } weightedValue { amount } } } quotesOpened { count } }',
      {
        p: pipeline.id,
      },
    );
    await run.open('sales');
    await run.page.locator(`[data-figure="quotes-opened"][data-value="${quotesOpened.count}"]`).waitFor();
    await chartShows(run.page, 'Forecast by close month', [
      salesForecast.months.map((m) => Number(m.value.amount)),
      salesForecast.months.map((m) => Number(m.weightedValue.amount)),
    ]);
    const funnel = await chartValues(run.page, 'Conversion funnel');
    expect(funnel[0]).toHaveLength(3);
    expect(funnel[0]![0]).toBeGreaterThanOrEqual(funnel[0]![1]!);
  });

  it('counts a quote opened by its customer within a second', async () => {
    const { customer } = await queryOk<{ customer: { quotes: { edges: Array<{ node: { id: string; viewToken: string | null } }> } } }>(
      run.url,
      '{ customer(id: "7b1e0f7c-2a55-4d8e-8c1f-000000000101") { quotes { edges { node { id viewToken } } } } }',
    );
    const opened = async () =>
      (await queryOk<{ quotesOpened: { count: number; quotes: Array<{ id: string }> } }>(run.url, '{ quotesOpened { count quotes { id } } }')).quotesOpened;
    const before = await opened();
    const unopened = customer.quotes.edges.map((e) => e.node).find((q) => q.viewToken && !before.quotes.some((o) => o.id === q.id));
    if (!unopened) throw new Error('the demo has no sent quote left unopened today');
    await run.open('sales');
    await run.page.locator(`[data-figure="quotes-opened"][data-value="${before.count}"]`).waitFor();
    const changedAt = Date.now();
    await executeOk(run.url, RecordQuoteViewDocument, { token: unopened.viewToken! }, { authorization: '' });
    await run.page.locator(`[data-figure="quotes-opened"][data-value="${before.count + 1}"]`).waitFor({ timeout: LIVE_WITHIN_MS + (Date.now() - changedAt) });
  });

  it("narrows the screen to one owner's deals when their row is clicked", async () => {
    const { pipeline } = await executeOk(run.url, DefaultPipelineDocument);
    const own = (await executeOk(run.url, PipelineSummaryDocument, { pipelineId: pipeline.id, currency: 'CZK', ownerId: DEMO.users.salesRep })).pipelineSummary;
    await run.open('sales');
    await run.page.locator('[data-table="By owner"] tr', { hasText: 'Tomáš Dvořák' }).click();
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${own.count}"]`).waitFor();
    expect(await run.page.locator('[data-figure="pipeline-value"]').getAttribute('data-value')).toBe(own.value.amount);
    await run.page.getByRole('button', { name: 'Show every owner' }).click();
    await run.page.getByRole('button', { name: 'Show every owner' }).waitFor({ state: 'detached' });
  });

  it('fits a tablet (768 px wide)', async () => {
    await run.page.setViewportSize({ width: 768, height: 1024 });
    await run.open('sales');
    await expect(sidewaysOverflow(run.page)).resolves.toBe(0);
    await screenshot(run.page, 'dashboard-sales-768');
    await run.page.setViewportSize({ width: 1280, height: 900 });
  });
});
