import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { createLogger } from '@crm/kit/logger.js';
import { identity } from '../subgraphs/identity/src/app.js';
import {
  AddIdentifierDocument,
  AddTeamMemberDocument,
  ArchiveCustomerDocument,
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreateTeamDocument,
  CreateUserDocument,
  CustomerConsentHistoryDocument,
  CustomerListDocument,
  CustomerMembersDocument,
  CustomerOverviewDocument,
  CustomerProfileDocument,
  CustomerRecordDocument,
  MergeCustomersDocument,
  RecordConsentDocument,
  RemoveIdentifierDocument,
  ResolveCustomerDocument,
  SearchCustomersDocument,
  TeamDocument,
  TeamRosterDocument,
  TeamsDocument,
  UpdateCustomerDocument,
  UserTeamsDocument,
  type CreateCustomerInput,
  type CustomerFilter,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
  // Seeded before any test writes, exactly as on an empty database.
  await identity.seedDemoData(platform.subgraphs.identity.orm.em.fork(), createLogger('seed'));
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
let phoneSequence = 0;
/** A valid Czech mobile number no other test uses. */
const freshPhone = () => `602 ${String(100000 + ++phoneSequence * 7).padStart(6, '0')}`;

async function createPerson(firstName: string, lastName: string, extra: Partial<CreateCustomerInput> = {}) {
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName, emails: [], phones: [], ...extra },
  });
  return createCustomer;
}

async function createOrganization(organizationName: string, extra: Partial<CreateCustomerInput> = {}) {
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'ORGANIZATION', organizationName, emails: [], phones: [], ...extra },
  });
  return createCustomer;
}

/** The domain events identity wrote to its outbox for one aggregate, oldest first. */
async function eventsOf(aggregateId: string) {
  return platform.subgraphs.identity.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ type: string; payload: Record<string, unknown> }>>('select type, payload from outbox_event where aggregate_id = ? order by position', [
      aggregateId,
    ]);
}

describe('demo seed (Story 1 and 3)', () => {
  it('holds Jan Novák with both devices and his consents, AutoPark Fleet with a member, Eva with her social id, the showroom team', async () => {
    const { customer: jan } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: DEMO.customers.janNovak });
    expect(jan.displayName).toBe('Jan Novák');
    expect(jan.identifiers!.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(
      [`DEVICE:${DEMO.devices.phone}`, `DEVICE:${DEMO.devices.laptop}`, 'EMAIL:jan.novak@example.cz', 'PHONE:+420601123456'].sort(),
    );
    expect(jan.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' }),
        expect.objectContaining({ purpose: 'PROFILING', status: 'WITHDRAWN' }),
      ]),
    );
    const { customer: eva } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: DEMO.customers.evaHorakova });
    expect(eva.identifiers).toContainEqual(expect.objectContaining({ kind: 'SOCIAL' }));
    const { customer: fleet } = await executeOk(platform.gatewayUrl, CustomerMembersDocument, { id: DEMO.customers.autoparkFleet });
    expect(fleet.members?.totalCount).toBe(1);
    expect(fleet.members?.edges[0]?.node.organization?.id).toBe(DEMO.customers.autoparkFleet);

    const { teams } = await executeOk(platform.gatewayUrl, TeamsDocument, { first: 10 });
    const showroom = teams.edges.find((e) => e.node.name === 'Prague showroom')?.node;
    expect(showroom?.manager?.name).toBe('Petra Nováková');
    expect(showroom?.members.edges.map((e) => e.node.role).sort()).toEqual(['SALES_MANAGER', 'SALES_REP']);
    expect(showroom?.members.totalCount).toBe(2);
  });

  it('is idempotent', async () => {
    await identity.seedDemoData(platform.subgraphs.identity.orm.em.fork(), createLogger('seed'));
    const { teams } = await executeOk(platform.gatewayUrl, TeamsDocument, { first: 100 });
    expect(teams.edges.filter((e) => e.node.name === 'Prague showroom')).toHaveLength(1);
  });
});

