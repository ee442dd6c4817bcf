import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CaseChangedDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateTeamWithDocument,
  CustomerEmailsDocument,
  CustomerProfileDocument,
  MoveOpportunityDocument,
  OpenCaseDocument,
  OpportunityOwnersDocument,
  OpportunityTitleDocument,
  UpdateCustomerDocument,
  UpdateOpportunityDocument,
  WhoCanSeeDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// Issue 8.3 and 8.5: each role sees exactly its rows and fields, in lists, totals, sums, references and
// subscriptions, and is refused what it may not do before anything changes.

let platform: Platform;
let url: string;
let manager: StaffMember, rep: StaffMember, loneRep: StaffMember, marketer: StaffMember, analyst: StaffMember;
let customerId: string;
let pipelineId: string;
const owned: Record<'team' | 'lone' | 'queue', { id: string; version: number }> = {} as never;

const as = (member: StaffMember) => ({ authorization: member.authorization });

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  [manager, rep, loneRep, marketer, analyst] = await Promise.all([
    platform.createStaff('SALES_MANAGER'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('MARKETER'),
    platform.createStaff('ANALYST'),
  ]);
  await executeOk(url, CreateTeamWithDocument, { input: { name: `North ${randomUUID().slice(0, 6)}`, managerId: manager.id, memberIds: [rep.id] } });
  customerId = (
    await executeOk(url, CreateCustomerDocument, {
      input: {
        kind: 'PERSON',
        firstName: 'Radka',
        lastName: 'Řádková',
        birthDate: '1990-02-03',
        emails: [`radka.${randomUUID().slice(0, 8)}@example.cz`],
        phones: [],
      },
    })
  ).createCustomer.id;
  pipelineId = (
    await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Rows ${randomUUID().slice(0, 6)}`,
        stages: [
          { name: 'Open', probability: 10 },
          { name: 'Offer', probability: 50 },
        ],
      },
    })
  ).createPipeline.id;
  const open = async (title: string, ownerId: string | null) =>
    (await executeOk(url, CreateOpportunityDocument, { input: { customerId, pipelineId, title, ownerId, amount: { amount: '100000.00', currency: 'CZK' } } }))
      .createOpportunity;
  owned.team = await open('Team deal', rep.id);
  owned.lone = await open('Lone deal', loneRep.id);
  owned.queue = await open('Queue deal', null);
});
afterAll(() => platform.stop());

describe('row level: who sees which opportunities', () => {
  it('shows each role exactly its rows, in the list, its total and the pipeline summary', async () => {
    const seenBy = async (member?: StaffMember) => {
      const { customer, pipelineSummary } = await executeOk(url, WhoCanSeeDocument, { id: customerId, pipelineId }, member ? as(member) : {});
      const titles = customer.opportunities!.edges.map((e) => e.node.title).sort();
      return { titles, total: customer.opportunities!.totalCount, summed: pipelineSummary.count, value: pipelineSummary.value.amount };
    };
    expect(await seenBy()).toEqual({ titles: ['Lone deal', 'Queue deal', 'Team deal'], total: 3, summed: 3, value: '300000.00' });
    expect(await seenBy(manager)).toEqual({ titles: ['Queue deal', 'Team deal'], total: 2, summed: 2, value: '200000.00' });
    expect(await seenBy(rep)).toEqual({ titles: ['Team deal'], total: 1, summed: 1, value: '100000.00' });
    expect(await seenBy(loneRep)).toEqual({ titles: ['Lone deal'], total: 1, summed: 1, value: '100000.00' });
    expect(await seenBy(analyst)).toMatchObject({ total: 3, summed: 3 });
  });

  it("answers another team's opportunity as NOT_FOUND, and refuses to change it, leaving it as it was", async () => {
    const read = await execute(url, OpportunityTitleDocument, { id: owned.team.id }, as(loneRep));
    expect(errorCodes(read)).toEqual(['NOT_FOUND']);
    const moved = await execute(url, UpdateOpportunityDocument, { id: owned.team.id, version: owned.team.version, input: { title: 'Stolen' } }, as(loneRep));
    expect(errorCodes(moved)).toEqual(['NOT_FOUND']);
    const { opportunity } = await executeOk(url, OpportunityTitleDocument, { id: owned.team.id });
    expect(opportunity.title).toBe('Team deal');
    // Nor can a rep hand their own deal to someone outside their teams.
    const away = await execute(url, UpdateOpportunityDocument, { id: owned.lone.id, version: owned.lone.version, input: { ownerId: rep.id } }, as(loneRep));
    expect(errorCodes(away)).toEqual(['FORBIDDEN']);
  });

  it('records the verified caller as who moved a stage', async () => {
    const { pipelineSummary } = await executeOk(url, WhoCanSeeDocument, { id: customerId, pipelineId });
    expect(pipelineSummary.count).toBe(3);
    const { createPipeline } = await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Moves ${randomUUID().slice(0, 6)}`,
        stages: [
          { name: 'A', probability: 10 },
          { name: 'B', probability: 20 },
        ],
      },
    });
    const { createOpportunity } = await executeOk(
      url,
      CreateOpportunityDocument,
      { input: { customerId, pipelineId: createPipeline.id, title: 'Mine', amount: { amount: '1.00', currency: 'CZK' } } },
      as(rep),
    );
    await executeOk(
      url,
      MoveOpportunityDocument,
      { id: createOpportunity.id, version: createOpportunity.version, stageId: createPipeline.stages[1]!.id },
      as(rep),
    );
    const { opportunity } = await executeOk(url, OpportunityTitleDocument, { id: createOpportunity.id }, as(rep));
    expect(opportunity.stageHistory.edges.map((e) => e.node.changedBy)).toEqual([rep.id, rep.id]);
  });
});

