import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ContactInteractionDocument,
  ContactTimelineDocument,
  ContactWebFormDocument,
  RecordContactInteractionDocument,
  RecordInteractionsDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 12, point 6, through the gateway: a hotline call recorded under only the caller's phone joins the person
// whose web form later gives that phone (sales → identity → marketing over the bus), and later calls from that
// phone join them at once. The rules (e-mails, merges, races, erasure) on marketing's own database:
// subgraphs/marketing/test/contact-interactions.int.test.ts.

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V, headers?: Record<string, string>) =>
  executeOk(platform.gatewayUrl, document, variables, headers);

/** A Czech mobile number nobody else in this run uses: as the caller's telephony writes it, and in E.164. */
function newPhone(): { local: string; e164: string } {
  const digits = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
  return { local: `602 ${digits.slice(0, 3)} ${digits.slice(3)}`, e164: `+420602${digits}` };
}

describe('a hotline call recorded under only the caller’s phone', () => {
  it('joins the person whose web form later gives that phone, and their next call joins them at once', async () => {
    const phone = newPhone();
    // The telephony system is a partner: it records calls under the caller's phone and is told whose it is, which is
    // reading personal data (pii:read). A partner without it may not record by phone: it would learn whose it is.
    const telephony = await platform.createApiKey(['interactions:write', 'interactions:read', 'pii:read'], { name: 'Hotline telephony' });
    const asTelephony = { authorization: telephony.authorization };
    const reader = await platform.createApiKey(['interactions:write', 'interactions:read'], { name: 'Timeline reader' });
    const asReader = { authorization: reader.authorization };
    const byReader = await execute(
      platform.gatewayUrl,
      RecordContactInteractionDocument,
      { input: { phone: phone.local, channel: 'PHONE', type: 'CALL', sourceSystem: 'hotline', externalEventId: `call-${randomUUID()}` } },
      asReader,
    );
    expect(errorCodes(byReader)).toEqual(['FORBIDDEN']);
    expect(byReader.errors![0]!.extensions).toMatchObject({ permission: 'pii:read', field: 'input.phone' });
    expect(byReader.errors![0]!.message).not.toContain(phone.local);
    // In a batch the first item under a phone or an e-mail is named, and nothing of the batch is written.
    const anonymousId = `device-${randomUUID()}`;
    const batch = await execute(
      platform.gatewayUrl,
      RecordInteractionsDocument,
      {
        input: [
          { anonymousId, channel: 'WEB', type: 'PAGE_VIEW' },
          { email: `someone.${randomUUID()}@example.com`, channel: 'EMAIL', type: 'MESSAGE_OPENED' },
        ],
      },
      asReader,
    );
    expect(batch.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input[1].email' });
    const [written] = await platform.subgraphs.marketing.orm.em
      .fork()
      .execute<Array<{ n: number }>>('select count(*)::int as n from interaction where anonymous_id = ?', [anonymousId]);
    expect(written!.n).toBe(0);
    const { recordInteraction: call } = await gql(
      RecordContactInteractionDocument,
      {
        input: {
          phone: phone.local,
          channel: 'PHONE',
          type: 'CALL',
          sourceSystem: 'hotline',
          externalEventId: `call-${randomUUID()}`,
          properties: { durationSeconds: 240, topic: 'Family SUV availability' },
        },
      },
      asTelephony,
    );
    expect(call.customer).toBeNull();
    const unknown = (await gql(ContactInteractionDocument, { id: call.id })).interaction;
    expect(unknown).toMatchObject({ channel: 'PHONE', type: 'CALL', phone: phone.e164, anonymousId: null, customer: null });
    // Without pii:read the phone is refused, the rest answers.
    const partnerView = await execute(platform.gatewayUrl, ContactInteractionDocument, { id: call.id }, asReader);
    expect(errorCodes(partnerView)).toEqual(['FORBIDDEN', 'FORBIDDEN']); // phone and email
    expect(partnerView.data?.interaction).toMatchObject({ id: call.id, phone: null });

    const email = `caller.${randomUUID()}@example.com`;
    await gql(ContactWebFormDocument, {
      input: {
        formKey: platform.webFormKey,
        submissionId: randomUUID(),
        firstName: 'Petra',
        lastName: 'Volající',
        email,
        phone: `+420 ${phone.local}`,
        interest: { model: 'Family SUV' },
        consents: [{ purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, textVersion: 'v3' }],
      },
    });

    const joined = await eventually(async () => {
      const { interaction } = await gql(ContactInteractionDocument, { id: call.id });
      expect(interaction.customer).not.toBeNull();
      return interaction;
    }, 30_000);
    expect(joined.customer).toMatchObject({ firstName: 'Petra', lastName: 'Volající' });
    const personId = joined.customer!.id;
    const timeline = await eventually(async () => {
      const { customer } = await gql(ContactTimelineDocument, { id: personId });
      const entries = customer!.interactions!.edges.map((e) => e.node);
      expect(entries.map((e) => e.type)).toEqual(expect.arrayContaining(['FORM_SUBMIT', 'CALL']));
      return entries;
    });
    expect(timeline.find((e) => e.id === call.id)).toMatchObject({ channel: 'PHONE', type: 'CALL', sourceSystem: 'hotline', phone: phone.e164 });

    // The phone is theirs now: the next call is on their timeline as soon as it is recorded.
    const { recordInteraction: next } = await gql(
      RecordContactInteractionDocument,
      { input: { phone: phone.e164, channel: 'PHONE', type: 'CALL', sourceSystem: 'hotline', externalEventId: `call-${randomUUID()}` } },
      asTelephony,
    );
    expect(next.customer).toEqual({ id: personId });
  });

  it('refuses a phone that is none with BAD_USER_INPUT on the field, without echoing it', async () => {
    const result = await execute(platform.gatewayUrl, RecordContactInteractionDocument, { input: { phone: '12', channel: 'PHONE', type: 'CALL' } });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe('phone');
    expect(result.errors?.[0]?.message).not.toContain('12');
  });
});
