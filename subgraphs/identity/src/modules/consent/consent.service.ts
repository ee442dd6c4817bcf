import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { getCustomer } from '../customer/customer.service.js';
import { Consent } from './consent.entity.js';
import type { RecordConsentInput } from './consent.inputs.js';

/** Appends a consent decision; earlier ones stay as history (never updated). */
export async function recordConsent(em: EntityManager, input: RecordConsentInput): Promise<Consent> {
  const customer = await getCustomer(em, input.customerId);
  const givenAt = input.givenAt ?? new Date();
  if (Number.isNaN(givenAt.getTime())) throw badInput('givenAt is not a valid time', 'givenAt');
  if (givenAt.getTime() > Date.now() + 60_000) throw badInput('givenAt cannot be in the future', 'givenAt');
  const consent = em.create(Consent, {
    customer,
    purpose: input.purpose,
    channel: input.channel,
    status: input.status,
    source: input.source.trim(),
    textVersion: input.textVersion.trim(),
    givenAt,
  });
  recordEvent(em, {
    type: 'ConsentChanged',
    aggregateId: customer.id,
    payload: {
      customerId: customer.id,
      consentId: consent.id,
      purpose: consent.purpose,
      channel: consent.channel,
      status: consent.status,
      source: consent.source,
      textVersion: consent.textVersion,
      givenAt: givenAt.toISOString(),
      recordedAt: consent.recordedAt.toISOString(),
    },
  });
  await em.flush();
  return consent;
}