describe('field level: personal data needs pii:read', () => {
  it('returns the rest of the answer with the personal fields null and a FORBIDDEN error naming each', async () => {
    const result = await execute(url, CustomerProfileDocument, { id: customerId }, as(marketer));
    expect(result.data?.customer.displayName).toBe('Radka Řádková');
    expect(result.data?.customer.emails).toBeNull();
    expect(result.data?.customer.birthDate).toBeNull();
    const refused = (result.errors ?? []).map((e) => [e.extensions?.code, e.message.split(' ')[0], e.path?.join('.')]);
    expect(refused).toEqual(
      expect.arrayContaining([
        ['FORBIDDEN', 'Customer.emails', 'customer.emails'],
        ['FORBIDDEN', 'Customer.birthDate', 'customer.birthDate'],
      ]),
    );
    expect(result.errors?.every((e) => e.message.includes('pii:read'))).toBe(true);
    const rep360 = await executeOk(url, CustomerProfileDocument, { id: customerId }, as(rep));
    expect(rep360.customer.emails).toHaveLength(1);
  });
});

describe('mutations check permissions before they touch anything', () => {
  it('refuses a marketer a deal and an analyst any change, and nothing is written', async () => {
    const before = (await executeOk(url, WhoCanSeeDocument, { id: customerId, pipelineId })).customer.opportunities!.totalCount;
    const byMarketer = await execute(
      url,
      CreateOpportunityDocument,
      { input: { customerId, pipelineId, title: 'Not mine to sell', amount: { amount: '1.00', currency: 'CZK' } } },
      as(marketer),
    );
    expect(errorCodes(byMarketer)).toEqual(['FORBIDDEN']);
    expect(byMarketer.errors?.[0]?.message).toContain('opportunities:write');
    const byAnalyst = await execute(url, UpdateCustomerDocument, { id: customerId, version: 1, input: { firstName: 'Changed' } }, as(analyst));
    expect(errorCodes(byAnalyst)).toEqual(['FORBIDDEN']);
    expect((await executeOk(url, WhoCanSeeDocument, { id: customerId, pipelineId })).customer.opportunities!.totalCount).toBe(before);
    expect((await executeOk(url, CustomerProfileDocument, { id: customerId })).customer.firstName).toBe('Radka');
  });
});

