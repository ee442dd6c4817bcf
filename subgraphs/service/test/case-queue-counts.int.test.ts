import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { caseQueue } from '../src/modules/case/case-queue.js';
import { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { changeCaseStatus, openCase } from '../src/modules/case/case.service.js';
import { firstResponseBreached, resolutionBreached, slaAtRisk } from '../src/modules/sla/sla.policy.js';
import { Case } from '../src/modules/case/case.entity.js';
import { desk, em, serviceAgent, useFreshServiceDatabase, write } from './database.js';

// caseQueue on service's own database: the open cases counted by line and priority, by agent and in total, with
// the SLA states computed in SQL exactly as the cases' own fields say them. Live through the gateway:
// tests/dashboard-aggregates.e2e.test.ts.

useFreshServiceDatabase();

const HOUR = 3_600_000;

const open = (input: Partial<OpenCaseInput>) =>
  write((em) => openCase(em, { customerId: randomUUID(), subject: 'Queue', channel: CaseChannel.PHONE, category: CaseCategory.GENERAL, ...input }));

describe('caseQueue', () => {
  it('counts open, at-risk and breached cases by line and priority and by agent, as Case.slaAtRisk and the breach fields say', async () => {
    const agentId = randomUUID();
    // A standard contract: NORMAL answers in 8 h (at risk from 6 h), URGENT in 1 h (resolution 8 h, at risk from 6 h),
    // HIGH in 4 h (resolution 24 h).
    const normal = await open({ priority: CasePriority.NORMAL });
    const urgent = await open({ priority: CasePriority.URGENT, assigneeId: agentId });
    const high = await open({ priority: CasePriority.HIGH, line: CaseLine.SECOND, category: CaseCategory.TECHNICAL, assigneeId: agentId });
    const settled = await open({ priority: CasePriority.URGENT });
    const opened = await write((em) => changeCaseStatus(em, settled.id, settled.version, { status: CaseStatus.OPEN }, desk));
    await write((em) => changeCaseStatus(em, settled.id, opened.version, { status: CaseStatus.RESOLVED }, desk));

    const now = new Date(normal.createdAt.getTime() + 7 * HOUR);
    const queue = await caseQueue(em(), null, desk, now);
    expect([queue.open, queue.atRisk, queue.breached]).toEqual([3, 2, 2]);
    expect(queue.rows.map((r) => [r.line, r.priority, r.open, r.atRisk, r.breached])).toEqual([
      ['FIRST', 'URGENT', 1, 1, 1],
      ['FIRST', 'NORMAL', 1, 1, 0],
      ['SECOND', 'HIGH', 1, 0, 1],
    ]);
    expect(queue.agents.map((a) => [a.agent?.id ?? null, a.open, a.atRisk, a.breached])).toEqual([
      [agentId, 2, 1, 2],
      [null, 1, 1, 0],
    ]);

    // The same as each case's own fields at that moment.
    const cases = await em().find(Case, { id: { $in: [normal.id, urgent.id, high.id] } });
    expect(cases.filter((c) => slaAtRisk(c, now, 0.25)).length).toBe(queue.atRisk);
    expect(cases.filter((c) => firstResponseBreached(c, now) || resolutionBreached(c, now)).length).toBe(queue.breached);

    const second = await caseQueue(em(), { line: CaseLine.SECOND }, desk, now);
    expect([second.open, second.breached, second.rows.length]).toEqual([1, 1, 1]);
    const agents = await caseQueue(em(), { agentId }, desk, now);
    expect([agents.open, agents.atRisk, agents.breached]).toEqual([2, 1, 2]);
    const urgentOnly = await caseQueue(em(), { priority: CasePriority.URGENT }, desk, now);
    expect(urgentOnly.open).toBe(1);

    // A first-line agent counts the first line's cases and those assigned to them.
    const firstLine = await caseQueue(em(), null, serviceAgent(randomUUID(), ['FIRST']), now);
    expect(firstLine.open).toBe(2);
    const assigned = await caseQueue(em(), null, serviceAgent(agentId, ['FIRST']), now);
    expect(assigned.open).toBe(3);
  });
});
