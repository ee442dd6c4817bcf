import { defineHandler } from '@crm/kit/consumer.js';
import { DomainError } from '@crm/kit/errors.js';
import type { EventPayload } from '@crm/kit/event-catalog.js';
import type { Logger } from '@crm/kit/logger.js';
import { ConsentChannel, ConsentPurpose, ConsentStatus } from '../consent/consent.entity.js';
import { recordConsent } from '../consent/consent.service.js';
import { CustomerKind } from './customer.entity.js';
import type { IdentifierInput } from './customer.inputs.js';
import { IdentifierKind } from './identifier.entity.js';
import { normalizeIdentifier } from './identifier.normalize.js';
import { matchOrCreateCustomer, recordCustomerResolved } from './identifier.service.js';

type WebFormSubmitted = EventPayload<'WebFormSubmitted'>;

const isOneOf = <T extends string>(values: Record<string, T>, value: string): value is T => Object.values<string>(values).includes(value);

/** The identifiers of the form that can be stored; one malformed value must not lose the whole submission. */
function identifiersOf(form: WebFormSubmitted, log: Logger): IdentifierInput[] {
  const given: IdentifierInput[] = [
    ...(form.contact.email ? [{ kind: IdentifierKind.EMAIL, value: form.contact.email }] : []),
    ...(form.contact.phone ? [{ kind: IdentifierKind.PHONE, value: form.contact.phone }] : []),
    ...form.deviceIds.map((value) => ({ kind: IdentifierKind.DEVICE, value })),
  ];
  return given.filter((identifier) => {
    try {
      normalizeIdentifier(identifier.kind, identifier.value);
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      log.warn({ leadId: form.leadId, kind: identifier.kind }, 'web form identifier skipped: not a valid value of its kind');
      return false;
    }
  });
}

/**
 * DOMAIN Story 1 steps 2–3: the person behind a web form is found (by e-mail, phone or an anonymous
 * device id, so earlier visits join them) or created, their name filled in, every consent of the form
 * recorded with its text version; then CustomerResolved tells the other domains who it is.
 */
export const webFormSubmitted = defineHandler({
  name: 'identity.web-form-submitted',
  on: ['WebFormSubmitted'],
  async handle(em, event, log) {
    const form = event.payload;
    const identifiers = identifiersOf(form, log);
    if (identifiers.length === 0) {
      log.warn({ eventId: event.id, leadId: form.leadId }, 'web form without a usable e-mail, phone or device id; nobody to resolve');
      return;
    }
    const resolution = await matchOrCreateCustomer(em, {
      identifiers,
      profile: { kind: CustomerKind.PERSON, firstName: form.contact.firstName, lastName: form.contact.lastName },
    });
    await em.flush();
    for (const consent of form.consents) {
      if (!isOneOf(ConsentPurpose, consent.purpose) || !isOneOf(ConsentChannel, consent.channel) || !consent.textVersion.trim()) {
        log.warn({ leadId: form.leadId, consent }, 'web form consent skipped: not a known purpose and channel with a text version');
        continue;
      }
      await recordConsent(em, {
        customerId: resolution.customer.id,
        purpose: consent.purpose,
        channel: consent.channel,
        status: consent.granted ? ConsentStatus.GRANTED : ConsentStatus.WITHDRAWN,
        source: 'web-form',
        textVersion: consent.textVersion,
        givenAt: new Date(event.occurredAt),
      });
    }
    recordCustomerResolved(em, resolution, {
      identifiers,
      leadId: form.leadId,
      requestedAppointment: form.requestedAppointment,
      interest: form.interest,
    });
    await em.flush();
  },
  afterExpiry: {
    skip: {
      lost: 'web forms of the missed events were not resolved to customers and their consents were not recorded: their leads stay NEW without a customer (sales: leads(filter: { statuses: [NEW] }))',
    },
  },
});
