import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { actingFor } from '@crm/kit/access/viewer.js';
import { mutation, outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { CaseCategory, CaseChannel, CaseLine, CaseOrder, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { CaseFilter, OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { casePagesByCustomer, caseCountsByCustomer, casesAtRiskPage, casesPage } from '../src/modules/case/case.queries.js';
import { assignCase, changeCaseStatus, escalateCase, getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { freshServiceDatabase } from './database.js';

// Cases on service's own database: classification, SLA deadlines, the status machine, assignment, escalation, the
// queue's filters and the events each change writes. Through the gateway: tests/service-case.e2e.test.ts.

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const admin = actingFor(randomUUID());
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const MINUTE = 60_000;
const minutesBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / MINUTE;

const open = (input: Partial<OpenCaseInput> & { customerId: string }) =>
  write((em) => openCase(em, { subject: 'When is my car ready?', channel: CaseChannel.EMAIL, ...input }));

describe('opening a case: classification and SLA', () => {
  it('classifies a case opened without category or priority and gives it the SLA of the customer contract', async () => {
    const customerId = randomUUID();
    const contract = await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    expect(contract).toMatchObject({ tier: 'PREMIUM', customerId });
    expect(await outboxTypes(orm, contract.id)).toEqual(['ServiceContractSet']);

    const opened = await open({ customerId, subject: 'Air conditioning still broken after service', channel: CaseChannel.SOCIAL });
    expect(opened).toMatchObject({
      status: 'NEW',
      category: 'COMPLAINT',
      priority: 'HIGH',
      line: 'FIRST',
      autoClassified: true,
      contractTier: 'PREMIUM',
      channel: 'SOCIAL',
      currentChannel: 'SOCIAL',
    });
    expect((await getCase(em(), opened.id)).firstRespondedAt).toBeNull();
    expect([opened.firstResponseBreached(), opened.resolutionBreached()]).toEqual([false, false]);
    expect(minutesBetween(opened.createdAt, opened.firstResponseDueAt)).toBe(60);
    expect(minutesBetween(opened.createdAt, opened.resolutionDueAt)).toBe(8 * 60);
    const [event] = await outboxOf(orm, opened.id);
    expect(event).toMatchObject({ type: 'CaseOpened', payload: { category: 'COMPLAINT', classificationRule: 'complaint' } });
  });

  it('keeps the category and priority an agent gives and uses STANDARD terms without a contract', async () => {
    const opened = await open({ customerId: randomUUID(), subject: 'Brake noise', priority: CasePriority.LOW, category: CaseCategory.GENERAL });
    expect(opened).toMatchObject({ priority: 'LOW', category: 'GENERAL', line: 'FIRST', autoClassified: false, contractTier: 'STANDARD' });
    expect(minutesBetween(opened.createdAt, opened.firstResponseDueAt)).toBe(24 * 60);
    expect(minutesBetween(opened.createdAt, opened.resolutionDueAt)).toBe(5 * 24 * 60);
  });
});

describe('changing a case', () => {
  it('moves through the status machine, reopens a resolved case and rejects illegal moves', async () => {
    let current = await open({ customerId: randomUUID() });
    const move = async (status: CaseStatus) => {
      const { id, version } = current;
      current = await write((em) => changeCaseStatus(em, id, version, { status }, admin));
      return current;
    };
    const attempt = (status: CaseStatus) => refusal(write((em) => changeCaseStatus(em, current.id, current.version, { status }, admin)));
    expect(await attempt(CaseStatus.CLOSED)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'A case cannot move from NEW to CLOSED; from NEW it can move to OPEN',
    });

    await move(CaseStatus.OPEN);
    await move(CaseStatus.PENDING);
    expect((await move(CaseStatus.RESOLVED)).resolvedAt).not.toBeNull();
    expect(await move(CaseStatus.OPEN)).toMatchObject({ status: 'OPEN', resolvedAt: null });
    await move(CaseStatus.RESOLVED);
    expect((await move(CaseStatus.CLOSED)).status).toBe('CLOSED');
    const final = await attempt(CaseStatus.OPEN);
    expect(final.code).toBe('BAD_USER_INPUT');
    expect(final.message).toContain('CLOSED is final');

    const events = await outboxOf(orm, current.id);
    expect(events.filter((e) => e.type === 'CaseStatusChanged').map((e) => e.payload.to)).toEqual([
      'OPEN',
      'PENDING',
      'RESOLVED',
      'OPEN',
      'RESOLVED',
      'CLOSED',
    ]);
  });

  it('updates a case with its version, recomputing deadlines on a new priority, and rejects a stale version with CONFLICT', async () => {
    const opened = await open({ customerId: randomUUID(), priority: CasePriority.NORMAL, category: CaseCategory.GENERAL });
    const updated = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.URGENT, description: 'Car does not start' }, admin));
    expect(updated).toMatchObject({ priority: 'URGENT', description: 'Car does not start', version: opened.version + 1 });
    expect(minutesBetween(updated.createdAt, updated.firstResponseDueAt)).toBe(60);
    const stale = await refusal(write((em) => updateCase(em, opened.id, opened.version, { subject: 'Lost update' }, admin)));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toContain('was changed by someone else');
    const changed = (await outboxOf(orm, opened.id)).find((e) => e.type === 'CaseChanged');
    expect(changed?.payload.changedFields).toEqual(['description', 'priority']);
  });

  it('assigns and escalates to the second line, once', async () => {
    const [agent, specialist] = [randomUUID(), randomUUID()];
    const opened = await open({ customerId: randomUUID() });
    const assigned = await write((em) => assignCase(em, opened.id, opened.version, { assigneeId: agent }, admin));
    expect(assigned.assigneeId).toBe(agent);
    const escalated = await write((em) =>
      escalateCase(em, opened.id, assigned.version, { reason: 'Needs a diagnostics specialist', assigneeId: specialist }, admin),
    );
    expect(escalated).toMatchObject({ line: 'SECOND', assigneeId: specialist });
    const again = await refusal(write((em) => escalateCase(em, opened.id, escalated.version, null, admin)));
    expect(again.code).toBe('BAD_USER_INPUT');
    expect(again.message).toContain('already on the second line');
    expect(await outboxTypes(orm, opened.id)).toEqual(['CaseOpened', 'CaseAssigned', 'CaseEscalated']);
  });

  it('reports unknown and malformed case ids', async () => {
    expect((await refusal(getCase(em(), UNKNOWN_ID))).code).toBe('NOT_FOUND');
    expect((await refusal(write((em) => assignCase(em, UNKNOWN_ID, 1, { assigneeId: randomUUID() }, admin)))).code).toBe('NOT_FOUND');
    expect((await refusal(write((em) => changeCaseStatus(em, 'case-1', 1, { status: CaseStatus.OPEN }, admin)))).code).toBe('BAD_USER_INPUT');
  });
});

