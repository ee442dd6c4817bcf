import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { SalesStoryDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({ seed: true });
});
afterAll(() => platform.stop());

describe('the sales demo data tells Story 1', () => {
  it('has the car-sales pipeline, the catalogue, and Jan Novák from the web form to three quotes and a follow-up call', async () => {
    const story = await executeOk(platform.gatewayUrl, SalesStoryDocument, { customerId: DEMO.customers.janNovak });
    expect(story.pipeline.name).toBe('Car sales');
    expect(story.pipeline.stages.map((s) => [s.name, s.probability, s.isWon, s.isLost])).toEqual([
      ['New inquiry', 10, false, false],
      ['Test drive', 30, false, false],
      ['First offer sent', 50, false, false],
      ['Negotiation', 70, false, false],
      ['Ordered', 100, true, false],
      ['Lost', 0, false, true],
    ]);
    expect(story.pipeline.stages[2]?.marker).toBe('FIRST_OFFER_SENT');
    expect(story.products.totalCount).toBe(5);

    const jan = story.customer;
    expect(jan.leads?.edges.map((e) => e.node)).toEqual([{ source: 'WEB_FORM', status: 'CONVERTED', interestProduct: { sku: 'SK-KODIAQ' } }]);
    const [opportunity] = jan.opportunities?.edges.map((e) => e.node) ?? [];
    expect(opportunity).toMatchObject({ title: 'Family SUV for the Novák family', stage: 'First offer sent' });
    expect(opportunity?.stageHistory.edges.map((e) => e.node.to.name)).toEqual(['New inquiry', 'Test drive', 'First offer sent']);
    expect(opportunity?.quotes!.totalCount).toBe(3);
    for (const { node: quote } of opportunity?.quotes!.edges ?? []) {
      expect(quote.financingOptions.map((f) => f.kind)).toEqual(['LOAN', 'LEASE']);
      expect(quote.financingOptions.every((f) => Number(f.monthlyPayment?.amount) > 0)).toBe(true);
    }
    expect(opportunity?.quotes!.edges.map((e) => e.node.status).sort()).toEqual(['SENT', 'SENT', 'VIEWED']);

    const activities = jan.activities?.edges.map((e) => e.node) ?? [];
    expect(activities.map((a) => a.type).sort()).toEqual(['CALL', 'MEETING', 'TASK']);
    expect(activities.find((a) => a.type === 'TASK')).toMatchObject({ dueAt: '2026-11-17T09:00:00.000Z', reminderAt: '2026-11-17T08:30:00.000Z' });
  });
});
