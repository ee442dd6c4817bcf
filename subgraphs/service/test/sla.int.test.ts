import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Clock } from '@crm/kit/clock.js';
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

  it('is emitted once per case and deadline when the deadline enters its at-risk window (its last quarter by default)', async () => {
    const opened = await open(); // STANDARD/LOW: 24 hours to respond (at risk in the last 6), 5 days to resolve (the last 30 hours)
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -6 * 60 - 1));
    await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, +1)); // already breached: a breach, not a risk
    expect(await atRiskEvents(opened.id)).toHaveLength(0);

    expect(await flagCasesAtRisk(em(), at(opened.firstResponseDueAt, -6 * 60))).toBeGreaterThanOrEqual(1);
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
      windowMinutes: 6 * 60,
    });

    await flagCasesAtRisk(em(), at(opened.resolutionDueAt, -30 * 60 - 1));
    expect(await atRiskEvents(opened.id)).toHaveLength(1);
    await flagCasesAtRisk(em(), at(opened.resolutionDueAt, -30 * 60));
    await flagCasesAtRisk(em(), at(opened.resolutionDueAt, -5));
    expect((await atRiskEvents(opened.id)).map((e) => [e.payload.deadline, e.payload.dueAt, e.payload.windowMinutes])).toEqual([
      ['FIRST_RESPONSE', opened.firstResponseDueAt.toISOString(), 6 * 60],
      ['RESOLUTION', opened.resolutionDueAt.toISOString(), 30 * 60],
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

  it('flags each deadline once as it enters its own window, lists the cases at risk, and filters those breaching by a time', async () => {
    const customerId = randomUUID();
    await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.ENTERPRISE }));
    const urgent = await open(CasePriority.URGENT, customerId); // responds in 10 minutes, resolves in 2 hours
    const low = await open(CasePriority.LOW, customerId); // 4 hours, 2 days

    // A quarter of 10 minutes: the first response is at risk from minute 7½, not at minute 1.
    expect(await flagCasesAtRisk(em(), at(urgent.createdAt, 1))).toBe(0);
    expect(await flagCasesAtRisk(em(), at(urgent.createdAt, 8))).toBe(1);
    expect(await flagCasesAtRisk(em(), at(urgent.createdAt, 8))).toBe(0);
    expect((await atRiskEvents(urgent.id)).map((e) => e.payload)).toEqual([
      expect.objectContaining({ deadline: 'FIRST_RESPONSE', dueAt: urgent.firstResponseDueAt.toISOString(), windowMinutes: 2.5 }),
    ]);
    // A larger fraction: the last 95 % of the 2-hour resolution (from minute 6) but not yet of the low case's 4 hours (minute 12).
    expect(await flagCasesAtRisk(em(), at(urgent.createdAt, 8), 0.95)).toBe(1);
    expect(await atRiskEvents(low.id)).toEqual([]);

    const atRiskIds = async (within: number | null, now: Date) => (await casesAtRiskPage(em(), within, desk, {}, now)).edges.map((e) => e.node.id);
    expect(await atRiskIds(null, at(urgent.createdAt, 1))).toEqual([]);
    expect(await atRiskIds(null, at(urgent.createdAt, 8))).toEqual([urgent.id]);
    expect(await atRiskIds(null, at(urgent.createdAt, 100))).toEqual([urgent.id]); // its resolution, from minute 90 of 120
    expect(await atRiskIds(null, at(low.createdAt, 3 * 60 + 1))).toEqual([low.id]); // the urgent deadlines passed: breaches, not risks
    expect(await atRiskIds(30, at(urgent.createdAt, 1))).toEqual([urgent.id]);
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

  it('flags a case only once its deadline enters the window, on the clock it is given', async () => {
    process.env.SLA_CHECK_INTERVAL_MS = '100'; // read when the job starts, so a test can watch it work
    const clock = new MovableClock();
    const job = service.startJobs!(orm(), createLogger('service'), { clock });
    try {
      // PREMIUM HIGH: the first response is due in 60 minutes, the resolution in 8 hours. A fixed 60-minute window
      // flagged it the moment it opened; a quarter of each deadline flags the response at minute 45, the resolution at hour 6.
      const customerId = randomUUID();
      await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
      const opened = await open(CasePriority.HIGH, customerId);
      expect(opened.slaAtRisk()).toBe(false);
      clock.from(opened.createdAt, 1);
      await clock.runs(3);
      clock.from(opened.createdAt, 44);
      await clock.runs(3);
      expect(await atRiskEvents(opened.id)).toEqual([]);

      clock.from(opened.createdAt, 46); // beyond 75 % of the 60 minutes
      const [flagged] = await eventually(async () => {
        const events = await atRiskEvents(opened.id);
        expect(events).toHaveLength(1);
        return events;
      });
      expect(flagged!.payload).toMatchObject({
        caseId: opened.id,
        deadline: 'FIRST_RESPONSE',
        dueAt: opened.firstResponseDueAt.toISOString(),
        priority: 'HIGH',
        windowMinutes: 15,
      });

      clock.from(opened.createdAt, 5 * 60);
      await clock.runs(3);
      expect(await atRiskEvents(opened.id)).toHaveLength(1); // the response breached, the resolution not at risk yet
      clock.from(opened.createdAt, 6 * 60 + 1);
      await eventually(async () =>
        expect((await atRiskEvents(opened.id)).map((e) => [e.payload.deadline, e.payload.windowMinutes])).toEqual([
          ['FIRST_RESPONSE', 15],
          ['RESOLUTION', 2 * 60],
        ]),
      );
    } finally {
      await job.stop();
      delete process.env.SLA_CHECK_INTERVAL_MS;
    }
  });
});

/** The time the job reads: set by the test, counting the job's runs (one reading each). */
class MovableClock implements Clock {
  private at = new Date();
  private readings = 0;
  now(): Date {
    this.readings++;
    return this.at;
  }
  from(moment: Date, minutes: number): void {
    this.at = at(moment, minutes);
  }
  /** Until the job has read the time `count` more times (so it has run at least `count - 1` times whole on it). */
  async runs(count: number): Promise<void> {
    const until = this.readings + count;
    await eventually(async () => expect(this.readings).toBeGreaterThanOrEqual(until));
  }
}
