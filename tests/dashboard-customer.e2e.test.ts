import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { OpenCaseDocument, RecordInteractionDocument } from './generated/graphql.js';
import { executeOk, queryOk } from './helpers/graphql.js';
import { screenshot } from './helpers/browser.js';
import { figure, sidewaysOverflow, startDashboard, type DashboardRun, LIVE_WITHIN_MS } from './helpers/dashboard.js';

// The customer 360° page in Chromium, reached from the global search: the profile, timeline, deals, cases and consents
// the graph answers; a touchpoint recorded through the API appears within a second; after a cut connection the
// timeline's feed resumes by cursor and shows what was recorded while it was down.

let run: DashboardRun;
beforeAll(async () => {
  run = await startDashboard();
}, 180_000);
afterAll(() => run?.stop());

const customerId = DEMO.customers.janNovak;
const counts = () =>
  queryOk<{ customer: { displayName: string; interactions: { totalCount: number }; opportunities: { totalCount: number }; cases: { totalCount: number } } }>(
    run.url,
    'query($id: ID!) { customer(id: $id) { displayName interactions { totalCount } opportunities { totalCount } cases { totalCount } } }',
    { id: customerId },
  );
const touchpoints = (value: number) => run.page.locator(`[data-figure="customer-touchpoints"][data-value="${value}"]`);

describe('the customer 360° page', () => {
  it('is reached from the global search and shows what the graph knows of the customer', async () => {
    const { customer } = await counts();
    await run.page.getByRole('searchbox', { name: 'Search customers' }).fill('Novák');
    await run.page.getByRole('button', { name: customer.displayName }).click();
    await run.page.locator('[data-screen="customer"]').waitFor();
    await expect(run.page.locator('h1').textContent()).resolves.toBe(customer.displayName);
    await touchpoints(customer.interactions.totalCount).waitFor();
    await expect(figure(run.page, 'customer-deals').textContent()).resolves.toBe(String(customer.opportunities.totalCount));
    await expect(figure(run.page, 'customer-cases').textContent()).resolves.toBe(String(customer.cases.totalCount));
    await expect(run.page.locator('.consents li').count()).resolves.toBeGreaterThan(0);
    await screenshot(run.page, 'dashboard-customer');
    // A field rep's tablet: one column, nothing to scroll sideways.
    await run.page.setViewportSize({ width: 768, height: 1024 });
    await expect(sidewaysOverflow(run.page)).resolves.toBe(0);
    await screenshot(run.page, 'dashboard-customer-768');
    await run.page.setViewportSize({ width: 1280, height: 900 });
  });

  it('adds a touchpoint recorded through the API to the timeline within a second', async () => {
    await run.open(`customer/${customerId}`);
    const { customer } = await counts();
    await touchpoints(customer.interactions.totalCount).waitFor();
    const changedAt = Date.now();
    const { recordInteraction } = await executeOk(run.url, RecordInteractionDocument, {
      input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: {} },
    });
    await run.page.locator(`[data-interaction="${recordInteraction.id}"]`).waitFor({ timeout: LIVE_WITHIN_MS + (Date.now() - changedAt) });
    await touchpoints(customer.interactions.totalCount + 1).waitFor({ timeout: LIVE_WITHIN_MS });
  });

  it('shows a banner while the connection is cut, then resumes the timeline after its last cursor and shows what came meanwhile', async () => {
    await run.open(`customer/${customerId}`);
    // A touchpoint while connected: the timeline's feed has a cursor to resume after.
    const { recordInteraction: seen } = await executeOk(run.url, RecordInteractionDocument, {
      input: { customerId, channel: 'WEB', type: 'PAGE_VIEW', properties: {} },
    });
    await run.page.locator(`[data-interaction="${seen.id}"]`).waitFor();
    const timelineFeed = run.messages.findLast((m) => m.sent && m.type === 'subscribe' && m.payload?.query?.includes('interactionRecorded'))!.id;
    const lastCursor = run.messages.findLast((m) => !m.sent && m.type === 'next' && m.id === timelineFeed)!.payload!.data!.interactionRecorded as {
      event: { cursor: string };
    };
    const { customer } = await counts();
    await touchpoints(customer.interactions.totalCount).waitFor();
    const sentBeforeCut = run.messages.length;
    run.proxy.sever();
    const banner = run.page.locator('[data-banner="connection"]');
    await banner.waitFor();
    const { recordInteraction } = await executeOk(run.url, RecordInteractionDocument, {
      input: { customerId, channel: 'PHONE', type: 'CALL', properties: {} },
    });
    await executeOk(run.url, OpenCaseDocument, { input: { customerId, subject: 'Rattle in the dashboard', channel: 'PHONE' } });
    run.proxy.restore();
    await banner.waitFor({ state: 'detached' });
    await run.page.locator(`[data-interaction="${recordInteraction.id}"]`).waitFor();
    await run.page.locator(`[data-figure="customer-cases"][data-value="${customer.cases.totalCount + 1}"]`).waitFor();
    // The feed was subscribed again on the new socket after the last event it had shown, and the missed one came.
    const resubscribed = run.messages.slice(sentBeforeCut).find((m) => m.sent && m.type === 'subscribe' && m.payload?.query?.includes('interactionRecorded'));
    expect(resubscribed?.payload?.variables).toEqual({ customerId, after: lastCursor.event.cursor });
    const replayed = run.messages.slice(sentBeforeCut).filter((m) => !m.sent && m.type === 'next' && m.id === resubscribed!.id);
    expect(replayed.map((m) => (m.payload!.data!.interactionRecorded as { interaction: { id: string } }).interaction.id)).toContain(recordInteraction.id);
    await screenshot(run.page, 'dashboard-customer-resumed');
  });

  it('sends a refused token back to sign-in, saying so', async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.proxy.origin}/dashboard/`);
    await page.getByLabel('Token or API key').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your sign-in was refused or has expired').waitFor();
    await page.close();
  });
});
