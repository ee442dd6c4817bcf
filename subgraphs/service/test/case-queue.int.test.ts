import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type Viewer } from '@crm/kit/access/viewer.js';
import { refusal } from '../../../tests/helpers/integration.js';
import { CaseCategory, CaseChannel, CaseLine, CaseOrder, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { CaseFilter, OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { casePagesByCustomer, caseCountsByCustomer, casesAtRiskPage, casesPage } from '../src/modules/case/case.queries.js';
import { changeCaseStatus, getCase, openCase } from '../src/modules/case/case.service.js';
import { setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { desk, em, serviceAgent, useFreshServiceDatabase, write } from './database.js';

// The cases an agent may see and the service queue, on service's own database: row scope, the queue's filters,
// order and keyset pages, and the cases at risk. Opening and changing a case: case.int.test.ts. Through the gateway:
// tests/service-case.e2e.test.ts.

useFreshServiceDatabase();

const MINUTE = 60_000;

const open = (input: Partial<OpenCaseInput> & { customerId: string }) =>
  write((em) => openCase(em, { subject: 'When is my car ready?', channel: CaseChannel.EMAIL, ...input }));

describe('cases an agent works', () => {
  it('shows an agent the cases of their line and those assigned to them; others are NOT_FOUND, in lists too', async () => {
    const agentId = randomUUID();
    const agent = serviceAgent(agentId, ['FIRST']);
    const customerId = randomUUID();
    const first = await open({ customerId, subject: 'First line', category: CaseCategory.GENERAL, priority: CasePriority.NORMAL });
    const second = await open({ customerId, subject: 'Second line', category: CaseCategory.TECHNICAL, priority: CasePriority.NORMAL, line: CaseLine.SECOND });
    const mine = await open({
      customerId,
      subject: 'Mine',
      category: CaseCategory.TECHNICAL,
      priority: CasePriority.NORMAL,
      line: CaseLine.SECOND,
      assigneeId: agentId,
    });

    expect((await getCase(em(), first.id, agent)).id).toBe(first.id);
    expect((await getCase(em(), mine.id, agent)).id).toBe(mine.id);
    expect((await refusal(getCase(em(), second.id, agent))).code).toBe('NOT_FOUND');
    const refused = await refusal(write((em) => changeCaseStatus(em, second.id, second.version, { status: CaseStatus.OPEN }, agent)));
    expect(refused.code).toBe('NOT_FOUND');
    expect((await getCase(em(), second.id)).status).toBe('NEW');

    const ids = async (viewer: Viewer) => (await casesPage(em(), null, CaseOrder.OLDEST_FIRST, viewer, { first: 50 })).edges.map((e) => e.node.id);
    const seen = await ids(agent);
    expect(seen).toEqual(expect.arrayContaining([first.id, mine.id]));
    expect(seen).not.toContain(second.id);
    expect(await ids(desk)).toEqual(expect.arrayContaining([first.id, second.id, mine.id]));
  });
});

describe('the service queue', () => {
  it('filters by status, priority, category, line, assignee and deadline, ordered and paged by keyset', async () => {
    const customerId = randomUUID();
    const agent = randomUUID();
    const urgent = await open({ customerId, subject: 'Smoke from the engine bay', assigneeId: agent });
    const low = await open({ customerId, priority: CasePriority.LOW, category: CaseCategory.BILLING, assigneeId: agent });
    const normal = await open({ customerId, priority: CasePriority.NORMAL, category: CaseCategory.GENERAL, assigneeId: agent });
    expect(urgent).toMatchObject({ priority: 'URGENT', line: 'SECOND', category: 'TECHNICAL' });

    const queue = (filter: CaseFilter, orderBy = CaseOrder.NEWEST_FIRST, first = 10, after?: string | null) =>
      casesPage(em(), { assigneeId: agent, ...filter }, orderBy, desk, { first, after });
    const ids = async (page: ReturnType<typeof queue>) => (await page).edges.map((e) => e.node.id);

    expect(await ids(queue({}, CaseOrder.FIRST_RESPONSE_DUE_SOONEST))).toEqual([urgent.id, normal.id, low.id]);
    expect(await ids(queue({}, CaseOrder.OLDEST_FIRST))).toEqual([urgent.id, low.id, normal.id]);
    expect(await ids(queue({ line: CaseLine.SECOND }))).toEqual([urgent.id]);
    expect(await ids(queue({ priorities: [CasePriority.LOW, CasePriority.NORMAL] }, CaseOrder.OLDEST_FIRST))).toEqual([low.id, normal.id]);
    expect(await ids(queue({ categories: [CaseCategory.BILLING] }))).toEqual([low.id]);
    expect(await ids(queue({ statuses: [CaseStatus.OPEN] }))).toEqual([]);
    // Deadlines before two hours from now: the URGENT first response (1 h) is, the NORMAL one (8 h) is not.
    expect(await ids(queue({ breachingBefore: new Date(Date.now() + 120 * MINUTE) }))).toEqual([urgent.id]);

    const page1 = await queue({}, CaseOrder.FIRST_RESPONSE_DUE_SOONEST, 2);
    expect([await page1.count(), page1.pageInfo.hasNextPage]).toEqual([3, true]);
    const page2 = await queue({}, CaseOrder.FIRST_RESPONSE_DUE_SOONEST, 2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e) => e.node.id)).toEqual([low.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const urgentOnly = { priorities: [CasePriority.URGENT] };
    const [byCustomer] = await casePagesByCustomer(em(), [customerId], urgentOnly, undefined, desk, { first: 10 });
    expect(byCustomer!.edges.map((e) => e.node.id)).toEqual([urgent.id]);
    expect(await caseCountsByCustomer(em(), [customerId], urgentOnly, desk)).toEqual([1]);
  });

  it('lists cases at risk within a number of minutes, or within their own window, and flags them', async () => {
    const customerId = randomUUID();
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    const opened = await open({ customerId, priority: CasePriority.URGENT, category: CaseCategory.TECHNICAL }); // first response in 15 min
    // Its own window is the last quarter of each deadline: not at risk as it opens (a fixed 60-minute window flagged it at once).
    expect(opened.slaAtRisk()).toBe(false);
    expect((await casesAtRiskPage(em(), null, desk, { first: 100 })).edges.map((e) => e.node.id)).not.toContain(opened.id);
    const late = new Date(opened.createdAt.getTime() + 12 * 60_000);
    expect((await casesAtRiskPage(em(), null, desk, { first: 100 }, late)).edges.map((e) => e.node.id)).toContain(opened.id);
    const soon = await casesAtRiskPage(em(), 20, desk, { first: 100 });
    expect(soon.edges.map((e) => e.node.id)).toContain(opened.id);
    const now = await casesAtRiskPage(em(), 5, desk, { first: 100 });
    expect(now.edges.map((e) => e.node.id)).not.toContain(opened.id);
    expect(await refusal(casesAtRiskPage(em(), 0, desk, { first: 100 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
