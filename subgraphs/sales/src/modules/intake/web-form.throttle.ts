import { createHmac, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { platformSecret } from '@crm/kit/config.js';
import { sales } from '../../settings.js';
import { DomainError } from '@crm/kit/errors.js';
import { WebForm, WebFormSubmission } from './web-form.entity.js';

/** How many submissions pass, per form, per client address and per e-mail address (configurable). */
export function webFormLimits() {
  const settings = sales();
  return {
    perFormPerMinute: settings.WEB_FORM_LIMIT_PER_FORM_PER_MINUTE,
    perAddressPerMinute: settings.WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE,
    perEmailPerHour: settings.WEB_FORM_LIMIT_PER_EMAIL_PER_HOUR,
  };
}

export const newWebFormKey = () => `wf_${randomBytes(12).toString('base64url')}`;

/** Keyed with the platform's secret: the same address always hashes the same here, and nowhere else. */
const keyedHash = (value: string) => createHmac('sha256', platformSecret()).update(value).digest('hex');

const limited = (message: string, retryAfterSeconds: number) => new DomainError('RATE_LIMITED', message, { retryAfterSeconds });

/**
 * Counts this submission to `form` once it fits every limit. Callers sharing an address or naming the same e-mail
 * wait for each other (advisory locks), so a burst cannot overshoot.
 */
export async function admitSubmission(em: EntityManager, form: WebForm, clientAddress: string | null, email: string | null): Promise<void> {
  const limits = webFormLimits();
  const addressHash = clientAddress ? keyedHash(`ip:${clientAddress}`) : null;
  const emailHash = email ? keyedHash(`email:${email}`) : null;
  for (const key of [addressHash, emailHash]) {
    if (key) await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key], 'all');
  }
  const since = (ms: number) => new Date(Date.now() - ms);
  if ((await em.count(WebFormSubmission, { formId: form.id, submittedAt: { $gt: since(60_000) } })) >= limits.perFormPerMinute) {
    throw limited('This form is receiving too many submissions; try again in a minute', 60);
  }
  if (addressHash && (await em.count(WebFormSubmission, { addressHash, submittedAt: { $gt: since(60_000) } })) >= limits.perAddressPerMinute) {
    throw limited('Too many submissions from your address; try again in a minute', 60);
  }
  if (emailHash && (await em.count(WebFormSubmission, { emailHash, submittedAt: { $gt: since(3_600_000) } })) >= limits.perEmailPerHour) {
    throw limited('This e-mail address was given too often in the last hour; the dealer already has your request', 3600);
  }
  em.create(WebFormSubmission, { formId: form.id, addressHash, emailHash });
}

/** The form a key names, if it takes submissions. */
export async function activeForm(em: EntityManager, formKey: string): Promise<WebForm> {
  const form = await em.findOne(WebForm, { publicKey: formKey.trim() });
  if (!form || !form.active)
    throw new DomainError('FORBIDDEN', 'This form key is unknown or switched off: use the key the dealer gave the form', { field: 'formKey' });
  return form;
}

/** Erasure: the counts kept for these e-mail addresses go (their hashes are personal data too). */
export async function forgetSubmissionsOf(em: EntityManager, emails: string[]): Promise<number> {
  if (emails.length === 0) return 0;
  return em.nativeDelete(WebFormSubmission, { emailHash: { $in: emails.map((email) => keyedHash(`email:${email}`)) } });
}

/** Throttling needs a day of history at most. */
export async function forgetOldSubmissions(em: EntityManager): Promise<number> {
  return em.nativeDelete(WebFormSubmission, { submittedAt: { $lt: new Date(Date.now() - 24 * 3_600_000) } });
}
