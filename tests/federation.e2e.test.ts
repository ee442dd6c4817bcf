import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateUserDocument,
  Customer360Document,
  OpenCaseDocument,
  OpportunitiesWithCustomersDocument,
  RecordInteractionDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

async function createCustomer(firstName: string, email: string) {
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Tester', emails: [email], phones: [] },
  });
  return createCustomer;
}

describe('one query through the gateway answers from all four subgraphs', () => {
  it('returns a customer with identity, sales, marketing and service fields', async () => {
    const { createUser: rep } = await executeOk(platform.gatewayUrl, CreateUserDocument, {
      input: { name: 'Tomáš Dvořák', email: 'tomas@dealer.example', role: 'SALES_REP' },
    });
    const { createCustomer: customer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Jan', lastName: 'Novák', emails: [' Jan.Novak@Example.CZ '], phones: ['601 123 456'] },
    });
    expect(customer.emails).toEqual(['jan.novak@example.cz']);
    expect(customer.phones).toEqual(['+420601123456']);

    const { createOpportunity } = await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: {
        customerId: customer.id,
        title: 'Family SUV',
        stage: 'First offer sent',
        amount: { amount: '899900.00', currency: 'CZK' },
        ownerId: rep.id,
        expectedCloseDate: '2027-01-15',
      },
    });
    expect(createOpportunity.customer.displayName).toBe('Jan Novák');

    for (const [type, occurredAt] of [
      ['PAGE_VIEW', '2026-11-01T10:00:00Z'],
      ['FORM_SUBMIT', '2026-11-02T10:00:00Z'],
      ['CALL', '2026-11-03T10:00:00Z'],
    ] as const) {
      await executeOk(platform.gatewayUrl, RecordInteractionDocument, {
        input: { customerId: customer.id, channel: type === 'CALL' ? 'PHONE' : 'WEB', type, occurredAt, properties: { step: type } },
      });
    }
    const { openCase } = await executeOk(platform.gatewayUrl, OpenCaseDocument, {
      input: { customerId: customer.id, subject: 'Test drive car was dirty', channel: 'CHAT', priority: 'HIGH' },
    });
    expect(openCase).toMatchObject({ status: 'NEW', priority: 'HIGH', customer: { displayName: 'Jan Novák' } });

    const { customer: view } = await executeOk(platform.gatewayUrl, Customer360Document, { id: customer.id, timelineFirst: 10 });
    expect(view.displayName).toBe('Jan Novák');
    expect(view.identifiers!.map((i) => i.kind).sort()).toEqual(['EMAIL', 'PHONE']);
    expect(view.opportunities?.totalCount).toBe(1);
    expect(view.opportunities?.edges[0]?.node).toMatchObject({
      title: 'Family SUV',
      amount: { amount: '899900.00', currency: 'CZK' },
      expectedCloseDate: '2027-01-15',
      owner: { id: rep.id, name: 'Tomáš Dvořák' },
    });
    expect(view.interactions?.totalCount).toBe(3);
    expect(view.interactions?.edges.map((e) => e.node.type)).toEqual(['CALL', 'FORM_SUBMIT', 'PAGE_VIEW']);
    expect(view.cases?.edges[0]?.node).toMatchObject({ subject: 'Test drive car was dirty', channel: 'CHAT' });
  });

  it('pages the timeline newest first with cursors and filters it', async () => {
    const customer = await createCustomer('Pager', 'pager@example.cz');
    const times = Array.from({ length: 5 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString());
    for (const occurredAt of times) {
      await executeOk(platform.gatewayUrl, RecordInteractionDocument, {
        input: { customerId: customer.id, channel: 'WEB', type: 'PAGE_VIEW', occurredAt },
      });
    }
    const first = await executeOk(platform.gatewayUrl, Customer360Document, { id: customer.id, timelineFirst: 2 });
    expect(first.customer.interactions?.edges.map((e) => e.node.occurredAt)).toEqual([times[4], times[3]]);
    expect(first.customer.interactions?.pageInfo.hasNextPage).toBe(true);

    // A newer interaction arriving between pages does not shift the next page.
    await executeOk(platform.gatewayUrl, RecordInteractionDocument, {
      input: { customerId: customer.id, channel: 'EMAIL', type: 'MESSAGE_OPENED', occurredAt: '2026-06-01T00:00:00Z' },
    });
    const second = await executeOk(platform.gatewayUrl, Customer360Document, {
      id: customer.id,
      timelineFirst: 2,
      timelineAfter: first.customer.interactions?.pageInfo.endCursor,
    });
    expect(second.customer.interactions?.edges.map((e) => e.node.occurredAt)).toEqual([times[2], times[1]]);
    expect(second.customer.interactions?.pageInfo.hasPreviousPage).toBe(true);

    const emailsOnly = await executeOk(platform.gatewayUrl, Customer360Document, {
      id: customer.id,
      timelineFirst: 10,
      timelineFilter: { channels: ['EMAIL'] },
    });
    expect(emailsOnly.customer.interactions?.totalCount).toBe(1);
    expect(emailsOnly.customer.interactions?.edges[0]?.node.type).toBe('MESSAGE_OPENED');
  });

  it('batches customer references from sales into one identity query per request', async () => {
    const customers = await Promise.all(Array.from({ length: 8 }, (_, i) => createCustomer(`Batch${i}`, `batch${i}@example.cz`)));
    for (const customer of customers) {
      await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
        input: { customerId: customer.id, title: `Deal for ${customer.displayName}`, amount: { amount: '1000', currency: 'EUR' } },
      });
    }
    await platform.resetSqlLog();
    const { opportunities } = await executeOk(platform.gatewayUrl, OpportunitiesWithCustomersDocument, { first: 50 });
    expect(opportunities.edges.length).toBeGreaterThanOrEqual(8);
    const names = opportunities.edges.map((e) => e.node.customer.displayName);
    for (const customer of customers) expect(names).toContain(customer.displayName);
    // Reads only: a bulk read of e-mails is audited in a transaction of its own, after the answer.
    const tablesRead = (statements: string[]) =>
      statements.flatMap((statement) => (statement.includes('[query] select') ? [/from "?(\w+)"?/.exec(statement)?.[1]] : [])).sort();
    // One batch per table (customers, their e-mails), however many opportunities there are; the owners' names come
    // from sales' copy (@provides), read in the opportunities' own statement: no statement of their own.
    expect(tablesRead(platform.sql.identity)).toEqual(['customer', 'customer_identifier']);
    expect(tablesRead(platform.sql.sales).filter((table) => table === 'staff_name')).toEqual([]);
    const page = platform.sql.sales.filter((statement) => statement.includes('from "opportunity"'));
    expect(page).toHaveLength(1);
    expect(page[0]).toContain('from staff_name');
  });
});
