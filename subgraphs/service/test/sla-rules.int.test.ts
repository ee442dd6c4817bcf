import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { actingFor } from '@crm/kit/access/viewer.js';
import { systemClock } from '@crm/kit/clock.js';
import { createLogger } from '@crm/kit/logger.js';
import { eventually } from '../../../tests/helpers/eventually.js';
import { mutation, outboxOf } from '../../../tests/helpers/integration.js';
import { service } from '../src/app.js';
import { CaseCategory, CaseChannel, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import { changeCaseStatus, getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { flagCasesAtRisk } from '../src/modules/sla/sla-risk.service.js';
import { freshServiceDatabase } from './database.js';

// CaseSlaAtRisk on service's own database: when a deadline is flagged, and that the service definition's periodic job
// does it. The seeded fleet case of Story 3 through the gateway: tests/service-seed.e2e.test.ts.

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const desk = actingFor(randomUUID());
const MINUTE = 60_000;
const at = (moment: Date, minutesOffset: number) => new Date(moment.getTime() + minutesOffset * MINUTE);

/** STANDARD/LOW unless told: the first response in 1 day, the resolution in 5 days. */
const open = (priority = CasePriority.LOW) =>
  write((em) =>
    openCase(em, { customerId: randomUUID(), subject: 'Question about my car', channel: CaseChannel.EMAIL, category: CaseCategory.GENERAL, priority }),
  );
const atRiskEvents = async (caseId: string) => (await outboxOf(orm, caseId)).filter((e) => e.type === 'CaseSlaAtRisk');

describe('CaseSlaAtRisk', () => {
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

describe('the periodic job the service definition starts', () => {
  it('flags the cases at risk now and on every run after', async () => {
    process.env.SLA_CHECK_INTERVAL_MS = '200'; // read when the job starts, so a test can watch it work
    const job = service.startJobs!(orm, createLogger('service'), { clock: systemClock });
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
