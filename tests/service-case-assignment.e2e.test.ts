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
});
