import { beforeAll, describe, expect, it } from '@jest/globals';
import { outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { Consent, ConsentChannel, ConsentPurpose, ConsentStatus } from '../src/modules/consent/consent.entity.js';
import { consentHistoryCounts } from '../src/modules/consent/consent.queries.js';
import { recordConsent } from '../src/modules/consent/consent.service.js';
import { CustomerCompanySize, CustomerGender, CustomerKind } from '../src/modules/customer/customer.entity.js';
import { CustomerOrderDirection, CustomerOrderField, type CreateCustomerInput, type CustomerFilter } from '../src/modules/customer/customer.inputs.js';
import { customersPage, memberCounts, membersPages, mergedIdsOf, searchCustomerIds } from '../src/modules/customer/customer.queries.js';
import { archiveCustomer, createCustomer, getCustomer, getCustomerRecord, updateCustomer } from '../src/modules/customer/customer.service.js';
import { Identifier, IdentifierKind } from '../src/modules/customer/identifier.entity.js';
import { addIdentifier, removeIdentifier, resolveCustomer } from '../src/modules/customer/identifier.service.js';
import { mergeCustomers } from '../src/modules/customer/merge.service.js';
import { createCustomerLoaders } from '../src/modules/customer/customer.loaders.js';
import { useFreshIdentityDatabase } from './database.js';

const { orm, em, write } = useFreshIdentityDatabase();

const person = (firstName: string, lastName: string, extra: Partial<CreateCustomerInput> = {}) =>
  write((em) => createCustomer(em, { kind: CustomerKind.PERSON, firstName, lastName, emails: [], phones: [], ...extra }));
const organization = (organizationName: string, extra: Partial<CreateCustomerInput> = {}) =>
  write((em) => createCustomer(em, { kind: CustomerKind.ORGANIZATION, organizationName, emails: [], phones: [], ...extra }));

/** The customer's identifiers as `KIND:value`, sorted. */
const identifiersOf = async (customerId: string) => (await em().find(Identifier, { customer: customerId })).map((i) => `${i.kind}:${i.value}`).sort();
const emailsOf = async (customerId: string) => (await em().find(Identifier, { customer: customerId, kind: IdentifierKind.EMAIL })).map((i) => i.value).sort();

describe('customer profile', () => {
  it('keeps demographic and firmographic fields and organization membership', async () => {
    const org = await organization('Profile Fleet a.s.', { industry: 'Logistics', companySize: CustomerCompanySize.LARGE });
    const created = await person('Olga', 'Profilová', {
      birthDate: '1990-05-17',
      gender: CustomerGender.FEMALE,
      education: 'University',
      occupation: 'Engineer',
      jobTitle: 'Fleet buyer',
      organizationId: org.id,
    });
    const stored = await getCustomer(em(), created.id);
    expect(stored).toMatchObject({
      birthDate: '1990-05-17',
      gender: 'FEMALE',
      education: 'University',
      occupation: 'Engineer',
      jobTitle: 'Fleet buyer',
      organizationId: org.id,
    });
    const storedOrg = await getCustomer(em(), org.id);
    expect(storedOrg).toMatchObject({ kind: 'ORGANIZATION', industry: 'Logistics', companySize: 'LARGE' });
    expect(storedOrg.displayName()).toBe('Profile Fleet a.s.');
    const [members] = await membersPages(em(), [org.id], { first: 10 });
    expect(members?.edges.map((e) => e.node.id)).toEqual([created.id]);
    expect(await memberCounts(em(), [org.id, created.id])).toEqual([1, 0]);
    expect(await outboxTypes(orm(), created.id)).toEqual(['CustomerCreated']);
  });

  it('updates with the current version, reports changedFields, and refuses a stale version with CONFLICT', async () => {
    const uma = await person('Uma', 'Update');
    const org = await organization('Update Org s.r.o.');
    const updated = await write((em) => updateCustomer(em, uma.id, uma.version, { jobTitle: 'Buyer', lastName: 'Updated', organizationId: org.id }));
    expect(updated.displayName()).toBe('Uma Updated');
    expect(updated).toMatchObject({ jobTitle: 'Buyer', version: uma.version + 1, organizationId: org.id });
    const changed = (await outboxOf(orm(), uma.id)).find((e) => e.type === 'CustomerChanged');
    expect(changed?.payload.changedFields).toEqual(['lastName', 'jobTitle', 'organizationId']);

    const stale = await refusal(write((em) => updateCustomer(em, uma.id, uma.version, { jobTitle: 'Late' })));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toContain('was changed by someone else');

    const cleared = await write((em) => updateCustomer(em, uma.id, updated.version, { jobTitle: null }));
    expect(cleared.jobTitle).toBeNull();
    expect((await getCustomer(em(), uma.id)).jobTitle).toBeNull();
  });

  it('rejects bad updates: malformed and unknown ids, a person as organization, a nameless person, a future birth date', async () => {
    const bad = await person('Bad', 'Update');
    const other = await person('Not', 'AnOrg');
    const cases = [
      [() => write((em) => updateCustomer(em, 'not-an-id', 1, {})), 'BAD_USER_INPUT'],
      [() => write((em) => updateCustomer(em, UNKNOWN_ID, 1, {})), 'NOT_FOUND'],
      [() => write((em) => updateCustomer(em, bad.id, bad.version, { organizationId: other.id })), 'BAD_USER_INPUT'],
      [() => write((em) => updateCustomer(em, bad.id, bad.version, { firstName: null, lastName: ' ' })), 'BAD_USER_INPUT'],
      [() => write((em) => updateCustomer(em, bad.id, bad.version, { birthDate: '2999-01-01' })), 'BAD_USER_INPUT'],
    ] as const;
    for (const [call, code] of cases) expect((await refusal(call())).code).toBe(code);
    expect(await getCustomer(em(), bad.id)).toMatchObject({ version: bad.version, firstName: 'Bad', organizationId: null, birthDate: null });
  });

  it('archives: hidden from lists unless includeArchived, with a CustomerArchived event', async () => {
    const archie = await person('Archie', 'Zarchivovaný');
    const archivedCustomer = await write((em) => archiveCustomer(em, archie.id, archie.version));
    expect(archivedCustomer.archivedAt).toBeInstanceOf(Date);
    const hidden = await customersPage(em(), { search: 'zarchivovan', includeArchived: false }, null, {});
    expect(await hidden.count()).toBe(0);
    const shown = await customersPage(em(), { search: 'zarchivovan', includeArchived: true }, null, {});
    expect(shown.edges.map((e) => e.node.id)).toEqual([archie.id]);
    expect(await outboxTypes(orm(), archie.id)).toContain('CustomerArchived');
    expect((await refusal(write((em) => archiveCustomer(em, archie.id, archie.version)))).code).toBe('CONFLICT');
  });
});

describe('identifiers', () => {
  it('normalizes each kind and links it, with an IdentifierLinked event', async () => {
    const ida = await person('Ida', 'Identifikátor');
    for (const input of [
      { kind: IdentifierKind.EMAIL, value: ' Ida.I@Example.CZ ' },
      { kind: IdentifierKind.PHONE, value: '602 100 007' },
      { kind: IdentifierKind.DEVICE, value: ' cookie-ida-1 ' },
      { kind: IdentifierKind.SOCIAL, value: 'facebook:ida.i' },
      { kind: IdentifierKind.EXTERNAL, value: 'dms:12345' },
    ]) {
      await write((em) => addIdentifier(em, ida.id, input));
    }
    expect(await identifiersOf(ida.id)).toEqual(
      ['EMAIL:ida.i@example.cz', 'PHONE:+420602100007', 'DEVICE:cookie-ida-1', 'SOCIAL:facebook:ida.i', 'EXTERNAL:dms:12345'].sort(),
    );
    const linked = (await outboxOf(orm(), ida.id)).filter((e) => e.type === 'IdentifierLinked');
    expect(linked.map((e) => e.payload.kind)).toEqual(['EMAIL', 'PHONE', 'DEVICE', 'SOCIAL', 'EXTERNAL']);

    // Adding one the customer already has changes nothing.
    await write((em) => addIdentifier(em, ida.id, { kind: IdentifierKind.EMAIL, value: 'IDA.I@example.cz' }));
    expect(await identifiersOf(ida.id)).toHaveLength(5);
    expect((await outboxTypes(orm(), ida.id)).filter((type) => type === 'IdentifierLinked')).toHaveLength(5);

    const device = await em().findOneOrFail(Identifier, { customer: ida.id, kind: IdentifierKind.DEVICE });
    await write((em) => removeIdentifier(em, ida.id, device.id));
    expect((await identifiersOf(ida.id)).some((i) => i.startsWith('DEVICE:'))).toBe(false);
    expect((await outboxOf(orm(), ida.id)).at(-1)).toMatchObject({ type: 'IdentifierRemoved', payload: { kind: 'DEVICE', value: 'cookie-ida-1' } });
  });

  it('rejects invalid values, a duplicate of another customer, and unknown ids', async () => {
    const owner = await person('Owner', 'Of', { emails: ['owner.of@example.cz'] });
    const other = await person('Other', 'Person');
    const add = (customerId: string, kind: IdentifierKind, value: string) => refusal(write((em) => addIdentifier(em, customerId, { kind, value })));
    const invalidEmail = await add(other.id, IdentifierKind.EMAIL, 'not-an-email');
    expect(invalidEmail.code).toBe('BAD_USER_INPUT');
    expect(invalidEmail.message).toContain('is not a valid e-mail address');
    expect((await add(other.id, IdentifierKind.PHONE, '12')).code).toBe('BAD_USER_INPUT');
    expect((await add(other.id, IdentifierKind.DEVICE, '   ')).code).toBe('BAD_USER_INPUT');
    const duplicate = await add(other.id, IdentifierKind.EMAIL, 'Owner.Of@example.cz');
    expect(duplicate.code).toBe('CONFLICT');
    expect(duplicate.message).toContain('already belongs to another customer');
    expect((await add(UNKNOWN_ID, IdentifierKind.DEVICE, 'x')).code).toBe('NOT_FOUND');
    expect((await add('nope', IdentifierKind.DEVICE, 'x')).code).toBe('BAD_USER_INPUT');
    expect((await refusal(write((em) => removeIdentifier(em, other.id, UNKNOWN_ID)))).code).toBe('NOT_FOUND');
    // Another customer's identifier is not one of theirs to remove.
    const owned = await em().findOneOrFail(Identifier, { customer: owner.id });
    expect((await refusal(write((em) => removeIdentifier(em, other.id, owned.id)))).code).toBe('NOT_FOUND');
    expect(await emailsOf(owner.id)).toEqual(['owner.of@example.cz']);
    expect(await identifiersOf(other.id)).toEqual([]);
  });
});

describe('identity resolution (Story 1 steps 1–2)', () => {
  it('creates the customer from the web form and attaches both anonymous devices, then finds them by any identifier', async () => {
    const form = await write((em) =>
      resolveCustomer(em, {
        identifiers: [
          { kind: IdentifierKind.DEVICE, value: 'device-a-resolve' },
          { kind: IdentifierKind.DEVICE, value: 'device-b-resolve' },
          { kind: IdentifierKind.EMAIL, value: 'Karel.Resolve@Example.cz' },
          { kind: IdentifierKind.PHONE, value: '602 100 014' },
        ],
        profile: { kind: CustomerKind.PERSON, firstName: 'Karel', lastName: 'Resolve' },
      }),
    );
    expect(form).toMatchObject({ created: true, matchedBy: [], conflictingCustomerIds: [] });
    expect(form.customer.displayName()).toBe('Karel Resolve');
    const id = form.customer.id;
    expect(await identifiersOf(id)).toHaveLength(4);
    const events = await outboxOf(orm(), id);
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
    const call = await write((em) =>
      resolveCustomer(em, {
        identifiers: [
          { kind: IdentifierKind.PHONE, value: '+420 602 100 014' },
          { kind: IdentifierKind.DEVICE, value: 'device-c-resolve' },
        ],
      }),
    );
    expect(call).toMatchObject({ created: false, matchedBy: ['PHONE'], customer: { id } });
    expect(await identifiersOf(id)).toContain('DEVICE:device-c-resolve');
    const byDevice = await write((em) =>
      resolveCustomer(em, {
        identifiers: [
          { kind: IdentifierKind.DEVICE, value: 'device-a-resolve' },
          { kind: IdentifierKind.EMAIL, value: 'karel.resolve@example.cz' },
        ],
      }),
    );
    expect(byDevice).toMatchObject({ created: false, matchedBy: ['EMAIL', 'DEVICE'], customer: { id } });
    expect((await outboxTypes(orm(), id)).filter((type) => type === 'CustomerResolved')).toHaveLength(3);
  });

  it('fills blanks of an anonymous customer from the profile', async () => {
    const anonymous = await write((em) => resolveCustomer(em, { identifiers: [{ kind: IdentifierKind.DEVICE, value: 'device-anon-1' }] }));
    expect(anonymous.created).toBe(true);
    expect(anonymous.customer.displayName()).toBe('');
    const named = await write((em) =>
      resolveCustomer(em, {
        identifiers: [{ kind: IdentifierKind.DEVICE, value: 'device-anon-1' }],
        profile: { kind: CustomerKind.PERSON, firstName: 'Anna', lastName: 'Anonymní' },
      }),
    );
    expect(named).toMatchObject({ created: false, customer: { id: anonymous.customer.id } });
    expect((await getCustomer(em(), anonymous.customer.id)).displayName()).toBe('Anna Anonymní');
  });

  it('does not merge silently when identifiers belong to two customers', async () => {
    const byEmail = await person('Eliska', 'Email', { emails: ['eliska.conflict@example.cz'] });
    const byPhone = await person('Petr', 'Phone', { phones: ['602 100 021'] });
    const resolution = await write((em) =>
      resolveCustomer(em, {
        identifiers: [
          { kind: IdentifierKind.PHONE, value: '602 100 021' },
          { kind: IdentifierKind.EMAIL, value: 'eliska.conflict@example.cz' },
        ],
      }),
    );
    expect(resolution).toMatchObject({ created: false, matchedBy: ['EMAIL'], conflictingCustomerIds: [byPhone.id], customer: { id: byEmail.id } });
    expect(await identifiersOf(byPhone.id)).toEqual(['PHONE:+420602100021']);
    expect(await identifiersOf(byEmail.id)).toEqual(['EMAIL:eliska.conflict@example.cz']);
  });

  it('rejects no identifiers and invalid ones', async () => {
    const none = await refusal(write((em) => resolveCustomer(em, { identifiers: [], profile: { kind: CustomerKind.PERSON, firstName: 'Nobody' } })));
    expect(none).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Pass at least one identifier to resolve a customer' });
    expect((await refusal(write((em) => resolveCustomer(em, { identifiers: [{ kind: IdentifierKind.PHONE, value: 'call me' }] })))).code).toBe(
      'BAD_USER_INPUT',
    );
  });
});

describe('merge', () => {
  it('moves identifiers and consents to the survivor; old ids resolve to it, transitively', async () => {
    const survivor = await person('Marie', 'Survivor', { emails: ['marie.survivor@example.cz'] });
    const merged = await person('Marie', 'Duplicate', { emails: ['marie.duplicate@example.cz'] });
    const older = await person('M.', 'Older', { emails: ['marie.older@example.cz'] });
    await write((em) =>
      recordConsent(em, {
        customerId: merged.id,
        purpose: ConsentPurpose.MARKETING,
        channel: ConsentChannel.EMAIL,
        status: ConsentStatus.GRANTED,
        source: 'web-form',
        textVersion: 'v3',
      }),
    );

    await write((em) => mergeCustomers(em, merged.id, older.id));
    const result = await write((em) => mergeCustomers(em, survivor.id, merged.id));
    expect(result.id).toBe(survivor.id);
    expect(await emailsOf(survivor.id)).toEqual(['marie.duplicate@example.cz', 'marie.older@example.cz', 'marie.survivor@example.cz']);
    expect(await mergedIdsOf(em(), [survivor.id])).toEqual([[merged.id, older.id].sort()]);
    expect(await consentHistoryCounts(em(), [survivor.id], null)).toEqual([1]);
    expect(await em().count(Consent, { customer: merged.id })).toBe(0);

    for (const oldId of [merged.id, older.id]) {
      expect((await getCustomer(em(), oldId)).id).toBe(survivor.id);
      expect(await getCustomerRecord(em(), oldId)).toMatchObject({ id: oldId, mergedIntoId: survivor.id });
    }
    // Merged records leave the lists; the survivor stays.
    const listed = await customersPage(em(), { search: 'marie', includeArchived: false }, null, {});
    expect(listed.edges.map((e) => e.node.id)).toEqual([survivor.id]);

    const events = await outboxOf(orm(), survivor.id);
    expect(events.find((e) => e.type === 'CustomerMerged')?.payload).toMatchObject({ survivorId: survivor.id, mergedId: merged.id, movedIdentifiers: 2 });
  });

  it('rejects merging into itself, into or from a merged customer, and bad ids', async () => {
    const a = await person('Alfa', 'Merge');
    const b = await person('Beta', 'Merge');
    const c = await person('Gama', 'Merge');
    await write((em) => mergeCustomers(em, a.id, b.id));
    const merge = (survivorId: string, mergedId: string) => refusal(write((em) => mergeCustomers(em, survivorId, mergedId)));
    expect(await merge(a.id, a.id)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'A customer cannot be merged into itself' });
    // A merged customer is named with its survivor, where the change belongs.
    expect((await merge(b.id, c.id)).extensions).toMatchObject({ code: 'CONFLICT', survivorId: a.id });
    expect((await merge(a.id, b.id)).code).toBe('CONFLICT');
    expect((await merge('bad', c.id)).code).toBe('BAD_USER_INPUT');
    expect((await merge(a.id, UNKNOWN_ID)).code).toBe('NOT_FOUND');
    const org = await organization('Merge Org s.r.o.');
    expect((await merge(a.id, org.id)).code).toBe('BAD_USER_INPUT');
    // A merged record cannot be changed any more: the survivor is.
    expect((await refusal(write((em) => updateCustomer(em, b.id, b.version, { jobTitle: 'x' })))).extensions).toMatchObject({
      code: 'CONFLICT',
      survivorId: a.id,
    });
    expect(await getCustomerRecord(em(), c.id)).toMatchObject({ mergedIntoId: null });
  });
});

