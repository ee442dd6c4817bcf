import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CaseAssignmentRulesDocument,
  CaseChangedDocument,
  CreateCaseAssignmentRuleDocument,
  CreateCustomerDocument,
  OpenAutoAssignedCaseDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { setStaffActive } from './helpers/staff.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 12, point 5: a new case is assigned by the case assignment rules to an agent of its line with the fewest
// open cases, and the agent is told live. The rules themselves: subgraphs/service/test/case-assignment.int.test.ts.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

describe('case assignment through the gateway', () => {
  it("assigns a new case to the least-loaded agent of its line, and that agent's subscription hears of it", async () => {
    const url = platform.gatewayUrl;
    const [busy, free] = [
      await platform.createStaff('SERVICE_AGENT', { supportLines: ['FIRST'] }),
      await platform.createStaff('SERVICE_AGENT', { supportLines: ['FIRST'] }),
    ];
    const { createCaseAssignmentRule: rule } = await executeOk(url, CreateCaseAssignmentRuleDocument, {
      input: { name: 'First line', line: 'FIRST', agentIds: [busy.id, free.id] },
    });
    expect(rule).toMatchObject({ line: 'FIRST', priority: null, agentIds: [busy.id, free.id], active: true });
    expect((await executeOk(url, CaseAssignmentRulesDocument, { first: 10 })).caseAssignmentRules.edges.map((e) => e.node.id)).toContain(rule.id);
    // Only those who may configure the service desk manage the rules.
    const refused = await execute(
      url,
      CreateCaseAssignmentRuleDocument,
      { input: { name: 'Mine', line: 'FIRST', agentIds: [free.id] } },
      { authorization: free.authorization },
    );
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);

    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Iva', lastName: 'Nová', emails: [`iva-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const input = {
      customerId: createCustomer.id,
      subject: 'Opening hours',
      channel: 'EMAIL',
      category: 'GENERAL',
      priority: 'NORMAL',
      line: 'FIRST',
    } as const;
    const first = (await executeOk(url, OpenAutoAssignedCaseDocument, { input })).openCase;
    expect(first).toMatchObject({ assignee: { id: busy.id }, assignmentReason: 'rule "First line": the agent had 0 open cases, the fewest' });

    // busy has one open case now: the next goes to free, who hears of it live.
    const client = connect(platform.wsUrl, free.authorization);
    try {
      const after = await eventually(async () => (await platform.bus.head()) ?? Promise.reject(new Error('the bus is still empty')));
      const told = subscribe(client, CaseChangedDocument, { filter: { assigneeId: free.id }, after });
      const second = (await executeOk(url, OpenAutoAssignedCaseDocument, { input: { ...input, subject: 'Second key' } })).openCase;
      expect(second.assignee?.id).toBe(free.id);
      const [assigned] = await told.waitFor(1);
      expect(assigned?.data?.caseChanged).toMatchObject({ event: { type: 'CaseAssigned' }, case: { id: second.id, subject: 'Second key' } });
      await told.close();
    } finally {
      await client.dispose();
    }
  });

  it('gives no new case to an agent identity deactivated, and cases again once they are active', async () => {
    const url = platform.gatewayUrl;
    const [leaving, staying] = [
      await platform.createStaff('SERVICE_AGENT', { supportLines: ['SECOND'] }),
      await platform.createStaff('SERVICE_AGENT', { supportLines: ['SECOND'] }),
    ];
    // The most specific rule of the second line: it places these cases whatever else the tests made.
    await executeOk(url, CreateCaseAssignmentRuleDocument, {
      input: { name: 'Seat complaints', line: 'SECOND', priority: 'HIGH', category: 'COMPLAINT', agentIds: [leaving.id, staying.id] },
    });
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Eva', lastName: 'Malá', emails: [`eva-${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const open = async (subject: string) =>
      (
        await executeOk(url, OpenAutoAssignedCaseDocument, {
          input: { customerId: createCustomer.id, subject, channel: 'EMAIL', category: 'COMPLAINT', priority: 'HIGH', line: 'SECOND' },
        })
      ).openCase;
    const service = platform.subgraphs.service.orm.em;
    const setActive = async (agentId: string, active: boolean) => {
      await setStaffActive(url, agentId, active);
      // Service hears of it through identity's UserChanged.
      await eventually(async () => {
        const [row] = await service.fork().execute<Array<{ active: boolean }>>('select active from staff_status where user_id = ?', [agentId]);
        if (row?.active !== active) throw new Error('service has not heard of the change yet');
      });
    };

    await setActive(leaving.id, false);
    // Both have no open case and the one leaving is listed first: they would get both.
    expect((await open('Torn seat')).assignee?.id).toBe(staying.id);
    expect((await open('Loose seat')).assignee?.id).toBe(staying.id);

    await setActive(leaving.id, true);
    expect(await open('Stained seat')).toMatchObject({
      assignee: { id: leaving.id },
      assignmentReason: 'rule "Seat complaints": the agent had 0 open cases, the fewest',
    });

    await Promise.all([setActive(leaving.id, false), setActive(staying.id, false)]);
    expect(await open('Squeaky seat')).toMatchObject({
      assignee: null,
      assignmentReason: 'rule "Seat complaints" matches, but none of its agents is active; it waits unassigned',
    });
  });
});
