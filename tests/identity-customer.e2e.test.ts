import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import { personViewer } from '../gateway/auth/authenticator.js';
import {
  AddIdentifierDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CustomerConsentHistoryDocument,
  CustomerMembersDocument,
  CustomerOverviewDocument,
  CustomerProfileDocument,
  CustomerRecordDocument,
  MergeCustomersDocument,
  OpportunitiesWithCustomersDocument,
  RecordConsentDocument,
  RemoveIdentifierDocument,
  ResolveCustomerDocument,
  SearchCustomersDocument,
  UpdateCustomerDocument,
  type CreateCustomerInput,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Identity's customer module through the gateway: what its resolvers add to the rules (which are tested on identity's
// own database in subgraphs/identity/test/customer.int.test.ts), federation of merged ids, input validation, batching.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

async function createPerson(firstName: string, lastName: string, extra: Partial<CreateCustomerInput> = {}) {
  return (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName, emails: [], phones: [], ...extra } })).createCustomer;
}

async function createOrganization(organizationName: string, extra: Partial<CreateCustomerInput> = {}) {
  return (await executeOk(url, CreateCustomerDocument, { input: { kind: 'ORGANIZATION', organizationName, emails: [], phones: [], ...extra } })).createCustomer;
}

const consent = (customerId: string, purpose: 'MARKETING' | 'PROFILING', status: 'GRANTED' | 'WITHDRAWN', givenAt: string) =>
  executeOk(url, RecordConsentDocument, { input: { customerId, purpose, channel: 'EMAIL', status, source: 'web-form', textVersion: 'v3', givenAt } });

