import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { AddToListDocument, CreateCustomerDocument, CreateSegmentDocument, OpenCaseDocument, RecordInteractionDocument } from './generated/graphql.js';
import { executeOk, queryOk } from './helpers/graphql.js';
import { screenshot } from './helpers/browser.js';
import { chartShows, chartValues, figure, sidewaysOverflow, startDashboard, type DashboardRun, LIVE_WITHIN_MS } from './helpers/dashboard.js';

// The service and marketing screens in Chromium on the seeded platform: the queue and the campaign funnel as the graph
// counts them, the queue moving within a second of a new case, sortable tables, and both at tablet width.

let run: DashboardRun;
beforeAll(async () => {
  run = await startDashboard();
}, 180_000);
afterAll(() => run?.stop());

type Step = 'sent' | 'delivered' | 'opened' | 'clicked' | 'converted';

interface Queue {
  open: number;
  atRisk: number;
  breached: number;
  rows: Array<{ line: string; priority: string; open: number }>;
  agents: Array<{ agent: { name: string } | null; open: number }>;
}
const queue = async () =>
  (await queryOk<{ caseQueue: Queue }>(run.url, '{ caseQueue { open atRisk breached rows { line priority open } agents { agent { name } open } } }')).caseQueue;

describe('the service screen', () => {
  it('shows the queue by line and priority, the SLA counts and the cases per agent as the graph counts them', async () => {
    const expected = await queue();
    await run.open('service');
    await run.page.locator(`[data-figure="queue-open"][data-value="${expected.open}"]`).waitFor();
    await expect(figure(run.page, 'queue-at-risk').textContent()).resolves.toBe(String(expected.atRisk));
    await expect(figure(run.page, 'queue-breached').textContent()).resolves.toBe(String(expected.breached));
    const drawn = await chartValues(run.page, 'Queue by line and priority');
    expect(drawn.flat().reduce((a, b) => a + b, 0)).toBe(expected.open);
    const agents = run.page.locator('[data-table="Cases per agent"] tbody tr');
    await expect(agents.count()).resolves.toBe(expected.agents.length);
    await screenshot(run.page, 'dashboard-service');
  });

  it('counts a new case within a second, in the figure and the chart', async () => {
    await run.open('service');
    const before = await queue();
    await run.page.locator(`[data-figure="queue-open"][data-value="${before.open}"]`).waitFor();
    const changedAt = Date.now();
    await executeOk(run.url, OpenCaseDocument, {
      input: { customerId: DEMO.customers.evaHorakova, subject: 'Dashboard light on', channel: 'PHONE', priority: 'URGENT', line: 'SECOND' },
    });
    await run.page.locator(`[data-figure="queue-open"][data-value="${before.open + 1}"]`).waitFor({ timeout: LIVE_WITHIN_MS + (Date.now() - changedAt) });
    const labels = JSON.parse((await run.page.locator('[data-chart="Queue by line and priority"]').getAttribute('data-labels'))!) as string[];
    const urgentSecond = (await chartValues(run.page, 'Queue by line and priority'))[0]![labels.indexOf('Second line')];
    expect(urgentSecond).toBe((await queue()).rows.find((r) => r.line === 'SECOND' && r.priority === 'URGENT')!.open);
  });

  it('sorts a table by the header clicked, and the other way on a second click', async () => {
    await run.open('service');
    const header = run.page.locator('[data-table="Cases per agent"] th', { hasText: 'Open' });
    const column = run.page.locator('[data-table="Cases per agent"] td[data-column="open"]');
    await header.click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('ascending');
    const ascending = (await column.allTextContents()).map(Number);
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
    await header.click();
    await expect(header.getAttribute('aria-sort')).resolves.toBe('descending');
    expect((await column.allTextContents()).map(Number)).toEqual([...ascending].reverse());
  });
});

