import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { pgArray } from '../../../../kit/pagination.js';
import { getCustomer } from '../customer/customer.service.js';
import { Consent } from './consent.entity.js';
import type { ConsentHistoryFilter, RecordConsentInput } from './consent.inputs.js';

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

/** The history filter as SQL over the indexed columns; shared by the page and its count. */
export function consentFilterSql(filter: ConsentHistoryFilter | null | undefined): { sql: string; params: unknown[] } | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.purposes?.length) {
    parts.push('purpose = any(?::consent_purpose[])');
    params.push(pgArray(filter.purposes));
  }
  if (filter?.channels?.length) {
    parts.push('channel = any(?::consent_channel[])');
    params.push(pgArray(filter.channels));
  }
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}
