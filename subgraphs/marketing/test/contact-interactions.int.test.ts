import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportPersonalData, erasePersonalData } from '@crm/kit/privacy.js';
import { catalogEvent, customerProfile } from '../../../tests/helpers/events.js';
import { eventually } from '../../../tests/helpers/eventually.js';
import { deliver, mutation, outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { customerMergeHandler } from '../src/modules/customer/customer.handlers.js';
import { Interaction, InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelinePages } from '../src/modules/interaction/interaction.queries.js';
import { linkContactInteractions, recordInteraction, recordInteractions } from '../src/modules/interaction/interaction.service.js';
import { journeyHandler } from '../src/modules/journey/journey.handlers.js';
import { marketingPersonalData } from '../src/modules/privacy/privacy.tables.js';
import { rememberContacts } from '../src/modules/projection/projection.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Issue 12, point 6: interactions recorded under only a phone or an e-mail (a hotline call, a mail from an unknown
// sender) join the person once identity links that identifier to them (IdentifierLinked, CustomerCreated,
// CustomerResolved, merges), and at once when it is already theirs. Through the gateway, from sales' web form:
// tests/marketing-contact-interactions.e2e.test.ts.

const { orm, em } = useFreshMarketingDatabase();
const journey = journeyHandler();

/** A Czech mobile number nobody else in this file uses: local notation and the E.164 form identity stores. */
function newPhone(): { local: string; e164: string } {
  const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
  return { local: `601 ${digits.slice(0, 3)} ${digits.slice(3)}`, e164: `+420601${digits}` };
}

const timeline = async (customerId: string) => (await timelinePages(em(), [customerId], null, { first: 50 }))[0]!.edges.map((e) => e.node);

const identifierLinked = (customerId: string, kind: 'PHONE' | 'EMAIL', value: string) =>
  catalogEvent('IdentifierLinked', customerId, { customerId, kind, value });

const hotlineCall = (phone: string, externalEventId = `call-${randomUUID()}`) => ({
  phone,
  channel: C.PHONE,
  type: T.CALL,
  sourceSystem: 'telephony',
  externalEventId,
  properties: { line: 'hotline', durationSeconds: 184 },
});

/** Resolves once some transaction waits for an advisory lock another holds (a phone's, in these tests). */
const someoneWaits = () =>
  eventually(async () => {
    const waiting = await orm().em.fork().execute(`select 1 from pg_locks where locktype = 'advisory' and not granted`);
    expect(waiting.length).toBeGreaterThan(0);
  });

/** A transaction that stays open until `release` is called: what it wrote is not visible to others until then. */
function openTransaction(work: (tx: ReturnType<typeof em>) => Promise<unknown>) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = orm()
    .em.fork()
    .transactional(async (tx) => {
      await work(tx);
      started();
      await gate;
    });
  return { ready, release, done };
}

async function handle(...events: Array<ReturnType<typeof catalogEvent>>): Promise<void> {
  for (const event of events) expect([event.type, await deliver(orm(), journey, event)]).toEqual([event.type, true]);
}

describe('an interaction recorded under only a phone or an e-mail', () => {
  it('keeps the phone in E.164 and the e-mail lower-cased, without a customer while nobody is known by them', async () => {
    const phone = newPhone();
    const call = await recordInteraction(em(), hotlineCall(`  ${phone.local} `));
    expect(call).toMatchObject({ customerId: null, anonymousId: null, phone: phone.e164, email: null });
    const mail = await recordInteraction(em(), { email: ' Jan.Novak.Unknown@Example.COM ', channel: C.EMAIL, type: T.MESSAGE_RECEIVED });
    expect(mail).toMatchObject({ customerId: null, email: 'jan.novak.unknown@example.com', phone: null });
  });

  it('refuses a phone or e-mail that is none, naming the field and the batch item but not the value', async () => {
    const bad = await refusal(recordInteraction(em(), hotlineCall('12')));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', extensions: expect.objectContaining({ field: 'phone' }) });
    expect(bad.message).not.toContain('12');
    const item = await refusal(recordInteractions(em(), [hotlineCall(newPhone().local), { email: 'no-at-sign', channel: C.EMAIL, type: T.MESSAGE_RECEIVED }]));
    expect(item).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: expect.objectContaining({ items: [expect.objectContaining({ index: 1, field: 'email' })] }),
    });
    expect(item.message).toContain('item 1 (email): ');
    expect(item.message).not.toContain('no-at-sign');
    const nobody = await refusal(recordInteraction(em(), { channel: C.PHONE, type: T.CALL }));
    expect(nobody.message).toContain('a phone or an email');
  });
});