describe('case events carry the case snapshot', () => {
  it('puts { caseId, customerId, status, priority, line, category, assigneeId, channel } on every Case* event', async () => {
    const customerId = randomUUID();
    const opened = await open({ customerId, channel: CaseChannel.SOCIAL, category: CaseCategory.COMPLAINT, priority: CasePriority.NORMAL });
    const changed = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.HIGH }, admin));
    const moved = await write((em) => changeCaseStatus(em, opened.id, changed.version, { status: CaseStatus.OPEN }, admin));
    const agent = randomUUID();
    const assigned = await write((em) => assignCase(em, opened.id, moved.version, { assigneeId: agent }, admin));
    await write((em) => escalateCase(em, opened.id, assigned.version, { reason: 'Needs a specialist' }, admin));
    const longBody = `${'Still warm air. '.repeat(40)}😀 end`;
    const message = await write((em) =>
      addCaseMessage(em, { caseId: opened.id, channel: CaseChannel.CHAT, direction: CaseMessageDirection.INBOUND, body: longBody }, admin),
    );

    const base = { caseId: opened.id, customerId, category: 'COMPLAINT', channel: 'SOCIAL' };
    const events = await outboxOf(orm, opened.id);
    const byType = (type: string) => events.find((e) => e.type === type)?.payload;
    expect(byType('CaseOpened')).toMatchObject({ ...base, status: 'NEW', priority: 'NORMAL', line: 'FIRST', assigneeId: null });
    expect(byType('CaseChanged')).toMatchObject({
      ...base,
      status: 'NEW',
      priority: 'HIGH',
      changedFields: ['priority'],
      firstResponseDueAt: changed.firstResponseDueAt.toISOString(),
    });
    expect(byType('CaseStatusChanged')).toMatchObject({ ...base, status: 'OPEN', priority: 'HIGH', from: 'NEW', to: 'OPEN' });
    expect(byType('CaseAssigned')).toMatchObject({ ...base, status: 'OPEN', assigneeId: agent, previousAssigneeId: null, line: 'FIRST' });
    expect(byType('CaseEscalated')).toMatchObject({ ...base, line: 'SECOND', assigneeId: agent, reason: 'Needs a specialist' });
    const added = byType('CaseMessageAdded');
    expect(added).toMatchObject({
      caseId: opened.id,
      customerId,
      status: 'OPEN',
      priority: 'HIGH',
      line: 'SECOND',
      assigneeId: agent,
      messageId: message.id,
      // The case's channel, as in every Case* event; the message's own is messageChannel.
      channel: 'SOCIAL',
      messageChannel: 'CHAT',
      direction: 'INBOUND',
      currentChannel: 'CHAT',
    });
    expect(added).not.toHaveProperty('caseChannel');
    expect(added?.body).toBe(longBody.slice(0, 500));
    expect(message.body).toBe(longBody);

    const snapshotKeys = ['caseId', 'customerId', 'status', 'priority', 'line', 'category', 'assigneeId', 'channel'];
    for (const event of events) expect(Object.keys(event.payload)).toEqual(expect.arrayContaining(snapshotKeys));
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
      casesPage(em(), { assigneeId: agent, ...filter }, orderBy, admin, { first, after });
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
    const [byCustomer] = await casePagesByCustomer(em(), [customerId], urgentOnly, undefined, admin, { first: 10 });
    expect(byCustomer!.edges.map((e) => e.node.id)).toEqual([urgent.id]);
    expect(await caseCountsByCustomer(em(), [customerId], urgentOnly, admin)).toEqual([1]);
  });

  it('lists cases at risk within a number of minutes and flags them', async () => {
    const customerId = randomUUID();
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    const opened = await open({ customerId, priority: CasePriority.URGENT, category: CaseCategory.TECHNICAL }); // first response in 15 min
    expect(opened.slaAtRisk()).toBe(true); // default window: 60 minutes
    const soon = await casesAtRiskPage(em(), 20, admin, { first: 100 });
    expect(soon.edges.map((e) => e.node.id)).toContain(opened.id);
    const now = await casesAtRiskPage(em(), 5, admin, { first: 100 });
    expect(now.edges.map((e) => e.node.id)).not.toContain(opened.id);
    expect(await refusal(casesAtRiskPage(em(), 0, admin, { first: 100 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
