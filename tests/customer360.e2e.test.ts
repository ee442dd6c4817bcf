import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, CreateOpportunityDocument, Full360Document, OpenCaseDocument, RecordInteractionsDocument } from './generated/graphql.js';
import { executeOk, queryOk } from './helpers/graphql.js';
import { CUSTOMER_360 } from '../bench/queries.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import type { SubgraphName } from '@crm/kit/config.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

/** A customer with `n` opportunities, cases and interactions, all owned/assigned by one rep. */
async function customerWith(n: number, repId: string): Promise<string> {
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: `Has${n}`, lastName: 'Things', emails: [`has${n}@example.cz`], phones: [] },
  });
  for (let i = 0; i < n; i++) {
    await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { customerId: createCustomer.id, title: `Car ${i}`, amount: { amount: `${1000 + i}.00`, currency: 'EUR' }, ownerId: repId },
    });
    await executeOk(platform.gatewayUrl, OpenCaseDocument, {
      input: { customerId: createCustomer.id, subject: `Question ${i} about the air conditioning`, channel: 'EMAIL', priority: 'NORMAL', assigneeId: repId },
    });
  }
  await executeOk(platform.gatewayUrl, RecordInteractionsDocument, {
    input: Array.from({ length: n }, (_, i) => ({
      customerId: createCustomer.id,
      channel: 'WEB' as const,
      type: 'PAGE_VIEW' as const,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      sourceSystem: 'website',
      externalEventId: `${createCustomer.id}-${i}`,
    })),
  });
  return createCustomer.id;
}

async function statementsFor(id: string, headers: Record<string, string> = {}): Promise<Record<SubgraphName, number>> {
  await platform.resetSqlLog();
  const { customer } = await executeOk(platform.gatewayUrl, Full360Document, { id, first: 50 }, headers);
  expect(customer.displayName).toMatch(/^Has\d+ Things$/);
  return Object.fromEntries(Object.entries(platform.sql).map(([name, statements]) => [name, statements.length])) as Record<SubgraphName, number>;
}

describe('the 360° customer query', () => {
  let rep: StaffMember;
  let one: string;
  let fifty: string;
  beforeAll(async () => {
    rep = await platform.createStaff('SALES_REP', { name: 'Rep 360' });
    one = await customerWith(1, rep.id);
    fifty = await customerWith(50, rep.id);
    // Sales learns the rep's name from identity's event, or from identity on its first use: before any count.
    await queryOk(platform.gatewayUrl, CUSTOMER_360, { id: one });
  });

  it('returns everything in one round trip with a statement count that does not grow with the data', async () => {
    const { customer } = await executeOk(platform.gatewayUrl, Full360Document, { id: fifty, first: 50 });
    expect(customer.opportunities?.totalCount).toBe(50);
    expect(customer.opportunities?.edges).toHaveLength(50);
    expect(customer.opportunities?.edges.every((e) => e.node.owner?.name === 'Rep 360' && e.node.customer.displayName === 'Has50 Things')).toBe(true);
    expect(customer.cases?.edges).toHaveLength(50);
    expect(customer.cases?.edges.every((e) => e.node.assignee?.name === 'Rep 360')).toBe(true);
    expect(customer.interactions?.totalCount).toBe(50);

    const small = await statementsFor(one);
    const large = await statementsFor(fifty);
    expect(large).toEqual(small);
    // And the absolute numbers stay small: a handful of batched statements per subgraph.
    for (const count of Object.values(large)) {
      expect(count).toBeGreaterThan(0); // every subgraph answered part of it
      expect(count).toBeLessThanOrEqual(12);
    }
  });

  it("runs the README's 360° query (the bench's) in one statement per list: totalCount comes with a first page, or alone", async () => {
    await platform.resetSqlLog();
    const { customer } = await queryOk<{ customer: { interactions: { totalCount: number; edges: unknown[] }; cases: { totalCount: number } } }>(
      platform.gatewayUrl,
      CUSTOMER_360,
      { id: fifty },
    );
    expect(customer.cases.totalCount).toBe(50);
    expect(customer.interactions.totalCount).toBe(0); // its filter asks for e-mails and calls; these are page views
    const statements = Object.fromEntries(Object.entries(platform.sql).map(([name, run]) => [name, run.length]));
    // identity: the customer with its e-mails; sales: the opportunities with their stages' and owners' names in the
    // page's statement (sales' copy, @provides: no request to identity for them); marketing: the interactions' first page with their totalCount;
    // service: the cases' totalCount without a page.
    expect(statements).toEqual({ identity: 1, sales: 1, marketing: 1, service: 1 });
  });

  it('costs a rep, whose rows are filtered to their own, the same statements as an admin', async () => {
    const asRep = { authorization: rep.authorization };
    const { customer } = await executeOk(platform.gatewayUrl, Full360Document, { id: fifty, first: 50 }, asRep);
    expect(customer.opportunities?.totalCount).toBe(50);
    expect(customer.emails).toEqual(['has50@example.cz']); // a rep may read personal data
    const small = await statementsFor(one, asRep);
    const large = await statementsFor(fifty, asRep);
    expect(large).toEqual(small);
    expect(large).toEqual(await statementsFor(fifty));
  });
});
