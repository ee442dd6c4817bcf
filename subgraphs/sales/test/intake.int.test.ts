import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from '@mikro-orm/postgresql';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { WebFormConsentChannel, WebFormConsentPurpose, type WebFormInput } from '../src/modules/intake/intake.inputs.js';
import { submitWebForm } from '../src/modules/intake/intake.service.js';
import { WebForm } from '../src/modules/intake/web-form.entity.js';
import { Lead } from '../src/modules/lead/lead.entity.js';
import { newProduct, useFreshSalesDatabase } from './database.js';

let formKey: string;
const { orm, em, write } = useFreshSalesDatabase();
beforeAll(async () => {
  formKey = (await write(async (em) => em.create(WebForm, { name: 'Test form', publicKey: `wf_test_${randomUUID()}` }))).publicKey;
});

const DAY = 24 * 3600_000;
const unique = () => randomUUID().slice(0, 8);
let phones = 0;

function webForm(overrides: Partial<WebFormInput> = {}): WebFormInput {
  const id = unique();
  return {
    formKey,
    submissionId: `sub-${id}`,
    firstName: 'Jana',
    lastName: 'Dvořáková',
    email: `jana.${id}@example.cz`,
    phone: `+420 777 ${String(100000 + ++phones).padStart(6, '0')}`,
    deviceIds: [],
    consents: [{ purpose: WebFormConsentPurpose.MARKETING, channel: WebFormConsentChannel.EMAIL, granted: true, textVersion: 'v3' }],
    requestedAppointment: new Date(Date.now() + 5 * DAY),
    region: `Nowhere-${id}`,
    pageUrl: 'https://dealer.example.cz/kodiaq',
    ...overrides,
  };
}

/** The web form posts from a client address; the API passes the caller's (127.0.0.1 in the e2e tests). */
const submit = (input: WebFormInput) => write((em: EntityManager) => submitWebForm(em, input, '127.0.0.1'));
const submissions = async () =>
  (await em().getConnection().execute<Array<{ n: number }>>(`select count(*)::int as n from outbox_event where type = 'WebFormSubmitted'`))[0]!.n;

describe('web-form intake (DOMAIN Story 1 step 2)', () => {
  it('creates the lead and announces the submission with the contact, devices, consents and the contact-request consent', async () => {
    const form = webForm({ deviceIds: [' device-a ', 'device-b', 'device-a'], interest: { model: ' Kodiaq Sportline ' } });
    const lead = await submit(form);
    expect(lead).toMatchObject({
      source: 'WEB_FORM',
      status: 'NEW',
      submissionId: form.submissionId,
      contactName: 'Jana Dvořáková',
      contactEmail: form.email,
      contactPhone: expect.stringMatching(/^\+420777\d{6}$/),
      region: form.region,
      pageUrl: form.pageUrl,
      requestedAppointment: form.requestedAppointment,
      interest: 'Kodiaq Sportline',
      interestProductId: null,
      score: 0,
    });
    expect(lead.ownerId ?? null).toBeNull();
    const events = await outboxOf(orm(), lead.id);
    expect(events.map((e) => e.type)).toEqual(['LeadCreated', 'WebFormSubmitted']);
    expect(events[1]?.payload).toEqual({
      leadId: lead.id,
      aggregateVersion: 1,
      eventVersion: 1,
      submissionId: form.submissionId,
      contact: { firstName: 'Jana', lastName: 'Dvořáková', email: form.email, phone: expect.stringMatching(/^\+420777\d{6}$/) },
      deviceIds: ['device-a', 'device-b'],
      consents: [
        { purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' },
        { purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, textVersion: 'web-form-contact-request' },
      ],
      source: 'web-form',
      requestedAppointment: form.requestedAppointment!.toISOString(),
      interest: { productId: null, model: 'Kodiaq Sportline' },
      region: form.region,
      pageUrl: form.pageUrl,
    });
  });

  it('takes the interest from a product of the catalogue', async () => {
    const product = await write((em) => newProduct(em, `WF-${unique()}`, 'Kodiaq RS', '1249900.00'));
    const lead = await submit(webForm({ interest: { productId: product.id } }));
    expect(lead).toMatchObject({ interest: 'Kodiaq RS', interestProductId: product.id });
  });

  it('returns the same lead for a retried submission, refuses one with other data, and emits nothing new', async () => {
    const form = webForm();
    const first = await submit(form);
    const retry = await submit(form);
    expect(retry).toMatchObject({ id: first.id, contactName: 'Jana Dvořáková', region: form.region });
    const changed = await refusal(submit({ ...form, firstName: 'Changed', region: 'Elsewhere' }));
    expect(changed.code).toBe('CONFLICT');
    expect(changed.message).toMatch(/already received with other data/);
    const announced = await em()
      .getConnection()
      .execute(`select id from outbox_event where type = 'WebFormSubmitted' and payload->>'submissionId' = ?`, [form.submissionId]);
    expect(announced).toHaveLength(1);
    expect(await em().count(Lead, { submissionId: form.submissionId })).toBe(1);
  });

  it('rejects a submission that cannot be followed up, or from an unknown form, creating nothing', async () => {
    const before = await submissions();
    const leads = await em().count(Lead);
    const cases: Array<[Partial<WebFormInput>, RegExp]> = [
      [{ email: null, phone: '  ' }, /e-mail or a phone/],
      [{ email: 'not-an-email' }, /not a valid e-mail/],
      [{ phone: '12' }, /not a valid phone/],
      [{ requestedAppointment: new Date(Date.now() - 3600_000) }, /requestedAppointment must be in the future/],
      [
        {
          consents: [
            { purpose: WebFormConsentPurpose.MARKETING, channel: WebFormConsentChannel.SMS, granted: true, textVersion: 'v1' },
            { purpose: WebFormConsentPurpose.MARKETING, channel: WebFormConsentChannel.SMS, granted: false, textVersion: 'v1' },
          ],
        },
        /given twice/,
      ],
      [
        { consents: [{ purpose: WebFormConsentPurpose.MARKETING, channel: WebFormConsentChannel.SMS, granted: true, textVersion: ' ' }] },
        /textVersion|version of the text/,
      ],
      [{ interest: { productId: randomUUID() } }, /not in the catalogue/],
    ];
    for (const [overrides, message] of cases) {
      const refused = await refusal(submit(webForm(overrides)));
      expect([refused.code, refused.message]).toEqual(['BAD_USER_INPUT', expect.stringMatching(message)]);
    }
    expect((await refusal(submit(webForm({ formKey: 'wf_unknown' })))).code).toBe('FORBIDDEN');
    expect(await submissions()).toBe(before);
    expect(await em().count(Lead)).toBe(leads);
  });
});
