import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { systemClock } from '@crm/kit/clock.js';
import { createLogger } from '@crm/kit/logger.js';
import { eventually } from '../../../tests/helpers/eventually.js';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { service } from '../src/app.js';
import { type Case } from '../src/modules/case/case.entity.js';
import { CaseCategory, CaseChannel, CaseOrder, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import { casesAtRiskPage, casesPage } from '../src/modules/case/case.queries.js';
import { changeCaseStatus, getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { contractTierOf, setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { flagCasesAtRisk } from '../src/modules/sla/sla-risk.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { desk, em, orm, useFreshServiceDatabase, write } from './database.js';

// SLA terms and deadlines, and CaseSlaAtRisk, on service's own database: when a deadline is flagged, the cases at
// risk, and the service definition's periodic job that flags them. Flagging scans every case of the database, so
// each describe has a database of its own: no describe counts, lists or flags the cases of another, in any order.
// The seeded fleet case of Story 3 through the gateway: tests/service-seed.e2e.test.ts.

const MINUTE = 60_000;
const at = (moment: Date, minutesOffset: number) => new Date(moment.getTime() + minutesOffset * MINUTE);

/** LOW unless told, of a customer without a contract unless told: STANDARD/LOW responds in 1 day, resolves in 5. */
const open = (priority = CasePriority.LOW, customerId: string = randomUUID()) =>
  write((em) => openCase(em, { customerId, subject: `${priority} question`, channel: CaseChannel.EMAIL, category: CaseCategory.GENERAL, priority }));

/** The case's deadlines, in minutes after it was opened. */
const deadlines = (found: Case) => [
  (found.firstResponseDueAt.getTime() - found.createdAt.getTime()) / MINUTE,
  (found.resolutionDueAt.getTime() - found.createdAt.getTime()) / MINUTE,
];
const atRiskEvents = async (caseId: string) => (await outboxOf(orm(), caseId)).filter((e) => e.type === 'CaseSlaAtRisk');

describe('SLA deadlines', () => {
  useFreshServiceDatabase();

  it("run from the opening by the customer's contract tier and the priority; STANDARD without a contract", async () => {
    const [standard, premium, enterprise] = [randomUUID(), randomUUID(), randomUUID()];
    await write((em) => setServiceContract(em, { customerId: premium, tier: ServiceContractTier.PREMIUM }));
    await write((em) => setServiceContract(em, { customerId: enterprise, tier: ServiceContractTier.ENTERPRISE }));
    expect(await contractTierOf(em(), standard)).toBe('STANDARD');

    const expected: Array<[string, CasePriority, ServiceContractTier, number[]]> = [
      [standard, CasePriority.URGENT, ServiceContractTier.STANDARD, [60, 8 * 60]],
      [standard, CasePriority.LOW, ServiceContractTier.STANDARD, [24 * 60, 5 * 24 * 60]],
      [premium, CasePriority.URGENT, ServiceContractTier.PREMIUM, [15, 4 * 60]],
      [premium, CasePriority.NORMAL, ServiceContractTier.PREMIUM, [4 * 60, 24 * 60]],
      [enterprise, CasePriority.URGENT, ServiceContractTier.ENTERPRISE, [10, 2 * 60]],
      [enterprise, CasePriority.HIGH, ServiceContractTier.ENTERPRISE, [30, 4 * 60]],
    ];
    for (const [customerId, priority, tier, minutes] of expected) {
      const found = await open(priority, customerId);
      expect([found.contractTier, ...deadlines(found)]).toEqual([tier, ...minutes]);
      expect((await outboxOf(orm(), found.id))[0]?.payload).toMatchObject({
        firstResponseDueAt: found.firstResponseDueAt.toISOString(),
        resolutionDueAt: found.resolutionDueAt.toISOString(),
      });
    }
  });

  it('keeps the terms a case was opened with when the contract changes; a new priority sets new deadlines from the opening', async () => {
    const customerId = randomUUID();
    const before = await open(CasePriority.NORMAL, customerId);
    const contract = await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.ENTERPRISE }));
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    expect((await outboxOf(orm(), contract.id)).map((e) => [e.payload.tier, e.payload.previousTier])).toEqual([
      ['ENTERPRISE', null],
      ['PREMIUM', 'ENTERPRISE'],
    ]);
    expect(deadlines(await getCase(em(), before.id))).toEqual([8 * 60, 3 * 24 * 60]);

    const raised = await write((em) => updateCase(em, before.id, before.version, { priority: CasePriority.URGENT }, desk));
    // STANDARD terms, as the case was opened with: URGENT is 1 hour to respond, 8 to resolve.
    expect([raised.contractTier, ...deadlines(raised)]).toEqual(['STANDARD', 60, 8 * 60]);
    const changed = (await outboxOf(orm(), before.id)).at(-1);
    expect(changed).toMatchObject({
      type: 'CaseChanged',
      payload: {
        changedFields: ['priority'],
        firstResponseDueAt: raised.firstResponseDueAt.toISOString(),
        resolutionDueAt: raised.resolutionDueAt.toISOString(),
      },
    });
    expect((await open(CasePriority.NORMAL, customerId)).contractTier).toBe('PREMIUM');
    expect((await refusal(write((em) => setServiceContract(em, { customerId: 'nobody', tier: ServiceContractTier.PREMIUM })))).code).toBe('BAD_USER_INPUT');
  });
});

