import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, CreateOpportunityDocument, DefaultPipelineDocument, PipelineSummaryDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { screenshot } from './helpers/browser.js';
import { chartValues, figure, startDashboard, type DashboardRun } from './helpers/dashboard.js';

// The dashboard's sales screen in Chromium on the seeded platform: the numbers the graph answers, moving live within a
// second of a change made through the API, and after a cut connection the change made while it was down.

let run: DashboardRun;
beforeAll(async () => {
  run = await startDashboard();
}, 180_000);
afterAll(() => run?.stop());

const summaryOf = async (pipelineId: string) => (await executeOk(run.url, PipelineSummaryDocument, { pipelineId, currency: 'CZK' })).pipelineSummary;

async function newDeal(pipelineId: string, amount: string) {
  const { createCustomer } = await executeOk(run.url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Live', lastName: 'Buyer', emails: [`live-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
  });
  await executeOk(run.url, CreateOpportunityDocument, {
    input: { customerId: createCustomer.id, pipelineId, title: 'Dashboard deal', amount: { amount, currency: 'CZK' } },
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
    await run.page.locator(`[data-figure="pipeline-count"][data-value="${before.count + 1}"]`).waitFor({ timeout: 1000 + (Date.now() - changedAt) });
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

  it('fits a tablet (768 px wide)', async () => {
    await run.page.setViewportSize({ width: 768, height: 1024 });
    await run.open('sales');
    const overflow = await run.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(run.page, 'dashboard-sales-768');
    await run.page.setViewportSize({ width: 1280, height: 900 });
  });
});
