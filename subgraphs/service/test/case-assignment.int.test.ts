import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { createCaseAssignmentRule, updateCaseAssignmentRule } from '../src/modules/assignment/assignment.service.js';
import type { CreateCaseAssignmentRuleInput } from '../src/modules/assignment/assignment.inputs.js';
import { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { assignCase, changeCaseStatus, getCase, openCase } from '../src/modules/case/case.service.js';
import { OPEN_CASE_STATUSES } from '../src/modules/assignment/assignment.queries.js';
import { desk, orm, useFreshServiceDatabase, write } from './database.js';
import { eachItem } from '@crm/kit/bulk.js';
import { wrap } from '@mikro-orm/core';

// New cases are assigned by the case assignment rules (data, like sales' lead routing rules): the most specific
// active rule of the case's line, and of its agents the one with the fewest open cases. Through the gateway:
// tests/service-case-assignment.e2e.test.ts.

const open = (input: Partial<OpenCaseInput> = {}) =>
  write((em) =>
    openCase(em, {
      customerId: randomUUID(),
      subject: 'A question',
      channel: CaseChannel.EMAIL,
      category: CaseCategory.GENERAL,
      priority: CasePriority.NORMAL,
      line: CaseLine.FIRST,
      ...input,
    }),
  );
const rule = (input: Partial<CreateCaseAssignmentRuleInput> & Pick<CreateCaseAssignmentRuleInput, 'agentIds'>) =>
  write((em) => createCaseAssignmentRule(em, { name: 'First line', line: CaseLine.FIRST, ...input }));

describe('a new case without an assignee', () => {
  useFreshServiceDatabase();

  it('waits unassigned, and says why, while no rule matches', async () => {
    const found = await open();
    expect(found).toMatchObject({
      assigneeId: null,
      assignmentReason: expect.stringMatching(/^no assignment rule matches a NORMAL GENERAL case of the FIRST line/),
    });
    const [opened, left] = await outboxOf(orm(), found.id);
    expect(opened?.type).toBe('CaseOpened');
    expect(left).toMatchObject({ type: 'CaseLeftUnassigned', payload: { caseId: found.id, assigneeId: null, reason: found.assignmentReason } });
  });

  it("goes to the agent of its line's rule with the fewest open cases, and the agent is told", async () => {
    const [anna, bob] = [randomUUID(), randomUUID()];
    await rule({ agentIds: [anna, bob] });
    const first = await open();
    expect(first).toMatchObject({ assigneeId: anna, assignmentReason: 'rule "First line": the agent had 0 open cases, the fewest' });
    expect(await outboxTypes(orm(), first.id)).toEqual(['CaseOpened', 'CaseAssigned']);
    const [, assigned] = await outboxOf(orm(), first.id);
    expect(assigned?.payload).toMatchObject({ assigneeId: anna, previousAssigneeId: null, reason: first.assignmentReason, line: 'FIRST' });

    expect((await open()).assigneeId).toBe(bob); // anna has one open now
    expect((await open()).assigneeId).toBe(anna); // one each: the first listed
    // A settled case is no load: anna resolves both of hers and gets the next two.
    for (const status of [CaseStatus.OPEN, CaseStatus.RESOLVED]) {
      await write(async (em) => changeCaseStatus(em, first.id, (await getCase(em, first.id)).version, { status }, desk));
    }
    expect((await open()).assigneeId).toBe(anna);
  });

  it('keeps an assignee given as it is opened', async () => {
    const given = randomUUID();
    const found = await open({ assigneeId: given });
    expect(found).toMatchObject({ assigneeId: given, assignmentReason: 'assigned as it was opened' });
    expect(await outboxTypes(orm(), found.id)).toEqual(['CaseOpened']);
  });
});

describe('cases opened in bulk (openCases)', () => {
  useFreshServiceDatabase();

  it('count the cases the items before them opened, each item in a unit of work of its own within the one transaction', async () => {
    const [anna, bob] = [randomUUID(), randomUUID()];
    await rule({ agentIds: [anna, bob] });
    const input = (subject: string): OpenCaseInput => ({
      customerId: randomUUID(),
      subject,
      channel: CaseChannel.EMAIL,
      category: CaseCategory.GENERAL,
      priority: CasePriority.NORMAL,
      line: CaseLine.FIRST,
    });
    const { cases, held } = await write(async (em) => {
      const cases = await eachItem(em, ['One', 'Two', 'Three', 'Four'].map(input), 'cases', (itemEm, item) => openCase(itemEm, item));
      // The call's own unit of work holds none of them: a flush there compared every item's entities again.
      return { cases, held: em.getUnitOfWork().getIdentityMap().values().length };
    });
    expect(cases.map((found) => found.assigneeId)).toEqual([anna, bob, anna, bob]);
    expect(held).toBe(0);
    for (const found of cases) expect(await outboxTypes(orm(), found.id)).toEqual(['CaseOpened', 'CaseAssigned']);
    // What a bulk call answers may still read through its entities after the transaction: through the pool.
    await expect(wrap(cases[0]!).init({ refresh: true })).resolves.toMatchObject({ subject: 'One', assigneeId: anna });
  });
});

describe("each agent's workload (agent_workload, kept by a trigger on support_case)", () => {
  useFreshServiceDatabase();

  /** Open cases per agent as agent_workload keeps them, and as counting the cases gives them. */
  const workloads = async () => {
    const kept = await orm()
      .em.getConnection()
      .execute<Array<{ agent_id: string; open_cases: number }>>('select agent_id, open_cases from agent_workload where open_cases > 0 order by agent_id');
    const counted = await orm()
      .em.getConnection()
      .execute<Array<{ agent_id: string; open_cases: number }>>(
        `select assignee_id as agent_id, count(*)::int as open_cases from support_case
       where assignee_id is not null and status = any(?::case_status[]) group by assignee_id order by assignee_id`,
        [`{${OPEN_CASE_STATUSES.join(',')}}`],
      );
    return { kept, counted };
  };
  const step = (id: string, run: (em: Parameters<Parameters<typeof write>[0]>[0], version: number) => Promise<unknown>) =>
    write(async (em) => run(em, (await getCase(em, id)).version));

  it('follows every way a case is opened, moves between agents, settles, reopens and is deleted', async () => {
    const [anna, bob, carla] = [randomUUID(), randomUUID(), randomUUID()];
    await rule({ agentIds: [anna, bob] });
    const [first, second, third] = [await open(), await open(), await open({ assigneeId: carla })];
    await open({ line: CaseLine.SECOND }); // no rule: unassigned, no one's load
    expect((await workloads()).kept).toEqual(
      [
        { agent_id: anna, open_cases: 1 },
        { agent_id: bob, open_cases: 1 },
        { agent_id: carla, open_cases: 1 },
      ].sort((a, b) => a.agent_id.localeCompare(b.agent_id)),
    );

    await step(second.id, (em, version) => assignCase(em, second.id, version, { assigneeId: carla }, desk));
    await step(first.id, (em, version) => changeCaseStatus(em, first.id, version, { status: CaseStatus.OPEN }, desk));
    await step(first.id, (em, version) => changeCaseStatus(em, first.id, version, { status: CaseStatus.PENDING }, desk));
    await step(third.id, (em, version) => changeCaseStatus(em, third.id, version, { status: CaseStatus.OPEN }, desk));
    await step(third.id, (em, version) => changeCaseStatus(em, third.id, version, { status: CaseStatus.RESOLVED }, desk));
    let { kept, counted } = await workloads();
    expect(kept).toEqual(counted);
    expect(kept).toContainEqual({ agent_id: carla, open_cases: 1 }); // the second case came, the third was resolved
    expect(kept.find((row) => row.agent_id === bob)).toBeUndefined();

    await step(third.id, (em, version) => changeCaseStatus(em, third.id, version, { status: CaseStatus.OPEN }, desk)); // reopened
    await orm().em.getConnection().execute('delete from support_case where id = ?', [first.id]);
    ({ kept, counted } = await workloads());
    expect(kept).toEqual(counted);
    expect(kept).toEqual([{ agent_id: carla, open_cases: 2 }]);
  });

  it('is what the rules compare: the agent it says is busier does not get the case', async () => {
    const [dana, emil] = [randomUUID(), randomUUID()];
    await rule({ name: 'Second line', line: CaseLine.SECOND, agentIds: [dana, emil] });
    await orm().em.getConnection().execute('insert into agent_workload (agent_id, open_cases) values (?, 5)', [dana]);
    const found = await open({ line: CaseLine.SECOND });
    expect(found).toMatchObject({ assigneeId: emil, assignmentReason: 'rule "Second line": the agent had 0 open cases, the fewest' });
  });
});

describe('which rule assigns', () => {
  useFreshServiceDatabase();

  it('the most specific active rule of the case line: a priority and category named beat a line alone; a switched-off rule takes no part', async () => {
    const [generalist, urgentTech, secondLine, retired] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await rule({ agentIds: [generalist] });
    await rule({ name: 'Urgent technical', priority: CasePriority.URGENT, category: CaseCategory.TECHNICAL, agentIds: [urgentTech] });
    await rule({ name: 'Second line', line: CaseLine.SECOND, agentIds: [secondLine] });
    const off = await rule({ name: 'Billing', category: CaseCategory.BILLING, agentIds: [retired] });

    expect((await open({ priority: CasePriority.URGENT, category: CaseCategory.TECHNICAL })).assigneeId).toBe(urgentTech);
    expect((await open({ priority: CasePriority.HIGH, category: CaseCategory.TECHNICAL })).assigneeId).toBe(generalist);
    expect((await open({ line: CaseLine.SECOND, priority: CasePriority.URGENT, category: CaseCategory.TECHNICAL })).assigneeId).toBe(secondLine);
    expect((await open({ category: CaseCategory.BILLING })).assigneeId).toBe(retired);

    const switchedOff = await write((em) => updateCaseAssignmentRule(em, off.id, off.version, { active: false }));
    expect(switchedOff).toMatchObject({ active: false, version: off.version + 1 });
    expect(await outboxTypes(orm(), off.id)).toEqual(['CaseAssignmentRuleCreated', 'CaseAssignmentRuleChanged']);
    expect((await open({ category: CaseCategory.BILLING })).assigneeId).toBe(generalist);

    const stale = await refusal(write((em) => updateCaseAssignmentRule(em, off.id, off.version, { agentIds: [generalist] })));
    expect(stale.code).toBe('CONFLICT');
  });

  it('refuses a rule without agents or with a malformed agent id', async () => {
    expect((await refusal(rule({ agentIds: ['someone'] }))).code).toBe('BAD_USER_INPUT');
  });
});