describe('customer lists and search', () => {
  beforeAll(async () => {
    await person('Zdeněk', 'Listovaný', { emails: ['zdenek.listovany@example.cz'], phones: ['+420 777 123 001'] });
    await person('Adam', 'Listovaný');
    await person('Bořek', 'Listovaný');
    await organization('Listovaný Servis s.r.o.', { industry: 'Listing services' });
  });

  const byName = { field: CustomerOrderField.NAME, direction: CustomerOrderDirection.ASC };
  const names = async (filter: Partial<CustomerFilter>) =>
    (await customersPage(em(), { includeArchived: false, ...filter }, byName, {})).edges.map((e) => e.node.displayName());

  it('filters by kind, industry and name / e-mail / phone prefix, ignoring diacritics in names', async () => {
    expect(await names({ search: 'listovany' })).toEqual(['Adam Listovaný', 'Bořek Listovaný', 'Listovaný Servis s.r.o.', 'Zdeněk Listovaný']);
    expect(await names({ search: 'Listovaný', kind: CustomerKind.ORGANIZATION })).toEqual(['Listovaný Servis s.r.o.']);
    expect(await names({ industry: 'Listing services' })).toEqual(['Listovaný Servis s.r.o.']);
    expect(await names({ search: 'zdenek.listov' })).toEqual(['Zdeněk Listovaný']);
    expect(await names({ search: '777 123' })).toEqual(['Zdeněk Listovaný']);
    expect(await names({ search: '+420777123001' })).toEqual(['Zdeněk Listovaný']);
  });

  it('pages by name in both directions with keyset cursors and counts the filter', async () => {
    const filter = { search: 'listovany', kind: CustomerKind.PERSON, includeArchived: false };
    const descending = { field: CustomerOrderField.NAME, direction: CustomerOrderDirection.DESC };
    const first = await customersPage(em(), filter, descending, { first: 2 });
    expect(await first.count()).toBe(3);
    expect(first.edges.map((e) => e.node.displayName())).toEqual(['Zdeněk Listovaný', 'Bořek Listovaný']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await customersPage(em(), filter, descending, { first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.displayName())).toEqual(['Adam Listovaný']);
    const back = await customersPage(em(), filter, descending, { last: 2, before: second.pageInfo.startCursor });
    expect(back.edges.map((e) => e.node.displayName())).toEqual(['Zdeněk Listovaný', 'Bořek Listovaný']);
    const newest = await customersPage(em(), filter, null, { first: 1 });
    expect(newest.edges[0]?.node.displayName()).toBe('Bořek Listovaný');
    expect((await refusal(customersPage(em(), null, null, { after: 'garbage' }))).code).toBe('BAD_USER_INPUT');
  });

  it('ranks search hits by name, e-mail or phone with a score', async () => {
    const displayNames = async (hits: Array<{ customerId: string }>) =>
      Promise.all(hits.map(async (h) => (await getCustomer(em(), h.customerId)).displayName()));
    const hits = await searchCustomerIds(em(), 'Zdenek Listovany', 10);
    expect((await displayNames(hits))[0]).toBe('Zdeněk Listovaný');
    expect(hits[0]?.score).toBeCloseTo(1);
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s > 0 && s <= 1)).toBe(true);
    expect(await displayNames(await searchCustomerIds(em(), 'listovny', 10))).toContain('Adam Listovaný');
    const byEmail = await searchCustomerIds(em(), 'zdenek.listovany@example.cz', 10);
    expect(byEmail[0]?.score).toBe(1);
    expect((await displayNames(byEmail))[0]).toBe('Zdeněk Listovaný');
    expect(await displayNames(await searchCustomerIds(em(), '777 123 001', 1))).toEqual(['Zdeněk Listovaný']);
    expect((await refusal(searchCustomerIds(em(), 'z', 10))).code).toBe('BAD_USER_INPUT');
  });
});