describe('customer profile', () => {
  it('keeps demographic and firmographic fields and organization membership', async () => {
    const org = await createOrganization('Profile Fleet a.s.', { industry: 'Logistics', companySize: 'LARGE' });
    const person = await createPerson('Olga', 'Profilová', {
      birthDate: '1990-05-17',
      gender: 'FEMALE',
      education: 'University',
      occupation: 'Engineer',
      jobTitle: 'Fleet buyer',
      organizationId: org.id,
    });
    const { customer } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: person.id });
    expect(customer).toMatchObject({
      birthDate: '1990-05-17',
      gender: 'FEMALE',
      education: 'University',
      occupation: 'Engineer',
      jobTitle: 'Fleet buyer',
      organization: { id: org.id, displayName: 'Profile Fleet a.s.' },
    });
    const { customer: organization } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: org.id });
    expect(organization).toMatchObject({ kind: 'ORGANIZATION', industry: 'Logistics', companySize: 'LARGE' });
    const members = await executeOk(platform.gatewayUrl, CustomerMembersDocument, { id: org.id });
    expect(members.customer.members?.edges.map((e) => e.node.id)).toEqual([person.id]);
    const personMembers = await executeOk(platform.gatewayUrl, CustomerMembersDocument, { id: person.id });
    expect(personMembers.customer.members).toBeNull();
    expect((await eventsOf(person.id)).map((e) => e.type)).toEqual(['CustomerCreated']);
  });

  it('updates with the current version, reports changedFields, and refuses a stale version with CONFLICT', async () => {
    const person = await createPerson('Uma', 'Update');
    const org = await createOrganization('Update Org s.r.o.');
    const { updateCustomer } = await executeOk(platform.gatewayUrl, UpdateCustomerDocument, {
      id: person.id,
      version: person.version,
      input: { jobTitle: 'Buyer', lastName: 'Updated', organizationId: org.id },
    });
    expect(updateCustomer).toMatchObject({ displayName: 'Uma Updated', jobTitle: 'Buyer', version: person.version + 1, organization: { id: org.id } });
    const changed = (await eventsOf(person.id)).find((e) => e.type === 'CustomerChanged');
    expect(changed?.payload.changedFields).toEqual(['lastName', 'jobTitle', 'organizationId']);

    const stale = await execute(platform.gatewayUrl, UpdateCustomerDocument, { id: person.id, version: person.version, input: { jobTitle: 'Late' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors?.[0]?.message).toContain('was changed by someone else');

    const cleared = await executeOk(platform.gatewayUrl, UpdateCustomerDocument, { id: person.id, version: updateCustomer.version, input: { jobTitle: null } });
    expect(cleared.updateCustomer.jobTitle).toBeNull();
  });

  it('rejects bad updates: malformed and unknown ids, a person as organization, a nameless person, a future birth date', async () => {
    const person = await createPerson('Bad', 'Update');
    const other = await createPerson('Not', 'AnOrg');
    const cases = [
      [{ id: 'not-an-id', version: 1, input: {} }, 'BAD_USER_INPUT'],
      [{ id: UNKNOWN_ID, version: 1, input: {} }, 'NOT_FOUND'],
      [{ id: person.id, version: person.version, input: { organizationId: other.id } }, 'BAD_USER_INPUT'],
      [{ id: person.id, version: person.version, input: { firstName: null, lastName: ' ' } }, 'BAD_USER_INPUT'],
      [{ id: person.id, version: person.version, input: { birthDate: '2999-01-01' } }, 'BAD_USER_INPUT'],
    ] as const;
    for (const [variables, code] of cases) {
      expect(errorCodes(await execute(platform.gatewayUrl, UpdateCustomerDocument, variables))).toEqual([code]);
    }
  });

  it('archives: hidden from lists unless includeArchived, with a CustomerArchived event', async () => {
    const person = await createPerson('Archie', 'Zarchivovaný');
    const { archiveCustomer } = await executeOk(platform.gatewayUrl, ArchiveCustomerDocument, { id: person.id, version: person.version });
    expect(archiveCustomer.archivedAt).not.toBeNull();
    const hidden = await executeOk(platform.gatewayUrl, CustomerListDocument, { filter: { search: 'zarchivovan' } });
    expect(hidden.customers.totalCount).toBe(0);
    const shown = await executeOk(platform.gatewayUrl, CustomerListDocument, { filter: { search: 'zarchivovan', includeArchived: true } });
    expect(shown.customers.edges.map((e) => e.node.id)).toEqual([person.id]);
    expect((await eventsOf(person.id)).map((e) => e.type)).toContain('CustomerArchived');
    const stale = await execute(platform.gatewayUrl, ArchiveCustomerDocument, { id: person.id, version: person.version });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
  });
});