describe('CaseSlaAtRisk', () => {
  useFreshServiceDatabase();

  it('is emitted once per case and deadline when the deadline enters the at-risk window', async () => {
    const opened = await open();
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -120));
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, +1)); // already breached: a breach, not a risk
    expect(await atRiskEvents(opened.id)).toHaveLength(0);

    expect(await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -30))).toBeGreaterThanOrEqual(1);
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -30));
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -10));
    const [first, ...others] = await atRiskEvents(opened.id);
    expect(others).toHaveLength(0);
    expect(first!.payload).toMatchObject({
      caseId: opened.id,
      customerId: opened.customerId,
      status: 'NEW',
      priority: 'LOW',
      line: 'FIRST',
      category: 'GENERAL',
      channel: 'EMAIL',
      assigneeId: null,
      deadline: 'FIRST_RESPONSE',
      dueAt: opened.firstResponseDueAt.toISOString(),
    });

    await flagCasesAtRisk(em(), at(opened.resolutionDueAt, -10));
    await flagCasesAtRisk(em(), at(opened.resolutionDueAt, -5));
    expect((await atRiskEvents(opened.id)).map((e) => [e.payload.deadline, e.payload.dueAt])).toEqual([
      ['FIRST_RESPONSE', opened.firstResponseDueAt.toISOString()],
      ['RESOLUTION', opened.resolutionDueAt.toISOString()],
    ]);
    // Internal bookkeeping: the flag is no edit, so a client's version stays valid.
    expect((await getCase(em(), opened.id)).version).toBe(opened.version);
  });

  it('is not emitted for a deadline already met', async () => {
    const answered = await open();
    await write((em) =>
      addCaseMessage(em, {
        caseId: answered.id,
        channel: CaseChannel.EMAIL,
        direction: CaseMessageDirection.OUTBOUND,
        body: 'We are on it.',
        authorUserId: randomUUID(),
      }),
    );
    const resolved = await open();
    const reopened = await write((em) => changeCaseStatus(em, resolved.id, resolved.version, { status: CaseStatus.OPEN }, desk));
    await write((em) => changeCaseStatus(em, resolved.id, reopened.version, { status: CaseStatus.RESOLVED }, desk));

    await flagCasesAtRisk(em(), at(answered.firstResponseDueAt, -30));
    await flagCasesAtRisk(em(), at(resolved.firstResponseDueAt, -30));
    await flagCasesAtRisk(em(), at(resolved.resolutionDueAt, -30));
    // The answered case still has its resolution to meet (flagged by the last call, like every open case then).
    expect((await atRiskEvents(answered.id)).map((e) => e.payload.deadline)).toEqual(['RESOLUTION']);
    expect(await atRiskEvents(resolved.id)).toHaveLength(0);
  });

  it('is emitted again for a new deadline after a new priority moved it', async () => {
    const opened = await open();
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -30));
    const updated = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.NORMAL }, desk));
    expect(updated.firstResponseDueAt).not.toEqual(opened.firstResponseDueAt);
    await flagCasesAtRisk(em(), at(updated.firstResponseDueAt, -30));
    expect((await atRiskEvents(opened.id)).map((e) => [e.payload.priority, e.payload.dueAt])).toEqual([
      ['LOW', opened.firstResponseDueAt.toISOString()],
      ['NORMAL', updated.firstResponseDueAt.toISOString()],
    ]);
  });
});

