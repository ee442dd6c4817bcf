import { describe, expect, it } from '@jest/globals';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { ConsentChannel, ConsentPurpose, ConsentStatus } from '../src/modules/consent/consent.entity.js';
import { consentHistoryCounts, consentHistoryPages, currentConsentsOf } from '../src/modules/consent/consent.queries.js';
import { recordConsent } from '../src/modules/consent/consent.service.js';
import { CustomerKind } from '../src/modules/customer/customer.entity.js';
import { createCustomer } from '../src/modules/customer/customer.service.js';
import { useFreshIdentityDatabase } from './database.js';

const { orm, em, write } = useFreshIdentityDatabase();

const person = (firstName: string, lastName: string) =>
  write((em) => createCustomer(em, { kind: CustomerKind.PERSON, firstName, lastName, emails: [], phones: [] }));

describe('consent', () => {
  it('appends every decision; the current state is the latest per purpose × channel', async () => {
    const cyril = await person('Cyril', 'Consent');
    const record = (purpose: ConsentPurpose, channel: ConsentChannel, status: ConsentStatus, givenAt: string, textVersion = 'v3') =>
      write((em) => recordConsent(em, { customerId: cyril.id, purpose, channel, status, source: 'web-form', textVersion, givenAt: new Date(givenAt) }));
    await record(ConsentPurpose.MARKETING, ConsentChannel.EMAIL, ConsentStatus.GRANTED, '2026-01-01T10:00:00Z');
    await record(ConsentPurpose.MARKETING, ConsentChannel.SMS, ConsentStatus.GRANTED, '2026-01-01T10:00:00Z');
    await record(ConsentPurpose.MARKETING, ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN, '2026-02-01T10:00:00Z', 'v4');
    await record(ConsentPurpose.PROFILING, ConsentChannel.EMAIL, ConsentStatus.WITHDRAWN, '2026-03-01T10:00:00Z');

    const [current] = await currentConsentsOf(em(), [cyril.id]);
    expect(current!.map((c) => `${c.purpose}/${c.channel}=${c.status}`).sort()).toEqual([
      'MARKETING/EMAIL=WITHDRAWN',
      'MARKETING/SMS=GRANTED',
      'PROFILING/EMAIL=WITHDRAWN',
    ]);
    expect(current!.find((c) => c.purpose === ConsentPurpose.MARKETING && c.channel === ConsentChannel.EMAIL)?.textVersion).toBe('v4');
    expect(await consentHistoryCounts(em(), [cyril.id], null)).toEqual([4]);

    const [first] = await consentHistoryPages(em(), [cyril.id], null, { first: 2 });
    expect(first!.edges.map((e) => e.node.givenAt.toISOString())).toEqual(['2026-03-01T10:00:00.000Z', '2026-02-01T10:00:00.000Z']);
    expect(first!.pageInfo.hasNextPage).toBe(true);
    const [next] = await consentHistoryPages(em(), [cyril.id], null, { first: 2, after: first!.pageInfo.endCursor });
    expect(next!.edges).toHaveLength(2);
    expect(next!.pageInfo.hasNextPage).toBe(false);
    const marketingEmail = { purposes: [ConsentPurpose.MARKETING], channels: [ConsentChannel.EMAIL] };
    const [filtered] = await consentHistoryPages(em(), [cyril.id], marketingEmail, {});
    expect(filtered!.edges.map((e) => e.node.status)).toEqual(['WITHDRAWN', 'GRANTED']);
    expect(await consentHistoryCounts(em(), [cyril.id], marketingEmail)).toEqual([2]);

    const events = (await outboxOf(orm(), cyril.id)).filter((e) => e.type === 'ConsentChanged');
    expect(events).toHaveLength(4);
    expect(events[0]?.payload).toMatchObject({ purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' });
  });

  it('rejects an unknown customer and a future time, and records nothing', async () => {
    const bad = await person('Bad', 'Consent');
    const base = {
      customerId: bad.id,
      purpose: ConsentPurpose.MARKETING,
      channel: ConsentChannel.EMAIL,
      status: ConsentStatus.GRANTED,
      source: 'web-form',
      textVersion: 'v3',
    };
    expect((await refusal(write((em) => recordConsent(em, { ...base, customerId: UNKNOWN_ID })))).code).toBe('NOT_FOUND');
    const future = await refusal(write((em) => recordConsent(em, { ...base, givenAt: new Date('2999-01-01T00:00:00Z') })));
    expect(future).toMatchObject({ code: 'BAD_USER_INPUT', message: 'givenAt cannot be in the future' });
    expect(await consentHistoryCounts(em(), [bad.id], null)).toEqual([0]);
  });
});