describe('identifiers', () => {
  it('normalizes each kind and links it, with an IdentifierLinked event', async () => {
    const person = await createPerson('Ida', 'Identifikátor');
    const phone = freshPhone();
    for (const input of [
      { kind: 'EMAIL', value: ' Ida.I@Example.CZ ' },
      { kind: 'PHONE', value: phone },
      { kind: 'DEVICE', value: ' cookie-ida-1 ' },
      { kind: 'SOCIAL', value: 'facebook:ida.i' },
      { kind: 'EXTERNAL', value: 'dms:12345' },
    ] as const) {
      await executeOk(platform.gatewayUrl, AddIdentifierDocument, { customerId: person.id, input });
    }
    const { customer } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: person.id });
    expect(customer.identifiers!.map((i) => `${i.kind}:${i.value}`)).toEqual([
      'EMAIL:ida.i@example.cz',
      `PHONE:+420${phone.replace(/\D/g, '')}`,
      'DEVICE:cookie-ida-1',
      'SOCIAL:facebook:ida.i',
      'EXTERNAL:dms:12345',
    ]);
    const linked = (await eventsOf(person.id)).filter((e) => e.type === 'IdentifierLinked');
    expect(linked.map((e) => e.payload.kind)).toEqual(['EMAIL', 'PHONE', 'DEVICE', 'SOCIAL', 'EXTERNAL']);

    // Adding one the customer already has changes nothing.
    const again = await executeOk(platform.gatewayUrl, AddIdentifierDocument, { customerId: person.id, input: { kind: 'EMAIL', value: 'IDA.I@example.cz' } });
    expect(again.addIdentifier.identifiers).toHaveLength(5);

    const device = customer.identifiers!.find((i) => i.kind === 'DEVICE')!;
    const { removeIdentifier } = await executeOk(platform.gatewayUrl, RemoveIdentifierDocument, { customerId: person.id, identifierId: device.id });
    expect(removeIdentifier.identifiers!.map((i) => i.kind)).not.toContain('DEVICE');
  });

  it('rejects invalid values, a duplicate of another customer, and unknown ids', async () => {
    const owner = await createPerson('Owner', 'Of', { emails: ['owner.of@example.cz'] });
    const other = await createPerson('Other', 'Person');
    const add = (customerId: string, kind: 'EMAIL' | 'PHONE' | 'DEVICE', value: string) =>
      execute(platform.gatewayUrl, AddIdentifierDocument, { customerId, input: { kind, value } });
    const invalidEmail = await add(other.id, 'EMAIL', 'not-an-email');
    expect(errorCodes(invalidEmail)).toEqual(['BAD_USER_INPUT']);
    expect(invalidEmail.errors?.[0]?.message).toContain('is not a valid e-mail address');
    expect(errorCodes(await add(other.id, 'PHONE', '12'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await add(other.id, 'DEVICE', '   '))).toEqual(['BAD_USER_INPUT']);
    const duplicate = await add(other.id, 'EMAIL', 'Owner.Of@example.cz');
    expect(errorCodes(duplicate)).toEqual(['CONFLICT']);
    expect(duplicate.errors?.[0]?.message).toContain('already belongs to another customer');
    expect(errorCodes(await add(UNKNOWN_ID, 'DEVICE', 'x'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await add('nope', 'DEVICE', 'x'))).toEqual(['BAD_USER_INPUT']);
    const removeForeign = await execute(platform.gatewayUrl, RemoveIdentifierDocument, { customerId: other.id, identifierId: UNKNOWN_ID });
    expect(errorCodes(removeForeign)).toEqual(['NOT_FOUND']);
    const { customer } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: owner.id });
    expect(customer.emails).toEqual(['owner.of@example.cz']);
  });
});