describe('joining the person when identity links the identifier', () => {
  it('moves a hotline call to the customer whose phone identity links later, once however often the event comes', async () => {
    const phone = newPhone();
    const call = await recordInteraction(em(), hotlineCall(phone.local));
    const customerId = randomUUID();
    const linked = identifierLinked(customerId, 'PHONE', phone.e164);
    await handle(linked, linked);

    expect((await timeline(customerId)).map((i) => [i.id, i.type, i.phone])).toEqual([[call.id, 'CALL', phone.e164]]);
    const events = (await outboxOf(orm(), customerId)).filter((e) => e.type === 'ContactInteractionsLinked');
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ customerId, interactionIds: [call.id] })]);
    // The event names the interactions, never the phone itself (personal data stays in the erasable rows).
    expect(JSON.stringify(events[0]!.payload)).not.toContain(phone.e164);
  });

  it("joins an unknown sender's e-mails when a new customer is created with that address", async () => {
    const email = `unknown.${randomUUID()}@example.com`;
    const { ids } = await recordInteractions(em(), [
      { email: email.toUpperCase(), channel: C.EMAIL, type: T.MESSAGE_RECEIVED, properties: { subject: 'Price of the SUV?' } },
      { email, channel: C.EMAIL, type: T.MESSAGE_RECEIVED, properties: { subject: 'And the estate?' } },
    ]);
    const customerId = randomUUID();
    await handle(catalogEvent('CustomerCreated', customerId, { ...customerProfile({ customerId }), identifiers: [{ kind: 'EMAIL', value: email }] }));
    expect((await timeline(customerId)).map((i) => i.id).sort()).toEqual([...ids].sort());
  });

  it("joins the call when identity resolves a web form's person by that phone (CustomerResolved)", async () => {
    const phone = newPhone();
    const call = await recordInteraction(em(), hotlineCall(phone.e164));
    const customerId = randomUUID();
    await handle(
      catalogEvent('CustomerResolved', customerId, {
        customerId,
        created: false,
        matchedBy: ['PHONE'],
        conflictingCustomerIds: [],
        leadId: null,
        email: null,
        phone: phone.e164,
        deviceIds: [],
        requestedAppointment: null,
        interest: null,
        firstName: 'Jana',
        lastName: 'Dvořáková',
      }),
    );
    expect((await timeline(customerId)).map((i) => i.id)).toEqual([call.id]);
  });

  it('joins at once an interaction whose phone or e-mail already belongs to a known customer', async () => {
    const phone = newPhone();
    const email = `known.${randomUUID()}@example.com`;
    const customerId = randomUUID();
    await handle(identifierLinked(customerId, 'PHONE', phone.e164), identifierLinked(customerId, 'EMAIL', email));

    const call = await recordInteraction(em(), hotlineCall(phone.local));
    expect(call.customerId).toBe(customerId);
    const { ids } = await recordInteractions(em(), [
      { email: email.toUpperCase(), channel: C.EMAIL, type: T.MESSAGE_RECEIVED },
      { email: `stranger.${randomUUID()}@example.com`, channel: C.EMAIL, type: T.MESSAGE_RECEIVED },
    ]);
    expect((await timeline(customerId)).map((i) => i.id).sort()).toEqual([call.id, ids[0]!].sort());
  });

  it('leaves interactions of another identifier, and interactions already of a customer, where they are', async () => {
    const [mine, other] = [newPhone(), newPhone()];
    const someoneElse = randomUUID();
    const theirs = await recordInteraction(em(), { ...hotlineCall(mine.e164), customerId: someoneElse });
    const unrelated = await recordInteraction(em(), hotlineCall(other.e164));
    const customerId = randomUUID();
    await handle(identifierLinked(customerId, 'PHONE', mine.e164));
    expect(await timeline(customerId)).toEqual([]);
    expect((await timeline(someoneElse)).map((i) => i.id)).toEqual([theirs.id]);
    expect(await em().fork().findOneOrFail(Interaction, { id: unrelated.id })).toMatchObject({ customerId: null });
  });
});

