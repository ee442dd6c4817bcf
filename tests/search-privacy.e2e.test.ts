import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';

// E-mails and phones are personal data (pii:read). Whoever may not read them may not search by them either: a hit
// would confirm that an address or a number belongs to a customer. Names are searchable by everyone who reads customers.

let platform: Platform;
let staff: Record<'marketer' | 'analyst' | 'rep' | 'manager', StaffMember>;
let customerId: string;
const email = `hedvika.${randomUUID().slice(0, 8)}@soukroma.example`;
const phone = '+420 777 987 654';

beforeAll(async () => {
  platform = await startPlatform();
  const [marketer, analyst, rep, manager] = await Promise.all([
    platform.createStaff('MARKETER'),
    platform.createStaff('ANALYST'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('SALES_MANAGER'),
  ]);
  staff = { marketer: marketer!, analyst: analyst!, rep: rep!, manager: manager! };
  customerId = (
    await graph<{ createCustomer: { id: string } }>(platform.admin, 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }', {
      input: { kind: 'PERSON', firstName: 'Hedvika', lastName: 'Soukromá', emails: [email], phones: [phone] },
    })
  ).createCustomer.id;
});
afterAll(() => platform.stop());

async function graph<T>(caller: StaffMember, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(platform.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: caller.authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Whether each of the three ways to look a customer up finds ours by `term`, as `caller`. */
async function finds(caller: StaffMember, term: string) {
  const { searchCustomers, search, customers } = await graph<{
    searchCustomers: Array<{ customer: { id: string } }>;
    search: Array<{ kind: string; customer: { id: string } | null }>;
    customers: { totalCount: number; edges: Array<{ node: { id: string } }> };
  }>(
    caller,
    `query($q: String!) {
      searchCustomers(query: $q, first: 20) { customer { id } }
      search(query: $q, first: 20) { kind customer { id } }
      customers(first: 20, filter: { search: $q }) { totalCount edges { node { id } } }
    }`,
    { q: term },
  );
  return {
    searchCustomers: searchCustomers.some((hit) => hit.customer.id === customerId),
    search: search.some((hit) => hit.kind === 'CUSTOMER' && hit.customer?.id === customerId),
    customers: customers.edges.some((edge) => edge.node.id === customerId),
  };
}

const everywhere = { searchCustomers: true, search: true, customers: true };
const nowhere = { searchCustomers: false, search: false, customers: false };

describe('customer search by e-mail and phone', () => {
  it('finds nothing for callers without pii:read, so a hit confirms no address or number', async () => {
    for (const role of ['marketer', 'analyst'] as const) {
      expect({
        role,
        email: await finds(staff[role], email),
        emailPrefix: await finds(staff[role], email.slice(0, 14)),
        phone: await finds(staff[role], phone),
      }).toEqual({ role, email: nowhere, emailPrefix: nowhere, phone: nowhere });
    }
  });

  it('finds the customer for callers with pii:read', async () => {
    for (const role of ['rep', 'manager'] as const) {
      expect({ role, email: await finds(staff[role], email), phone: await finds(staff[role], phone) }).toEqual({ role, email: everywhere, phone: everywhere });
    }
  });

  it('finds the customer by name for everyone who reads customers', async () => {
    for (const role of ['marketer', 'analyst', 'rep'] as const) {
      expect({ role, name: await finds(staff[role], 'Hedvika Soukromá') }).toEqual({ role, name: everywhere });
    }
  });
});

describe('many searches at once', () => {
  it('answers each with every domain, more at once than a subgraph has connections', async () => {
    // Each domain searches in a transaction with the request's deadline. Its statement once ran on a second pooled
    // connection: with as many searches at once as a subgraph's pool, each held one connection and waited for another,
    // until the gateway gave up on the domain after 3 s and left its hits out.
    const search = () =>
      graph<{ search: Array<{ kind: string; customer: { id: string } | null }> }>(
        staff.rep,
        '{ search(query: "Hedvika Soukromá", first: 5) { kind customer { id } } }',
      );
    const alone = await search();
    expect(alone.search.some((hit) => hit.customer?.id === customerId)).toBe(true);
    const together = await Promise.all(Array.from({ length: 20 }, search));
    expect(together).toEqual(Array.from({ length: 20 }, () => alone));
  });
});