describe('the cases at risk of a database', () => {
  // Counts every deadline flagged: a database of its own holds only the two cases below.
  useFreshServiceDatabase();

  it('flags each deadline coming due within the window once, lists the cases at risk, and filters those breaching by a time', async () => {
    const customerId = randomUUID();
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.ENTERPRISE }));
    const urgent = await open(CasePriority.URGENT, customerId); // responds in 10 minutes, resolves in 2 hours
    const low = await open(CasePriority.LOW, customerId); // 4 hours, 2 days
    const now = at(urgent.createdAt, 1);

    expect(await flagCasesAtRisk(em(), now, 30)).toBe(1);
    expect(await flagCasesAtRisk(em(), now, 30)).toBe(0);
    expect((await atRiskEvents(urgent.id)).map((e) => e.payload)).toEqual([
      expect.objectContaining({ deadline: 'FIRST_RESPONSE', dueAt: urgent.firstResponseDueAt.toISOString(), windowMinutes: 30 }),
    ]);
    expect(await flagCasesAtRisk(em(), now, 3 * 60)).toBe(1); // the resolution now falls within the window too
    expect(await atRiskEvents(low.id)).toEqual([]);

    const atRisk = await casesAtRiskPage(em(), 30, desk, {});
    expect(atRisk.edges.map((e) => e.node.id)).toEqual([urgent.id]);
    expect((await refusal(casesAtRiskPage(em(), 0, desk, {}))).code).toBe('BAD_USER_INPUT');

    const breachingBy = async (moment: Date) =>
      (await casesPage(em(), { breachingBefore: moment }, CaseOrder.FIRST_RESPONSE_DUE_SOONEST, desk, { first: 50 })).edges.map((e) => e.node.id);
    expect(await breachingBy(at(urgent.createdAt, 11))).toEqual([urgent.id]);
    expect(await breachingBy(at(low.createdAt, 5 * 60))).toEqual([urgent.id, low.id]);
  });
});

describe('the periodic job the service definition starts', () => {
  // The job flags every case of its database at risk now: a database of its own holds only the cases below.
  useFreshServiceDatabase();

  it('flags the cases at risk now and on every run after', async () => {
    process.env.SLA_CHECK_INTERVAL_MS = '200'; // read when the job starts, so a test can watch it work
    const job = service.startJobs!(orm(), createLogger('service'), { clock: systemClock });
    try {
      // STANDARD/URGENT: the first response is due in 60 minutes, inside the 60-minute window at once.
      const first = await open(CasePriority.URGENT);
      const [flagged] = await eventually(async () => {
        const events = await atRiskEvents(first.id);
        expect(events).toHaveLength(1);
        return events;
      });
      expect(flagged!.payload).toMatchObject({
        caseId: first.id,
        deadline: 'FIRST_RESPONSE',
        dueAt: first.firstResponseDueAt.toISOString(),
        priority: 'URGENT',
      });

      // Once the job has flagged a later case it has run again since: the first case stays flagged once.
      const second = await open(CasePriority.URGENT);
      await eventually(async () => expect(await atRiskEvents(second.id)).toHaveLength(1));
      expect(await atRiskEvents(first.id)).toHaveLength(1);
    } finally {
      await job.stop();
      delete process.env.SLA_CHECK_INTERVAL_MS;
    }
  });
});