describe('recording and linking at the same moment', () => {
  it('joins a call recorded while identity links its phone (the link commits second)', async () => {
    const phone = newPhone();
    const customerId = randomUUID();
    const recording = openTransaction((tx) => recordInteraction(tx, hotlineCall(phone.e164)));
    await recording.ready;
    const linking = deliver(orm(), journey, identifierLinked(customerId, 'PHONE', phone.e164));
    await someoneWaits();
    recording.release();
    await Promise.all([recording.done, linking]);
    expect((await timeline(customerId)).map((i) => i.phone)).toEqual([phone.e164]);
  });

  it('joins a call recorded while identity links its phone (the recording commits second)', async () => {
    const phone = newPhone();
    const customerId = randomUUID();
    // What the journey consumer does with IdentifierLinked, in a transaction held open.
    const linking = openTransaction(async (tx) => {
      await linkContactInteractions(tx, customerId, [{ kind: 'PHONE', value: phone.e164 }]);
      await rememberContacts(tx, customerId, [{ kind: 'PHONE', value: phone.e164 }], new Date());
    });
    await linking.ready;
    const recording = recordInteraction(em().fork(), hotlineCall(phone.local));
    await someoneWaits();
    linking.release();
    const [, call] = await Promise.all([linking.done, recording]);
    expect(call.customerId).toBe(customerId);
  });
});

describe('merges', () => {
  it("joins the survivor: the merged customer's phones move to it, and a phone linked to the merged one afterwards joins it too", async () => {
    const [survivorId, mergedId] = [randomUUID(), randomUUID()];
    const [early, late] = [newPhone(), newPhone()];
    await handle(identifierLinked(mergedId, 'PHONE', early.e164));
    const lateCall = await recordInteraction(em(), hotlineCall(late.e164));
    expect(await deliver(orm(), customerMergeHandler, catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId, movedIdentifiers: 2 }))).toBe(true);

    // The merged customer's phone is now the survivor's: a new call under it joins the survivor at once.
    const contacts = await em().fork().execute('select customer_id from customer_contact where value = ?', [early.e164]);
    expect(contacts).toEqual([{ customer_id: survivorId }]);
    const earlyCall = await recordInteraction(em(), hotlineCall(early.local));
    expect(earlyCall.customerId).toBe(survivorId);
    // identity linked the other phone to the merged customer before the merge, but marketing hears of it only now.
    await handle(identifierLinked(mergedId, 'PHONE', late.e164));
    expect((await timeline(survivorId)).map((i) => i.id).sort()).toEqual([earlyCall.id, lateCall.id].sort());
    expect(await timeline(mergedId)).toEqual([]);
  });
});

describe('personal data', () => {
  it("exports and erases a not yet joined interaction under the person's phone or e-mail with the rest of their data", async () => {
    const customerId = randomUUID();
    const phone = newPhone();
    const waiting = await recordInteraction(em(), hotlineCall(phone.e164));
    // marketing learned the phone without joining the call (e.g. its projection was filled while the call was written)
    await mutation(orm(), (tx) => rememberContacts(tx, customerId, [{ kind: 'PHONE', value: phone.e164 }], new Date()));
    const stranger = await recordInteraction(em(), hotlineCall(newPhone().e164));

    const exported = await exportPersonalData(em().fork(), marketingPersonalData, [customerId]);
    expect((exported.interaction as Array<{ id: string }>).map((row) => row.id)).toEqual([waiting.id]);

    const erased = await mutation(orm(), (tx) => erasePersonalData(tx, marketingPersonalData, [customerId]));
    expect(erased.counts.interaction).toBe(1);
    expect(erased.aggregateIds).toContain(waiting.id);
    const left = await em()
      .fork()
      .execute<Array<{ id: string }>>('select id from interaction where id = any(?::uuid[])', [`{${waiting.id},${stranger.id}}`]);
    expect(left.map((row) => row.id)).toEqual([stranger.id]);
  });
});