describe('identity resolution (Story 1 steps 1–2)', () => {
  it('creates the customer from the web form and attaches both anonymous devices, then finds them by any identifier', async () => {
    const phone = freshPhone();
    const form = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, {
      input: {
        identifiers: [
          { kind: 'DEVICE', value: 'device-a-resolve' },
          { kind: 'DEVICE', value: 'device-b-resolve' },
          { kind: 'EMAIL', value: 'Karel.Resolve@Example.cz' },
          { kind: 'PHONE', value: phone },
        ],
        profile: { firstName: 'Karel', lastName: 'Resolve' },
      },
    });
    expect(form.resolveCustomer).toMatchObject({ created: true, matchedBy: [], conflictingCustomerIds: [], customer: { displayName: 'Karel Resolve' } });
    expect(form.resolveCustomer.customer.identifiers).toHaveLength(4);
    const id = form.resolveCustomer.customer.id;
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      'CustomerCreated',
      'IdentifierLinked',
      'IdentifierLinked',
      'IdentifierLinked',
      'IdentifierLinked',
      'CustomerResolved',
    ]);
    expect(events.filter((e) => e.payload.kind === 'DEVICE').map((e) => e.payload.value)).toEqual(['device-a-resolve', 'device-b-resolve']);

    // Later the same person calls from the phone, written differently: found, nothing created.
    const call = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, {
      input: {
        identifiers: [
          { kind: 'PHONE', value: `+420 ${phone}` },
          { kind: 'DEVICE', value: 'device-c-resolve' },
        ],
      },
    });
    expect(call.resolveCustomer).toMatchObject({ created: false, matchedBy: ['PHONE'], customer: { id } });
    expect(call.resolveCustomer.customer.identifiers!.map((i) => i.value)).toContain('device-c-resolve');
    const byDevice = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, {
      input: {
        identifiers: [
          { kind: 'DEVICE', value: 'device-a-resolve' },
          { kind: 'EMAIL', value: 'karel.resolve@example.cz' },
        ],
      },
    });
    expect(byDevice.resolveCustomer).toMatchObject({ created: false, matchedBy: ['EMAIL', 'DEVICE'], customer: { id } });
    expect((await eventsOf(id)).filter((e) => e.type === 'CustomerResolved')).toHaveLength(3);
  });

  it('fills blanks of an anonymous customer from the profile', async () => {
    const anonymous = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, { input: { identifiers: [{ kind: 'DEVICE', value: 'device-anon-1' }] } });
    expect(anonymous.resolveCustomer).toMatchObject({ created: true, customer: { displayName: '' } });
    const named = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, {
      input: { identifiers: [{ kind: 'DEVICE', value: 'device-anon-1' }], profile: { firstName: 'Anna', lastName: 'Anonymní' } },
    });
    expect(named.resolveCustomer).toMatchObject({ created: false, customer: { id: anonymous.resolveCustomer.customer.id, displayName: 'Anna Anonymní' } });
  });

  it('does not merge silently when identifiers belong to two customers', async () => {
    const byEmail = await createPerson('Eliska', 'Email', { emails: ['eliska.conflict@example.cz'] });
    const phone = freshPhone();
    const byPhone = await createPerson('Petr', 'Phone', { phones: [phone] });
    const { resolveCustomer } = await executeOk(platform.gatewayUrl, ResolveCustomerDocument, {
      input: {
        identifiers: [
          { kind: 'PHONE', value: phone },
          { kind: 'EMAIL', value: 'eliska.conflict@example.cz' },
        ],
      },
    });
    expect(resolveCustomer).toMatchObject({ created: false, matchedBy: ['EMAIL'], conflictingCustomerIds: [byPhone.id], customer: { id: byEmail.id } });
    const { customer } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: byPhone.id });
    expect(customer.phones).toHaveLength(1);
  });

  it('rejects no identifiers and invalid ones', async () => {
    const none = await execute(platform.gatewayUrl, ResolveCustomerDocument, { input: { identifiers: [], profile: { firstName: 'Nobody' } } });
    expect(errorCodes(none)).toEqual(['BAD_USER_INPUT']);
    expect(none.errors?.[0]?.message).toBe('Pass at least one identifier to resolve a customer');
    const invalid = await execute(platform.gatewayUrl, ResolveCustomerDocument, { input: { identifiers: [{ kind: 'PHONE', value: 'call me' }] } });
    expect(errorCodes(invalid)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('merge', () => {
  it('moves identifiers and consents to the survivor; old ids resolve to it, transitively', async () => {
    const survivor = await createPerson('Marie', 'Survivor', { emails: ['marie.survivor@example.cz'] });
    const merged = await createPerson('Marie', 'Duplicate', { emails: ['marie.duplicate@example.cz'] });
    const older = await createPerson('M.', 'Older', { emails: ['marie.older@example.cz'] });
    await executeOk(platform.gatewayUrl, RecordConsentDocument, {
      input: { customerId: merged.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' },
    });
    // Sales holds a reference to the duplicate; it must keep working after the merge.
    const { createOpportunity } = await executeOk(platform.gatewayUrl, CreateOpportunityDocument, {
      input: { customerId: merged.id, title: 'Merge SUV', amount: { amount: '1000.00', currency: 'EUR' } },
    });
    expect(createOpportunity.customer.displayName).toBe('Marie Duplicate');

    await executeOk(platform.gatewayUrl, MergeCustomersDocument, { survivorId: merged.id, mergedId: older.id });
    const { mergeCustomers } = await executeOk(platform.gatewayUrl, MergeCustomersDocument, { survivorId: survivor.id, mergedId: merged.id });
    expect(mergeCustomers.emails!.sort()).toEqual(['marie.duplicate@example.cz', 'marie.older@example.cz', 'marie.survivor@example.cz']);
    expect(mergeCustomers.mergedIds.sort()).toEqual([merged.id, older.id].sort());
    expect(mergeCustomers.consentHistory.totalCount).toBe(1);

    for (const oldId of [merged.id, older.id]) {
      const { customer } = await executeOk(platform.gatewayUrl, CustomerProfileDocument, { id: oldId });
      expect(customer.id).toBe(survivor.id);
      const { customerRecord } = await executeOk(platform.gatewayUrl, CustomerRecordDocument, { id: oldId });
      expect(customerRecord).toMatchObject({ id: oldId, mergedInto: { id: survivor.id } });
    }
    // Federation: the gateway resolves the old reference held by sales to the survivor.
    const entities = await platform.internal<{ _entities: Array<{ id: string; displayName: string }> }>(
      'identity',
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id displayName } } }',
      { r: [{ __typename: 'Customer', id: merged.id }] },
    );
    expect(entities._entities).toEqual([{ id: survivor.id, displayName: 'Marie Survivor' }]);

    const events = await eventsOf(survivor.id);
    expect(events.find((e) => e.type === 'CustomerMerged')?.payload).toMatchObject({ survivorId: survivor.id, mergedId: merged.id });
  });

  it('rejects merging into itself, into or from a merged customer, and bad ids', async () => {
    const a = await createPerson('Alfa', 'Merge');
    const b = await createPerson('Beta', 'Merge');
    const c = await createPerson('Gama', 'Merge');
    await executeOk(platform.gatewayUrl, MergeCustomersDocument, { survivorId: a.id, mergedId: b.id });
    const merge = (survivorId: string, mergedId: string) => execute(platform.gatewayUrl, MergeCustomersDocument, { survivorId, mergedId });
    const itself = await merge(a.id, a.id);
    expect(errorCodes(itself)).toEqual(['BAD_USER_INPUT']);
    expect(itself.errors?.[0]?.message).toBe('A customer cannot be merged into itself');
    // A merged customer is named with its survivor, where the change belongs.
    const intoMerged = await merge(b.id, c.id);
    expect(intoMerged.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', survivorId: a.id });
    expect(errorCodes(await merge(a.id, b.id))).toEqual(['CONFLICT']);
    expect(errorCodes(await merge('bad', c.id))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await merge(a.id, UNKNOWN_ID))).toEqual(['NOT_FOUND']);
    const organization = await createOrganization('Merge Org s.r.o.');
    expect(errorCodes(await merge(a.id, organization.id))).toEqual(['BAD_USER_INPUT']);
    // A merged record cannot be changed any more: the survivor is.
    const update = await execute(platform.gatewayUrl, UpdateCustomerDocument, { id: b.id, version: b.version, input: { jobTitle: 'x' } });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', survivorId: a.id });
  });
});

describe('consent', () => {
  it('appends every decision; the current state is the latest per purpose × channel', async () => {
    const person = await createPerson('Cyril', 'Consent');
    const record = (purpose: 'MARKETING' | 'PROFILING', channel: 'EMAIL' | 'SMS', status: 'GRANTED' | 'WITHDRAWN', givenAt: string, textVersion = 'v3') =>
      executeOk(platform.gatewayUrl, RecordConsentDocument, {
        input: { customerId: person.id, purpose, channel, status, source: 'web-form', textVersion, givenAt },
      });
    await record('MARKETING', 'EMAIL', 'GRANTED', '2026-01-01T10:00:00Z');
    await record('MARKETING', 'SMS', 'GRANTED', '2026-01-01T10:00:00Z');
    await record('MARKETING', 'EMAIL', 'WITHDRAWN', '2026-02-01T10:00:00Z', 'v4');
    await record('PROFILING', 'EMAIL', 'WITHDRAWN', '2026-03-01T10:00:00Z');

    const { customer } = await executeOk(platform.gatewayUrl, CustomerConsentHistoryDocument, { id: person.id, first: 2 });
    const current = customer.consents.map((c) => `${c.purpose}/${c.channel}=${c.status}`).sort();
    expect(current).toEqual(['MARKETING/EMAIL=WITHDRAWN', 'MARKETING/SMS=GRANTED', 'PROFILING/EMAIL=WITHDRAWN']);
    expect(customer.consentHistory.totalCount).toBe(4);
    expect(customer.consentHistory.edges.map((e) => e.node.givenAt)).toEqual(['2026-03-01T10:00:00.000Z', '2026-02-01T10:00:00.000Z']);
    const next = await executeOk(platform.gatewayUrl, CustomerConsentHistoryDocument, {
      id: person.id,
      first: 2,
      after: customer.consentHistory.pageInfo.endCursor,
    });
    expect(next.customer.consentHistory.edges).toHaveLength(2);
    expect(next.customer.consentHistory.pageInfo.hasNextPage).toBe(false);
    const marketingEmail = await executeOk(platform.gatewayUrl, CustomerConsentHistoryDocument, {
      id: person.id,
      filter: { purposes: ['MARKETING'], channels: ['EMAIL'] },
    });
    expect(marketingEmail.customer.consentHistory.edges.map((e) => e.node.status)).toEqual(['WITHDRAWN', 'GRANTED']);

    const events = (await eventsOf(person.id)).filter((e) => e.type === 'ConsentChanged');
    expect(events).toHaveLength(4);
    expect(events[0]?.payload).toMatchObject({ purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' });
  });

  it('rejects an unknown customer, an empty source and a future time', async () => {
    const person = await createPerson('Bad', 'Consent');
    const base = { customerId: person.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' } as const;
    expect(errorCodes(await execute(platform.gatewayUrl, RecordConsentDocument, { input: { ...base, customerId: UNKNOWN_ID } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await execute(platform.gatewayUrl, RecordConsentDocument, { input: { ...base, source: '' } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(platform.gatewayUrl, RecordConsentDocument, { input: { ...base, givenAt: '2999-01-01T00:00:00Z' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});

describe('staff teams', () => {
  it('creates a team with a manager and members, adds one, and lists teams per user', async () => {
    const user = async (name: string, role: 'SALES_MANAGER' | 'SALES_REP') =>
      (await executeOk(platform.gatewayUrl, CreateUserDocument, { input: { name, email: `${name.toLowerCase().replace(/\W/g, '.')}@dealer.example`, role } }))
        .createUser;
    const manager = await user('Team Manager', 'SALES_MANAGER');
    const rep = await user('Team Rep', 'SALES_REP');
    const late = await user('Team Latecomer', 'SALES_REP');
    const { createTeam } = await executeOk(platform.gatewayUrl, CreateTeamDocument, {
      input: { name: 'Brno showroom', managerId: manager.id, memberIds: [manager.id, rep.id] },
    });
    expect(createTeam.manager?.id).toBe(manager.id);
    expect(createTeam.members.edges.map((e) => e.node.id).sort()).toEqual([manager.id, rep.id].sort());
    expect(createTeam.members.totalCount).toBe(2);
    const { addTeamMember } = await executeOk(platform.gatewayUrl, AddTeamMemberDocument, { teamId: createTeam.id, userId: late.id });
    expect(addTeamMember.members.edges).toHaveLength(3);
    expect(addTeamMember.members.totalCount).toBe(3);
    const { team } = await executeOk(platform.gatewayUrl, TeamDocument, { id: createTeam.id });
    expect(team.members.edges.map((e) => e.node.name)).toEqual(['Team Latecomer', 'Team Manager', 'Team Rep']);
    const { user: found } = await executeOk(platform.gatewayUrl, UserTeamsDocument, { id: late.id });
    expect(found.teams.edges.map((e) => e.node.name)).toEqual(['Brno showroom']);
    expect(found.teams.totalCount).toBe(1);
    expect((await eventsOf(createTeam.id)).map((e) => e.type)).toEqual(['TeamCreated', 'TeamMemberAdded']);
  });

  it('pages members and teams by name in both directions with keyset cursors', async () => {
    const user = async (name: string) =>
      (
        await executeOk(platform.gatewayUrl, CreateUserDocument, {
          input: { name, email: `${name.toLowerCase().replace(/\W/g, '.')}@dealer.example`, role: 'SALES_REP' },
        })
      ).createUser;
    const [ada, bob, cyril] = [await user('Paging Ada'), await user('Paging Bob'), await user('Paging Cyril')];
    const { createTeam: alpha } = await executeOk(platform.gatewayUrl, CreateTeamDocument, {
      input: { name: 'Paging Alpha', memberIds: [cyril.id, ada.id, bob.id] },
    });
    await executeOk(platform.gatewayUrl, CreateTeamDocument, { input: { name: 'Paging Beta', memberIds: [ada.id] } });
    await executeOk(platform.gatewayUrl, CreateTeamDocument, { input: { name: 'Paging Gamma', memberIds: [ada.id, bob.id] } });
    const names = (page: { edges: Array<{ node: { name: string } }> }) => page.edges.map((e) => e.node.name);

    const first = (await executeOk(platform.gatewayUrl, TeamDocument, { id: alpha.id, first: 2 })).team.members;
    expect(names(first)).toEqual(['Paging Ada', 'Paging Bob']);
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await executeOk(platform.gatewayUrl, TeamDocument, { id: alpha.id, first: 2, after: first.pageInfo.endCursor })).team.members;
    expect(names(second)).toEqual(['Paging Cyril']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = (await executeOk(platform.gatewayUrl, TeamDocument, { id: alpha.id, last: 2, before: second.pageInfo.startCursor })).team.members;
    expect(names(back)).toEqual(['Paging Ada', 'Paging Bob']);
    const tail = (await executeOk(platform.gatewayUrl, TeamDocument, { id: alpha.id, last: 1 })).team.members;
    expect(names(tail)).toEqual(['Paging Cyril']);
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const teams = (await executeOk(platform.gatewayUrl, UserTeamsDocument, { id: ada.id, first: 2 })).user.teams;
    expect(names(teams)).toEqual(['Paging Alpha', 'Paging Beta']);
    expect(teams.totalCount).toBe(3);
    const more = (await executeOk(platform.gatewayUrl, UserTeamsDocument, { id: ada.id, first: 2, after: teams.pageInfo.endCursor })).user.teams;
    expect(names(more)).toEqual(['Paging Gamma']);
    expect(more.pageInfo.hasNextPage).toBe(false);
    expect(errorCodes(await execute(platform.gatewayUrl, TeamDocument, { id: alpha.id, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects a duplicate name, unknown users and malformed ids', async () => {
    expect(errorCodes(await execute(platform.gatewayUrl, CreateTeamDocument, { input: { name: 'Prague showroom' } }))).toEqual(['CONFLICT']);
    expect(errorCodes(await execute(platform.gatewayUrl, CreateTeamDocument, { input: { name: 'Ghost team', managerId: UNKNOWN_ID } }))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await execute(platform.gatewayUrl, TeamDocument, { id: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(platform.gatewayUrl, AddTeamMemberDocument, { teamId: UNKNOWN_ID, userId: DEMO.users.marketer }))).toEqual(['NOT_FOUND']);
  });
});

describe('customer lists and search', () => {
  beforeAll(async () => {
    await createPerson('Zdeněk', 'Listovaný', { emails: ['zdenek.listovany@example.cz'], phones: ['+420 777 123 001'] });
    await createPerson('Adam', 'Listovaný');
    await createPerson('Bořek', 'Listovaný');
    await createOrganization('Listovaný Servis s.r.o.', { industry: 'Listing services' });
  });

  it('filters by kind, industry and name / e-mail / phone prefix, ignoring diacritics in names', async () => {
    const names = async (filter: CustomerFilter) =>
      (await executeOk(platform.gatewayUrl, CustomerListDocument, { filter, orderBy: { field: 'NAME' } })).customers.edges.map((e) => e.node.displayName);
    expect(await names({ search: 'listovany' })).toEqual(['Adam Listovaný', 'Bořek Listovaný', 'Listovaný Servis s.r.o.', 'Zdeněk Listovaný']);
    expect(await names({ search: 'Listovaný', kind: 'ORGANIZATION' })).toEqual(['Listovaný Servis s.r.o.']);
    expect(await names({ industry: 'Listing services' })).toEqual(['Listovaný Servis s.r.o.']);
    expect(await names({ search: 'zdenek.listov' })).toEqual(['Zdeněk Listovaný']);
    expect(await names({ search: '777 123' })).toEqual(['Zdeněk Listovaný']);
    expect(await names({ search: '+420777123001' })).toEqual(['Zdeněk Listovaný']);
  });

  it('pages by name in both directions with keyset cursors and counts the filter', async () => {
    const filter = { search: 'listovany', kind: 'PERSON' as const };
    const first = await executeOk(platform.gatewayUrl, CustomerListDocument, { first: 2, filter, orderBy: { field: 'NAME', direction: 'DESC' } });
    expect(first.customers.totalCount).toBe(3);
    expect(first.customers.edges.map((e) => e.node.displayName)).toEqual(['Zdeněk Listovaný', 'Bořek Listovaný']);
    expect(first.customers.pageInfo.hasNextPage).toBe(true);
    const second = await executeOk(platform.gatewayUrl, CustomerListDocument, {
      first: 2,
      after: first.customers.pageInfo.endCursor,
      filter,
      orderBy: { field: 'NAME', direction: 'DESC' },
    });
    expect(second.customers.edges.map((e) => e.node.displayName)).toEqual(['Adam Listovaný']);
    const back = await executeOk(platform.gatewayUrl, CustomerListDocument, {
      last: 2,
      before: second.customers.pageInfo.startCursor,
      filter,
      orderBy: { field: 'NAME', direction: 'DESC' },
    });
    expect(back.customers.edges.map((e) => e.node.displayName)).toEqual(['Zdeněk Listovaný', 'Bořek Listovaný']);
    const newest = await executeOk(platform.gatewayUrl, CustomerListDocument, { first: 1, filter });
    expect(newest.customers.edges[0]?.node.displayName).toBe('Bořek Listovaný');
    const garbage = await execute(platform.gatewayUrl, CustomerListDocument, { after: 'garbage' });
    expect(errorCodes(garbage)).toEqual(['BAD_USER_INPUT']);
  });

  it('ranks search hits by name, e-mail or phone with a score', async () => {
    const { searchCustomers } = await executeOk(platform.gatewayUrl, SearchCustomersDocument, { query: 'Zdenek Listovany' });
    expect(searchCustomers[0]?.customer.displayName).toBe('Zdeněk Listovaný');
    expect(searchCustomers[0]?.score).toBeCloseTo(1);
    const scores = searchCustomers.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s > 0 && s <= 1)).toBe(true);
    const typo = await executeOk(platform.gatewayUrl, SearchCustomersDocument, { query: 'listovny' });
    expect(typo.searchCustomers.map((h) => h.customer.displayName)).toContain('Adam Listovaný');
    const byEmail = await executeOk(platform.gatewayUrl, SearchCustomersDocument, { query: 'zdenek.listovany@example.cz' });
    expect(byEmail.searchCustomers[0]).toMatchObject({ score: 1, customer: { displayName: 'Zdeněk Listovaný' } });
    const byPhone = await executeOk(platform.gatewayUrl, SearchCustomersDocument, { query: '777 123 001', first: 1 });
    expect(byPhone.searchCustomers.map((h) => h.customer.displayName)).toEqual(['Zdeněk Listovaný']);
    expect(errorCodes(await execute(platform.gatewayUrl, SearchCustomersDocument, { query: 'z' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(platform.gatewayUrl, SearchCustomersDocument, { query: 'zdenek', first: 500 }))).toEqual(['BAD_USER_INPUT']);
  });
});

/** What the outbox relay runs in the background, beside the request being measured. */
const OUTBOX_RELAY = /\[query\] (begin|commit|rollback)\b|outbox_event|pg_try_advisory|pg_snapshot/;

describe('batching', () => {
  it('runs the same number of identity statements for 2 customers as for 12', async () => {
    for (let i = 0; i < 6; i++) {
      const org = await createOrganization(`Batchco ${i}`, { emails: [`batchco${i}@example.cz`] });
      const member = await createPerson('Member', `Batchco ${i}`, { organizationId: org.id });
      await executeOk(platform.gatewayUrl, RecordConsentDocument, {
        input: { customerId: member.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' },
      });
    }
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { customers } = await executeOk(platform.gatewayUrl, CustomerOverviewDocument, { first, filter: { search: 'batchco' } });
      expect(customers.edges).toHaveLength(first);
      return platform.sql.identity.filter((statement) => !OUTBOX_RELAY.test(statement)).length;
    };
    const few = await statementsFor(2);
    const many = await statementsFor(12);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(10);
  });

  it('runs the same number of identity statements for the members and their teams of 2 teams as of 12', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) {
      const name = `Roster Member ${i}`;
      users.push(
        (await executeOk(platform.gatewayUrl, CreateUserDocument, { input: { name, email: `roster.member.${i}@dealer.example`, role: 'SALES_REP' } }))
          .createUser,
      );
    }
    for (let i = 0; i < 12; i++) {
      const memberIds = users.slice(0, 1 + (i % 3)).map((u) => u.id);
      await executeOk(platform.gatewayUrl, CreateTeamDocument, { input: { name: `A roster team ${String(i).padStart(2, '0')}`, memberIds } });
    }
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { teams } = await executeOk(platform.gatewayUrl, TeamRosterDocument, { first });
      expect(teams.edges).toHaveLength(first);
      expect(teams.edges.every((e) => e.node.members.edges.every((m) => m.node.teams.totalCount >= 1))).toBe(true);
      return platform.sql.identity.filter((statement) => !OUTBOX_RELAY.test(statement)).length;
    };
    const few = await statementsFor(2);
    const many = await statementsFor(12);
    expect(many).toBe(few);
    // the teams page, then one page and one count statement for all members, and the same for all their teams
    expect(many).toBeLessThanOrEqual(5);
  });
});
