import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AssetDocument, CaseDetailsDocument, CaseQueueDocument, CustomerServiceViewDocument } from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { eventually } from './helpers/eventually.js';
import { outboxOf } from './helpers/integration.js';
import { DEMO } from '@crm/demo/ids.js';
import { businessMinutesBetween } from '@crm/kit/business-time.js';
import { createLogger } from '@crm/kit/logger.js';
import { subgraphs } from '../scripts/subgraphs.js';

// The demo data of DOMAIN Story 1 and 3 through the gateway: identity's cast with service's cases, car and contracts,
// and the fleet's case flagged at risk by the SLA job the running service starts.

// The SLA job started by the service definition checks often here, so the test can watch it work.
process.env.SLA_CHECK_INTERVAL_MS = '200';

let demo: Platform;
beforeAll(async () => {
  demo = await startPlatform();
  for (const name of ['identity', 'service', 'service'] as const) {
    // service twice: seeding is idempotent
    await subgraphs[name].seedDemoData(demo.subgraphs[name].orm.em.fork(), createLogger(name));
  }
});
afterAll(() => demo.stop());

describe('demo data (DOMAIN Story 1 and 3)', () => {
  it("tells Eva Horáková's complaint as one case across social, chat and phone, with PREMIUM SLA", async () => {
    const cases = await executeOk(demo.gatewayUrl, CaseQueueDocument, { filter: { assigneeId: DEMO.users.serviceAgent }, first: 10 });
    expect(cases.cases.totalCount).toBe(1);
    const evasCase = cases.cases.edges[0]!.node;
    expect(evasCase).toMatchObject({
      contractTier: 'PREMIUM',
      category: 'COMPLAINT',
      priority: 'HIGH',
      status: 'OPEN',
      currentChannel: 'PHONE',
      channel: 'SOCIAL',
    });
    // PREMIUM HIGH resolves in 8 hours of her contract's working calendar (the workshop's hours, Czech holidays off).
    const workshop = evasCase.slaCalendar!;
    expect(workshop.workingHours).toEqual([{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], opens: '08:00', closes: '17:00' }]);
    expect(workshop.holidays).toContainEqual({ date: '2026-12-24', name: 'Christmas Eve' });
    const business = { timeZone: workshop.timeZone, hours: workshop.workingHours, holidays: workshop.holidays.map((h) => h.date) };
    expect(businessMinutesBetween(new Date(evasCase.createdAt), new Date(evasCase.resolutionDueAt), business)).toBe(8 * 60);
    const { case: found } = await executeOk(demo.gatewayUrl, CaseDetailsDocument, { id: evasCase.id, messagesFirst: 20 });
    expect(found.messages.edges.map((e) => e.node.channel)).toEqual(['SOCIAL', 'SOCIAL', 'CHAT', 'CHAT', 'PHONE', 'PHONE']);
    expect(found.customer.displayName).toBe('Eva Horáková');
    expect(found.suggestedArticles[0]?.article.title).toBe('Air conditioning not cooling after service');
    const { customer: eva } = await executeOk(demo.gatewayUrl, CustomerServiceViewDocument, { id: DEMO.customers.evaHorakova });
    expect(eva.serviceContract).toMatchObject({ tier: 'PREMIUM', calendar: { id: workshop.id } });
    const { customer: fleet } = await executeOk(demo.gatewayUrl, CustomerServiceViewDocument, { id: DEMO.customers.autoparkFleet });
    expect(fleet.serviceContract).toMatchObject({ tier: 'ENTERPRISE', calendar: null }); // round the clock
  });

  it("has Jan Novák's financed and insured car with one service visit", async () => {
    const { customer: jan } = await executeOk(demo.gatewayUrl, CustomerServiceViewDocument, { id: DEMO.customers.janNovak });
    expect(jan.assets?.totalCount).toBe(1);
    const { asset } = await executeOk(demo.gatewayUrl, AssetDocument, { id: jan.assets!.edges[0]!.node.id });
    expect(asset).toMatchObject({
      kind: 'VEHICLE',
      financing: { provider: 'Škoda Financial Services', monthlyPayment: { amount: '8990.00', currency: 'CZK' } },
      insurance: { provider: 'Kooperativa', type: 'COMPREHENSIVE' },
      serviceVisits: { totalCount: 1 },
    });
  });

  it('flags the fleet case whose resolution deadline is 20 minutes away (Story 3)', async () => {
    const { customer: fleet } = await executeOk(demo.gatewayUrl, CustomerServiceViewDocument, { id: DEMO.customers.autoparkFleet });
    expect(fleet.cases?.totalCount).toBe(1);
    const caseId = fleet.cases!.edges[0]!.node.id;
    const [flagged] = await eventually(async () => {
      const events = (await outboxOf(demo.subgraphs.service.orm, caseId)).filter((e) => e.type === 'CaseSlaAtRisk');
      expect(events).toHaveLength(1);
      return events;
    });
    expect(flagged!.payload).toMatchObject({ deadline: 'RESOLUTION', priority: 'URGENT', line: 'SECOND', customerId: DEMO.customers.autoparkFleet });
  });
});