describe("a customer's e-mails and phones read with it", () => {
  it("come as values in the customer's statement, with no identifier made an entity", async () => {
    const jana = await person('Jana', 'Malá', { emails: ['jana.mala@example.cz', 'Jana@Firma.cz'], phones: ['+420 601 234 567'] });
    await write((em) => addIdentifier(em, jana.id, { kind: IdentifierKind.DEVICE, value: 'device-1' }));
    const request = em();
    const loaders = createCustomerLoaders(request);
    const customer = await loaders.customerWithContactsById.load(jana.id);
    expect(customer).toMatchObject({ id: jana.id, firstName: 'Jana', lastName: 'Malá' });
    const contacts = loaders.contactsKnown.get(jana.id)!;
    expect(contacts.map((c) => `${c.kind}:${c.value}`).sort()).toEqual(['EMAIL:jana.mala@example.cz', 'EMAIL:jana@firma.cz', 'PHONE:+420601234567']);
    // The customer is the request's entity, as any read makes it; its identifiers are not.
    const mapped = request.getUnitOfWork().getIdentityMap().values();
    expect(mapped.map((entity) => entity.constructor.name)).toEqual(['Customer']);
    // The whole identifiers (the `identifiers` field) are read as before, the device too, in the same order.
    const identifiers = await loaders.identifiersByCustomer.load(jana.id);
    expect(identifiers.map((i) => i.kind).sort()).toEqual(['DEVICE', 'EMAIL', 'EMAIL', 'PHONE']);
    expect(identifiers.filter((i) => i.kind !== IdentifierKind.DEVICE).map(({ kind, value }) => ({ kind, value }))).toEqual(contacts);
  });
});
