import { expect } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../scripts/dashboard-build.js';
import { launchBrowser } from './browser.js';
import { eventually } from './eventually.js';
import { startPlatform, type Platform } from './platform.js';
import { startSeverableProxy, type SeverableProxy } from './severable-proxy.js';

/** The seeded platform, its dashboard opened in Chromium through a proxy the test can sever, signed in. */
/**
 * How soon after the API has answered a change the page must show it. The product's target is a second, met on an
 * idle machine; CI runs two platforms and a browser on two cores, so the check allows twice that. It still fails
 * whenever a number moves only on a reload or a periodic re-read rather than with the change.
 */
export const LIVE_WITHIN_MS = 2000;

export interface DashboardRun {
  platform: Platform;
  /** The gateway's /graphql, for the test's own calls (as the platform's test admin). */
  url: string;
  proxy: SeverableProxy;
  browser: Browser;
  page: Page;
  /** Opens a screen by its hash route, e.g. `sales` or `customer/<id>`. */
  open(route: string): Promise<void>;
  /** Every graphql-ws message the page sent and received, in order (parsed), across its sockets. */
  messages: WsMessage[];
  stop(): Promise<void>;
}

export interface WsMessage {
  sent: boolean;
  id?: string;
  type: string;
  payload?: { query?: string; variables?: Record<string, unknown>; data?: Record<string, unknown> };
}

/** Signs in on the sign-in screen by picking the demo admin (the development issuer's demo users). */
const DEMO_ADMIN = /Ivana Horká/;

export async function startDashboard(viewport = { width: 1280, height: 900 }): Promise<DashboardRun> {
  // npm test builds it first (npm run build); alone, a test builds what is missing or older than its sources.
  await ensureDashboardBuilt();
  const platform = await startPlatform({ seed: true });
  const proxy = await startSeverableProxy(platform.gatewayUrl);
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(15_000);
  // What went wrong in the page shows in the test's output (a failing wait alone says only what never appeared).
  page.on('pageerror', (error) => console.error(`dashboard page error: ${error.message}`));
  // (Sockets refused while a test has the connection severed are expected, not reported.)
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('WebSocket connection to')) console.error(`dashboard console: ${message.text()}`);
  });
  const messages: WsMessage[] = [];
  page.on('websocket', (socket) => {
    const record = (sent: boolean) => (frame: { payload: string | Buffer }) =>
      messages.push({ ...(JSON.parse(frame.payload.toString()) as Omit<WsMessage, 'sent'>), sent });
    socket.on('framesent', record(true));
    socket.on('framereceived', record(false));
  });
  await page.goto(`${proxy.origin}/dashboard/`);
  await page.getByRole('button', { name: DEMO_ADMIN }).click();
  await page.locator('[data-screen]').first().waitFor();
  return {
    platform,
    url: platform.gatewayUrl,
    proxy,
    browser,
    page,
    messages,
    open: async (route) => {
      // Code for the page is given as text: it runs in the browser, and the test project compiles without DOM types.
      await page.evaluate(`location.hash = ${JSON.stringify(`#/${route}`)}`);
      await page.locator(`[data-screen="${route.split('/')[0]}"]`).waitFor();
    },
    stop: async () => {
      await browser.close();
      await proxy.stop();
      await platform.stop();
    },
  };
}

/** The text of a headline figure (`data-figure`) on the page. */
export const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] .figure-value`);

/** The series a chart draws (`data-values` on its figure), one array per series. */
export async function chartValues(page: Page, title: string): Promise<number[][]> {
  return JSON.parse((await page.locator(`[data-chart="${title}"]`).getAttribute('data-values')) ?? '[]') as number[][];
}

/** How far the page is wider than the window (0: nothing to scroll sideways). */
export const sidewaysOverflow = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

/** Waits until a chart draws these series (it is redrawn live: a change may still be on its way). */
export async function chartShows(page: Page, title: string, series: number[][], timeoutMs?: number): Promise<void> {
  // Polled from the test: the page's CSP (rightly) refuses the string evaluation page.waitForFunction would need.
  await eventually(async () => expect(await chartValues(page, title)).toEqual(series), timeoutMs);
}
