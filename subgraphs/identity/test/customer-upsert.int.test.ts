import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { ConsentChannel, ConsentPurpose, ConsentStatus } from '../src/modules/consent/consent.entity.js';
import { currentConsentsOf } from '../src/modules/consent/consent.queries.js';
import type { UpsertCustomerInput } from '../src/modules/customer/customer-upsert.inputs.js';
import { upsertCustomers } from '../src/modules/customer/customer-upsert.service.js';
import { CustomerKind } from '../src/modules/customer/customer.entity.js';
import { archiveCustomer, createCustomer, getCustomer } from '../src/modules/customer/customer.service.js';
import { mergeCustomers } from '../src/modules/customer/merge.service.js';
import { useFreshIdentityDatabase } from './database.js';

const { orm, em, write } = useFreshIdentityDatabase();

const item = (externalId: string, extra: Partial<UpsertCustomerInput> = {}) =>
  ({ sourceSystem: 'dms', externalId, lastName: 'Upsert', emails: [], phones: [], consents: [], ...extra }) as UpsertCustomerInput;
const upsert = (...items: UpsertCustomerInput[]) => write((em) => upsertCustomers(em, items));
const marketing = (status: ConsentStatus, givenAt: string) => ({
  purpose: ConsentPurpose.MARKETING,
  channel: ConsentChannel.EMAIL,
  status,
  source: 'dms-import',
  textVersion: 'v1',
  givenAt: new Date(givenAt),
});

describe('upsertCustomers', () => {
  it('finds a customer first by its key, else by an e-mail, and then gives it the key', async () => {
    const email = `${randomUUID()}@upsert.example`;
    const known = await write((em) => createCustomer(em, { kind: CustomerKind.PERSON, lastName: 'Known', emails: [email], phones: [] }));
    const key = randomUUID();
    const first = await upsert(item(key, { emails: [email.toUpperCase()], jobTitle: 'driver' }));
    expect(first.items).toEqual([{ index: 0, id: known.id, outcome: 'UPDATED' }]);
    // Now the key finds it, even without the e-mail.
    expect((await upsert(item(key, { jobTitle: 'driver' }))).items[0]).toEqual({ index: 0, id: known.id, outcome: 'UNCHANGED' });
    const events = await outboxOf(orm(), known.id);
    expect(events.map((e) => e.type)).toEqual(['CustomerCreated', 'CustomerChanged', 'IdentifierLinked']);
    expect(events[1]!.payload).toMatchObject({ changedFields: ['lastName', 'jobTitle'], aggregateVersion: 2 });
    expect(events[2]!.payload).toMatchObject({ kind: 'EXTERNAL', value: `dms:${key}` });
    expect((await getCustomer(em(), known.id)).version).toBe(2);
  });

  it('records a consent unless it is already the current decision or older than it', async () => {
    const key = randomUUID();
    const { items } = await upsert(item(key, { consents: [marketing(ConsentStatus.GRANTED, '2026-03-01T00:00:00Z')] }));
    const id = items[0]!.id;
    const again = (status: ConsentStatus, givenAt: string) => upsert(item(key, { consents: [marketing(status, givenAt)] })).then((r) => r.items[0]!.outcome);
    expect(await again(ConsentStatus.GRANTED, '2026-03-01T00:00:00Z')).toBe('UNCHANGED');
    expect(await again(ConsentStatus.WITHDRAWN, '2026-02-01T00:00:00Z')).toBe('UNCHANGED'); // older than the current one
    expect(await again(ConsentStatus.WITHDRAWN, '2026-04-01T00:00:00Z')).toBe('UPDATED');
    const [current] = await currentConsentsOf(em(), [id]);
    expect(current!.map((c) => c.status)).toEqual(['WITHDRAWN']);
    expect((await outboxOf(orm(), id)).filter((e) => e.type === 'ConsentChanged')).toHaveLength(2);
  });

  it("refuses the whole call naming every bad item: another customer's e-mail, a second key of one source, an archived customer, a key twice, an organization without its name", async () => {
    const email = `${randomUUID()}@upsert.example`;
    const owner = await upsert(item(randomUUID(), { emails: [email] }));
    const ownerId = owner.items[0]!.id;
    const keyed = randomUUID();
    const archived = await upsert(item(keyed));
    const archivedId = archived.items[0]!.id;
    await write(async (em) => archiveCustomer(em, archivedId, 1));
    const fresh = randomUUID();
    const bad = await refusal(
      upsert(
        item(fresh),
        item(randomUUID(), { emails: [email] }), // found by the e-mail, but dms knows that customer under another key
        item(randomUUID(), { phones: ['12'] }),
        item(keyed, { lastName: 'Changed' }),
        item(fresh, { lastName: 'Twice' }),
        item(randomUUID(), { kind: CustomerKind.ORGANIZATION }),
      ),
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.items).toEqual([
      { index: 1, field: 'emails.0', message: expect.stringContaining(ownerId) },
      { index: 2, field: 'phones.0', message: expect.any(String) },
      { index: 3, field: 'externalId', message: expect.stringContaining('archived') },
      { index: 4, field: 'externalId', message: expect.stringContaining('item 0') },
      { index: 5, field: 'organizationName', message: expect.any(String) },
    ]);
    // Nothing of the good item was written.
    expect((await upsert(item(fresh))).items[0]!.outcome).toBe('CREATED');
  });

  it("puts a person into a merged organization's survivor, and refuses an organizationId that is no organization", async () => {
    const organization = (name: string) =>
      write((em) => createCustomer(em, { kind: CustomerKind.ORGANIZATION, organizationName: name, emails: [], phones: [] }));
    const survivor = await organization('Autopark');
    const merged = await organization('Autopark s.r.o.');
    await write((em) => mergeCustomers(em, survivor.id, merged.id));
    const { items } = await upsert(item(randomUUID(), { organizationId: merged.id }));
    expect((await getCustomer(em(), items[0]!.id)).organizationId).toBe(survivor.id);
    const person = items[0]!.id;
    const bad = await refusal(upsert(item(randomUUID(), { organizationId: person })));
    expect(bad.extensions.items).toEqual([{ index: 0, field: 'organizationId', message: `Customer ${person} is not an organization` }]);
  });
});
