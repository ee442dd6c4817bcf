import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// The gateway reads a subscription's entity once for every subscriber who would see the same thing. Whether an agent
// sees a case depends on who they are (cases assigned to them), not only on their role and lines: two agents of the
// same line never share a read, so each gets exactly what they may see.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

async function graph<T>(query: string, variables: Record<string, unknown> = {}, authorization = platform.admin.authorization): Promise<T> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

interface Cases {
  totalCount: number;
  edges: Array<{ node: { id: string } }>;
}
const caseIds = (cases: Cases | null | undefined) => (cases ? { totalCount: cases.totalCount, ids: cases.edges.map((e) => e.node.id).sort() } : null);

let customerId: string;
let customerVersion: number;
let assigned: StaffMember;
let colleague: StaffMember;
let shared: { id: string; version: number };
let hidden: { id: string };

beforeAll(async () => {
  // Two agents of the first line; a second-line case is assigned to one of them.
  [assigned, colleague] = await Promise.all([
    platform.createStaff('SERVICE_AGENT', { supportLines: ['FIRST'] }),
    platform.createStaff('SERVICE_AGENT', { supportLines: ['FIRST'] }),
  ]);
  const { createCustomer } = await graph<{ createCustomer: { id: string; version: number } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id version } }',
    { input: { kind: 'PERSON', firstName: 'Sdílená', lastName: 'Zákaznice', emails: [], phones: [] } },
  );
  customerId = createCustomer.id;
  customerVersion = createCustomer.version;
  const open = async (subject: string, line: 'FIRST' | 'SECOND', assigneeId?: string) =>
    (
      await graph<{ openCase: { id: string; version: number } }>('mutation($input: OpenCaseInput!) { openCase(input: $input) { id version } }', {
        input: { customerId, subject, channel: 'PHONE', priority: 'NORMAL', line, assigneeId },
      })
    ).openCase;
  shared = await open('First line question', 'FIRST');
  hidden = await open('Second line, assigned to one agent', 'SECOND', assigned.id);
});

describe('subscribers of the same line and role', () => {
  it('each see the nested cases they may see in a customer change, and no one else’s', async () => {
    const selection = parse(`subscription($id: ID!, $after: String) { customerChanged(id: $id, after: $after) {
      customer { id cases(first: 20) { totalCount edges { node { id } } } } } }`);
    const after = await platform.bus.head();
    const clients = [connect(platform.wsUrl, assigned.authorization), connect(platform.wsUrl, colleague.authorization)];
    try {
      const [mine, theirs] = clients.map((client) => subscribe(client, selection, { id: customerId, after }));
      await graph('mutation($id: ID!, $version: Int!) { updateCustomer(id: $id, version: $version, input: { jobTitle: "Řidička" }) { id } }', {
        id: customerId,
        version: customerVersion,
      });
      type Change = { customerChanged: { customer: { cases: Cases } | null } };
      const [[mineResult], [theirsResult]] = (await Promise.all([mine!.waitFor(1), theirs!.waitFor(1)])) as unknown as [[{ data: Change }], [{ data: Change }]];
      expect({
        assigned: caseIds(mineResult.data.customerChanged.customer?.cases),
        colleague: caseIds(theirsResult.data.customerChanged.customer?.cases),
      }).toEqual({
        assigned: { totalCount: 2, ids: [shared.id, hidden.id].sort() },
        colleague: { totalCount: 1, ids: [shared.id] },
      });
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('each see the nested cases they may see in a case change, and no one else’s', async () => {
    const selection = parse(`subscription($after: String) { caseChanged(filter: { line: FIRST }, after: $after) {
      case { id customer { cases(first: 20) { totalCount edges { node { id } } } } } } }`);
    const after = await platform.bus.head();
    const clients = [connect(platform.wsUrl, assigned.authorization), connect(platform.wsUrl, colleague.authorization)];
    try {
      const [mine, theirs] = clients.map((client) => subscribe(client, selection, { after }));
      await graph('mutation($id: ID!, $version: Int!) { updateCase(id: $id, version: $version, input: { priority: HIGH }) { id } }', shared);
      type Change = { caseChanged: { case: { id: string; customer: { cases: Cases } } | null } };
      const [[mineResult], [theirsResult]] = (await Promise.all([mine!.waitFor(1), theirs!.waitFor(1)])) as unknown as [[{ data: Change }], [{ data: Change }]];
      expect({
        assigned: caseIds(mineResult.data.caseChanged.case?.customer.cases),
        colleague: caseIds(theirsResult.data.caseChanged.case?.customer.cases),
      }).toEqual({
        assigned: { totalCount: 2, ids: [shared.id, hidden.id].sort() },
        colleague: { totalCount: 1, ids: [shared.id] },
      });
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});