describe('a customer through the gateway', () => {
  it('answers the profile with its organization, members, identifiers in the order linked, and current and past consents', async () => {
    const org = await createOrganization('Shape Fleet a.s.', { industry: 'Logistics', companySize: 'LARGE' });
    const olga = await createPerson('Olga', 'Tvarová', { birthDate: '1990-05-17', gender: 'FEMALE', organizationId: org.id, emails: ['Olga.T@Example.cz'] });
    const { updateCustomer } = await executeOk(url, UpdateCustomerDocument, { id: olga.id, version: olga.version, input: { jobTitle: 'Fleet buyer' } });
    expect(updateCustomer).toMatchObject({ jobTitle: 'Fleet buyer', version: olga.version + 1, organization: { id: org.id, displayName: 'Shape Fleet a.s.' } });
    for (const input of [
      { kind: 'PHONE', value: '602 555 001' },
      { kind: 'DEVICE', value: ' cookie-olga ' },
    ] as const) {
      await executeOk(url, AddIdentifierDocument, { customerId: olga.id, input });
    }
    // A mutation answers with the record after the change: one already there changes nothing.
    const again = await executeOk(url, AddIdentifierDocument, { customerId: olga.id, input: { kind: 'EMAIL', value: 'OLGA.T@example.cz' } });
    expect(again.addIdentifier.identifiers!.map((i) => `${i.kind}:${i.value}`)).toEqual([
      'EMAIL:olga.t@example.cz',
      'PHONE:+420602555001',
      'DEVICE:cookie-olga',
    ]);
    await consent(olga.id, 'MARKETING', 'GRANTED', '2026-01-01T10:00:00Z');
    await consent(olga.id, 'MARKETING', 'WITHDRAWN', '2026-02-01T10:00:00Z');
    await consent(olga.id, 'PROFILING', 'WITHDRAWN', '2026-03-01T10:00:00Z');

    const { customer } = await executeOk(url, CustomerProfileDocument, { id: olga.id });
    expect(customer).toMatchObject({
      displayName: 'Olga Tvarová',
      birthDate: '1990-05-17',
      gender: 'FEMALE',
      jobTitle: 'Fleet buyer',
      emails: ['olga.t@example.cz'],
      phones: ['+420602555001'],
      mergedIds: [],
      organization: { id: org.id, displayName: 'Shape Fleet a.s.' },
    });
    expect(customer.consents.map((c) => `${c.purpose}/${c.channel}=${c.status}`).sort()).toEqual(['MARKETING/EMAIL=WITHDRAWN', 'PROFILING/EMAIL=WITHDRAWN']);
    const history = (await executeOk(url, CustomerConsentHistoryDocument, { id: olga.id, first: 1 })).customer.consentHistory;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e) => e.node.givenAt)).toEqual(['2026-03-01T10:00:00.000Z']);
    expect(history.pageInfo.hasNextPage).toBe(true);
    const next = await executeOk(url, CustomerConsentHistoryDocument, { id: olga.id, first: 1, after: history.pageInfo.endCursor });
    expect(next.customer.consentHistory.edges.map((e) => e.node.givenAt)).toEqual(['2026-02-01T10:00:00.000Z']);
    const marketing = await executeOk(url, CustomerConsentHistoryDocument, { id: olga.id, filter: { purposes: ['MARKETING'], channels: ['EMAIL'] } });
    expect(marketing.customer.consentHistory.edges.map((e) => e.node.status)).toEqual(['WITHDRAWN', 'GRANTED']);

    // members: an organization's people, null for a person.
    const members = await executeOk(url, CustomerMembersDocument, { id: org.id });
    expect(members.customer.members?.totalCount).toBe(1);
    expect(members.customer.members?.edges.map((e) => [e.node.id, e.node.organization?.id])).toEqual([[olga.id, org.id]]);
    expect((await executeOk(url, CustomerMembersDocument, { id: olga.id })).customer.members).toBeNull();

    // Read with the customer in one statement, in the order they were linked.
    expect(customer.identifiers!.map((i) => `${i.kind}:${i.value}`)).toEqual(['EMAIL:olga.t@example.cz', 'PHONE:+420602555001', 'DEVICE:cookie-olga']);
    const device = customer.identifiers!.find((i) => i.kind === 'DEVICE')!;
    const { removeIdentifier } = await executeOk(url, RemoveIdentifierDocument, { customerId: olga.id, identifierId: device.id });
    expect(removeIdentifier.identifiers!.map((i) => i.kind)).toEqual(['EMAIL', 'PHONE']);
    const resolved = await executeOk(url, ResolveCustomerDocument, { input: { identifiers: [{ kind: 'PHONE', value: '+420 602 555 001' }] } });
    expect(resolved.resolveCustomer).toMatchObject({ created: false, matchedBy: ['PHONE'], conflictingCustomerIds: [], customer: { id: olga.id } });
  });

  it("resolves a merged id to the survivor: in identity, in customerRecord, and in sales' references through federation", async () => {
    const survivor = await createPerson('Marie', 'Survivor', { emails: ['marie.survivor@example.cz'] });
    const merged = await createPerson('Marie', 'Duplicate', { emails: ['marie.duplicate@example.cz'] });
    await consent(merged.id, 'MARKETING', 'GRANTED', '2026-01-01T10:00:00Z');
    // Sales holds a reference to the duplicate; it must keep working after the merge.
    const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: merged.id, title: 'Merge SUV', amount: { amount: '1000.00', currency: 'EUR' } },
    });
    expect(createOpportunity.customer.displayName).toBe('Marie Duplicate');

    const { mergeCustomers } = await executeOk(url, MergeCustomersDocument, { survivorId: survivor.id, mergedId: merged.id });
    expect(mergeCustomers).toMatchObject({ id: survivor.id, mergedIds: [merged.id], consentHistory: { totalCount: 1 } });
    expect(mergeCustomers.emails!.sort()).toEqual(['marie.duplicate@example.cz', 'marie.survivor@example.cz']);
    // The profile by the old id is the survivor's, with the identifiers read in the same statement (both e-mails).
    const byOldId = (await executeOk(url, CustomerProfileDocument, { id: merged.id })).customer;
    expect({ id: byOldId.id, emails: [...byOldId.emails!].sort() }).toEqual({
      id: survivor.id,
      emails: ['marie.duplicate@example.cz', 'marie.survivor@example.cz'],
    });
    const { customerRecord } = await executeOk(url, CustomerRecordDocument, { id: merged.id });
    expect(customerRecord).toMatchObject({ id: merged.id, displayName: 'Marie Duplicate', mergedInto: { id: survivor.id } });

    // Federation: the gateway resolves the old reference held by sales to the survivor.
    const entities = await platform.internal<{ _entities: Array<{ id: string; displayName: string }> }>(
      'identity',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id displayName } } }',
      { r: [{ __typename: 'Customer', id: merged.id }] },
    );
    expect(entities._entities).toEqual([{ id: survivor.id, displayName: 'Marie Survivor' }]);
    // Sales moves its records to the survivor when CustomerMerged reaches it (an event, so not at once); until then
    // the old reference already shows the survivor's data.
    await eventually(async () => {
      const { opportunities } = await executeOk(url, OpportunitiesWithCustomersDocument, { first: 10 });
      expect(opportunities.edges.find((e) => e.node.id === createOpportunity.id)?.node.customer).toMatchObject({
        id: survivor.id,
        displayName: 'Marie Survivor',
      });
    });

    // A change to the merged record is refused with the survivor named, where the change belongs.
    const update = await execute(url, UpdateCustomerDocument, { id: merged.id, version: merged.version, input: { jobTitle: 'x' } });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', survivorId: survivor.id, field: 'id' });
    const again = await execute(url, MergeCustomersDocument, { survivorId: merged.id, mergedId: survivor.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', survivorId: survivor.id });
  });

  it('answers references asked only their id from the key: a merged id as its survivor, an unknown id null, no customer read', async () => {
    const survivor = await createPerson('Karel', 'Klíč', { emails: ['karel.klic@example.cz'] });
    const merged = await createPerson('Karel', 'Klíč-Duplikát');
    await executeOk(url, MergeCustomersDocument, { survivorId: survivor.id, mergedId: merged.id });
    const unknown = randomUUID();
    // What another subgraph sends when it checks the customer ids a caller gave (kit/references.ts), here as a person.
    const admin = personViewer({ id: platform.admin.id, teamMemberIds: [], supportLines: [] }, 'ADMIN', '127.0.0.1');
    const references = async (selection: string, fragments = '') => {
      await platform.resetSqlLog();
      const response = await fetch(platform.subgraphs.identity.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await signInternalToken(admin, 'identity')}` },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } } ${fragments}`,
          variables: { r: [merged.id, survivor.id, unknown, merged.id.toUpperCase()].map((id) => ({ __typename: 'Customer', id })) },
        }),
      });
      const body = (await response.json()) as { data?: { _entities: unknown[] }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return { entities: body.data!._entities, statements: [...platform.sql.identity] };
    };
    const keysOnly = [{ id: survivor.id }, { id: survivor.id }, null, { id: survivor.id }];
    for (const [selection, fragments] of [
      ['... on Customer { id }', ''],
      ['__typename ... on Customer { key: id __typename }', ''],
      ['...Key', 'fragment Key on Customer { id }'],
    ] as const) {
      const { entities, statements } = await references(selection, fragments);
      expect(entities.map((entity) => (entity ? { id: (entity as { id?: string; key?: string }).id ?? (entity as { key: string }).key } : null))).toEqual(
        keysOnly,
      );
      // One statement of ids, the customers' rows (names, personal data) not read or built into entities.
      expect(statements).toEqual([expect.stringContaining('select id, merged_into_id from customer where')]);
    }
    // Asked anything more, the references are whole customers, as before.
    const { entities, statements } = await references('... on Customer { id displayName }');
    expect(entities).toEqual([
      { id: survivor.id, displayName: 'Karel Klíč' },
      { id: survivor.id, displayName: 'Karel Klíč' },
      null,
      { id: survivor.id, displayName: 'Karel Klíč' },
    ]);
    expect(statements.some((sql) => sql.includes('select t.* from "customer"'))).toBe(true);
  });

  it('resolves the same person sent many times at once, by overlapping identifiers, to one customer', async () => {
    const suffix = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const phone = { kind: 'PHONE' as const, value: `+420 603 ${suffix}` };
    const email = { kind: 'EMAIL' as const, value: `same.${suffix}@example.cz` };
    const inputs = Array.from({ length: 12 }, (_, n) => ({ identifiers: n % 2 === 0 ? [phone] : [email, phone] }));
    const answers = await Promise.all(inputs.map((input) => execute(url, ResolveCustomerDocument, { input })));
    // Before, some got CONFLICT: two had found nobody and both created the customer.
    expect(answers.map((answer) => answer.errors?.[0]?.extensions?.code ?? 'OK')).toEqual(answers.map(() => 'OK'));
    expect(new Set(answers.map((answer) => answer.data?.resolveCustomer.customer.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.data?.resolveCustomer.created)).toHaveLength(1);
  });

  it('refuses malformed input before any rule runs: an empty consent source, a search page out of range', async () => {
    const person = await createPerson('Bad', 'Input');
    const base = { customerId: person.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' } as const;
    expect(errorCodes(await execute(url, RecordConsentDocument, { input: { ...base, source: '' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(url, RecordConsentDocument, { input: { ...base, textVersion: '' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(url, SearchCustomersDocument, { query: 'bad input', first: 500 }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(url, SearchCustomersDocument, { query: 'z' }))).toEqual(['BAD_USER_INPUT']);
    const { customer } = await executeOk(url, CustomerConsentHistoryDocument, { id: person.id });
    expect(customer.consentHistory.totalCount).toBe(0);
  });
});

/** What the outbox relay runs in the background, beside the request being measured. */
const OUTBOX_RELAY = /\[query\] (begin|commit|rollback)\b|outbox_event|pg_try_advisory|pg_snapshot/;

describe('batching', () => {
  it('runs the same number of identity statements for 2 customers as for 12', async () => {
    for (let i = 0; i < 6; i++) {
      const org = await createOrganization(`Batchco ${i}`, { emails: [`batchco${i}@example.cz`] });
      const member = await createPerson('Member', `Batchco ${i}`, { organizationId: org.id });
      await executeOk(url, RecordConsentDocument, {
        input: { customerId: member.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' },
      });
    }
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { customers } = await executeOk(url, CustomerOverviewDocument, { first, filter: { search: 'batchco' } });
      expect(customers.edges).toHaveLength(first);
      return platform.sql.identity.filter((statement) => !OUTBOX_RELAY.test(statement)).length;
    };
    const few = await statementsFor(2);
    const many = await statementsFor(12);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(10);
  });
});