describe('row level for service: lines of support', () => {
  it('shows an agent the cases of their line and those assigned to them, and nothing else', async () => {
    const agent = await platform.createStaff('SERVICE_AGENT', { supportLines: ['FIRST'] });
    const open = async (subject: string, line: 'FIRST' | 'SECOND', assigneeId?: string) =>
      (await executeOk(url, OpenCaseDocument, { input: { customerId, subject, channel: 'PHONE', priority: 'NORMAL', line, assigneeId } })).openCase;
    const first = await open('First line question', 'FIRST');
    const second = await open('Second line problem', 'SECOND');
    const mine = await open('Second line, mine', 'SECOND', agent.id);
    const query = `{ customer(id: "${customerId}") { cases(first: 20) { totalCount edges { node { id } } } } }`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: agent.authorization },
      body: JSON.stringify({ query }),
    });
    const { data } = (await response.json()) as { data: { customer: { cases: { totalCount: number; edges: Array<{ node: { id: string } }> } } } };
    expect(data.customer.cases.edges.map((e) => e.node.id).sort()).toEqual([first.id, mine.id].sort());
    expect(data.customer.cases.totalCount).toBe(2);
    const hidden = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: agent.authorization },
      body: JSON.stringify({ query: `{ case(id: "${second.id}") { id } }` }),
    });
    expect(((await hidden.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('NOT_FOUND');
  });
});

describe('subscriptions follow the same rules', () => {
  it("never tells a rep about another team's opportunity, and gives them their own", async () => {
    const client = connect(platform.wsUrl, loneRep.authorization);
    try {
      const subscriber = subscribe(client, OpportunityOwnersDocument, { after: await platform.bus.head() });
      const team = await executeOk(url, UpdateOpportunityDocument, { id: owned.team.id, version: owned.team.version, input: { title: 'Team deal, renamed' } });
      owned.team = team.updateOpportunity;
      const lone = await executeOk(url, UpdateOpportunityDocument, { id: owned.lone.id, version: owned.lone.version, input: { title: 'Lone deal, renamed' } });
      owned.lone = lone.updateOpportunity;
      const [only] = await subscriber.waitFor(1);
      expect(only!.data!.opportunityChanged.opportunity).toMatchObject({ id: owned.lone.id, owner: { id: loneRep.id } });
      // The team deal's change came first on the bus: had it been delivered, it would be the first result.
      expect(subscriber.results.map((r) => r.data?.opportunityChanged.event.aggregateId)).not.toContain(owned.team.id);
      await subscriber.close();
    } finally {
      await client.dispose();
    }
  });

  it('resolves the selection with the subscriber’s own permissions: no personal fields without pii:read', async () => {
    const client = connect(platform.wsUrl, marketer.authorization);
    try {
      const subscriber = subscribe(client, CustomerEmailsDocument, { id: customerId, after: await platform.bus.head() });
      const { customer } = await executeOk(url, CustomerProfileDocument, { id: customerId });
      await executeOk(url, UpdateCustomerDocument, { id: customerId, version: customer.version, input: { lastName: 'Řádková-Nová' } });
      const [change] = await subscriber.waitFor(1);
      expect(change!.data!.customerChanged.customer).toEqual({ displayName: 'Radka Řádková-Nová', emails: null });
      expect(change!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      await subscriber.close();
    } finally {
      await client.dispose();
    }
  });

  it('refuses a subscription the caller may not follow', async () => {
    const client = connect(platform.wsUrl, marketer.authorization);
    try {
      const [refused] = await subscribe(client, CaseChangedDocument, { filter: {} }).waitFor(1);
      expect(refused!.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused!.errors?.[0]?.message).toContain('cases:read');
    } finally {
      await client.dispose();
    }
  });
});