describe('the marketing screen', () => {
  it("shows the campaign funnel and the segments' sizes as the graph counts them, also at tablet width", async () => {
    const { campaigns, segments } = await queryOk<{
      campaigns: { edges: Array<{ node: { name: string; metrics: Record<string, number> } }> };
      segments: { edges: Array<{ node: { name: string; size: number } }> };
    }>(
      run.url,
      '{ campaigns(first: 20) { edges { node { name metrics { sent delivered opened clicked converted } } } } segments(first: 50) { edges { node { name size } } } }',
    );
    await run.open('marketing');
    const first = campaigns.edges[0]!.node;
    const steps = ['sent', 'delivered', 'opened', 'clicked', 'converted'];
    await run.page.locator(`[data-figure="campaign-sent"][data-value="${first.metrics.sent}"]`).waitFor();
    expect(await chartValues(run.page, 'Campaign funnel')).toEqual([steps.map((step) => first.metrics[step])]);
    expect(await chartValues(run.page, 'Segment sizes')).toEqual([segments.edges.map((e) => e.node.size)]);
    await expect(sidewaysOverflow(run.page)).resolves.toBe(0);
    await screenshot(run.page, 'dashboard-marketing');
    await run.page.setViewportSize({ width: 768, height: 1024 });
    for (const screen of ['marketing', 'service']) {
      await run.open(screen);
      await expect(sidewaysOverflow(run.page)).resolves.toBe(0);
      await screenshot(run.page, `dashboard-${screen}-768`);
    }
  });

  it("moves a segment's size within a second of a change to its members, without reloading", async () => {
    const sizes = async () =>
      (
        await queryOk<{ segments: { edges: Array<{ node: { size: number } }> } }>(run.url, '{ segments(first: 50) { edges { node { size } } } }')
      ).segments.edges.map((e) => e.node.size);
    await run.page.setViewportSize({ width: 1280, height: 900 });
    await run.open('marketing');
    await chartShows(run.page, 'Segment sizes', [await sizes()]);
    const { createSegment } = await executeOk(run.url, CreateSegmentDocument, { input: { name: `Showroom visitors ${Date.now()}`, kind: 'STATIC' } });
    const { createCustomer } = await executeOk(run.url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Listed', lastName: 'Visitor', emails: [`listed-${Date.now()}@example.cz`], phones: [] },
    });
    await chartShows(run.page, 'Segment sizes', [await sizes()], LIVE_WITHIN_MS);
    const changedAt = Date.now();
    await executeOk(run.url, AddToListDocument, { segmentId: createSegment.id, customerIds: [createCustomer.id] });
    const after = await sizes();
    expect(after).toContain(1);
    await chartShows(run.page, 'Segment sizes', [after], LIVE_WITHIN_MS + (Date.now() - changedAt));
  });

  it('counts an opened campaign message within a second, in the figure and the funnel', async () => {
    const campaigns = async () =>
      (
        await queryOk<{ campaigns: { edges: Array<{ node: { id: string; metrics: Record<Step, number> } }> } }>(
          run.url,
          '{ campaigns(first: 20) { edges { node { id metrics { sent delivered opened clicked converted } } } } }',
        )
      ).campaigns.edges[0]!.node;
    await run.page.setViewportSize({ width: 1280, height: 900 });
    await run.open('marketing');
    const before = await campaigns();
    await run.page.locator(`[data-figure="campaign-opened"][data-value="${before.metrics.opened}"]`).waitFor();
    const { createCustomer } = await executeOk(run.url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Opening', lastName: 'Reader', emails: [`reader-${Date.now()}@example.cz`], phones: [] },
    });
    const changedAt = Date.now();
    await executeOk(run.url, RecordInteractionDocument, {
      input: { customerId: createCustomer.id, channel: 'EMAIL', type: 'MESSAGE_OPENED', campaignId: before.id, properties: {} },
    });
    await run.page
      .locator(`[data-figure="campaign-opened"][data-value="${before.metrics.opened + 1}"]`)
      .waitFor({ timeout: LIVE_WITHIN_MS + (Date.now() - changedAt) });
    const after = await campaigns();
    await chartShows(
      run.page,
      'Campaign funnel',
      [['sent', 'delivered', 'opened', 'clicked', 'converted'].map((step) => after.metrics[step as Step])],
      LIVE_WITHIN_MS,
    );
  });
});
