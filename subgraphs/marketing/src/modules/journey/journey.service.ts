import type { EntityManager } from '@mikro-orm/postgresql';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import { InteractionChannel as C, InteractionType as T } from '../interaction/interaction.entity.js';
import { linkAnonymousInteractions, linkContactInteractions, recordInteraction } from '../interaction/interaction.service.js';
import { platform } from '@crm/kit/config.js';
import { queueMessage } from '../messaging/message-send.service.js';
import { hasConsent, sentQuotesOf } from '../projection/projection.service.js';
import { Sequence, SequenceEnrolment, SequenceEnrolmentStatus } from '../sequence/sequence.entity.js';
import { endEnrolments, enrolUnlessActive, ensureSequence } from '../sequence/sequence.service.js';
import { appointmentInvite, localAppointment } from './appointment-confirmation.js';

export const WELCOME_SEQUENCE = {
  name: 'Introduce the dealer',
  steps: [
    { channel: C.EMAIL, template: 'welcome-from-your-dealer', delayHours: 0 },
    { channel: C.EMAIL, template: 'meet-your-sales-rep', delayHours: 48 },
    { channel: C.EMAIL, template: 'book-a-test-drive', delayHours: 120 },
  ],
};

export const FIRST_OFFER_SEQUENCE = {
  name: 'After the first offer',
  steps: [
    { channel: C.EMAIL, template: 'your-offer-explained', delayHours: 24 },
    { channel: C.EMAIL, template: 'financing-your-choice', delayHours: 96 },
    { channel: C.EMAIL, template: 'owners-stories', delayHours: 192 },
  ],
};

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : []);

/** May we e-mail marketing to this customer? Read from the consent projection at handling time. */
const marketingEmailAllowed = (em: EntityManager, customerId: string) => hasConsent(em, customerId, 'MARKETING', 'EMAIL');

/**
 * Story 1, steps 2–3, once identity resolved who filled in the web form: what was recorded under the form's phone and
 * e-mail before (a hotline call) and the devices' anonymous history joined to it, the form on the timeline, the
 * confirmation e-mail, and the welcome sequence only with marketing e-mail consent. identity records the form's consents (ConsentChanged) before it
 * emits CustomerResolved, and this runs in the same consumer as the consent projection, so the
 * projection read here already holds the form's consents.
 */
export async function onCustomerResolved(em: EntityManager, event: CatalogEvent<'CustomerResolved'>): Promise<void> {
  const p = event.payload;
  const customerId = p.customerId.toLowerCase();
  // First, before the form's own entry takes the customer's lock: recording and joining lock a phone, then a customer.
  const contacts = [
    { kind: 'EMAIL', value: text(p.email) },
    { kind: 'PHONE', value: text(p.phone) },
  ].flatMap((c) => (c.value ? [{ kind: c.kind, value: c.value }] : []));
  await linkContactInteractions(em, customerId, contacts);
  const leadId = p.leadId;
  if (!leadId) return;
  const interest = p.interest ?? { productId: null, model: null };
  const appointment = p.requestedAppointment ? new Date(p.requestedAppointment) : null;
  const requestedAppointment = appointment && !Number.isNaN(appointment.getTime()) ? appointment : null;
  const deviceIds = strings(p.deviceIds);

  await recordInteraction(em, {
    customerId,
    channel: C.WEB,
    type: T.FORM_SUBMIT,
    occurredAt: new Date(event.occurredAt),
    sourceSystem: event.stream,
    externalEventId: event.id,
    properties: { leadId, requestedAppointment: requestedAppointment?.toISOString() ?? null, interest, deviceIds },
  });
  for (const deviceId of deviceIds) await linkAnonymousInteractions(em, deviceId, customerId);

  if (await marketingEmailAllowed(em, customerId)) {
    await enrolUnlessActive(em, await ensureSequence(em, WELCOME_SEQUENCE), customerId, { leadId, model: text(interest.model) });
  }

  // Queued with the rest of this event's work: it leaves once this commits, and only then (a retried event queues it once).
  const email = text(p.email);
  if (email) {
    const model = text(interest.model);
    await queueMessage(em, {
      customerId,
      purpose: 'SERVICE_COMMUNICATION',
      template: 'appointment-confirmation',
      recipient: email,
      data: {
        firstName: text(p.firstName),
        model,
        appointment: requestedAppointment ? localAppointment(requestedAppointment, platform().DEALER_TIME_ZONE) : null,
      },
      calendar: requestedAppointment ? appointmentInvite({ leadId, requestedAppointment, model }) : null,
    });
  }
}

/** The offer goes to the customer by e-mail with its link (the PDF and the tracking are sales'). */
export async function onQuoteSent(em: EntityManager, event: CatalogEvent<'QuoteSent'>): Promise<void> {
  const p = event.payload;
  const documentUrl = text((p as { documentUrl?: string | null }).documentUrl ?? null);
  if (!documentUrl) return;
  await queueMessage(em, {
    customerId: p.customerId.toLowerCase(),
    purpose: 'SERVICE_COMMUNICATION',
    template: 'quote-sent',
    // quoteId: the PDF is attached when the e-mail leaves (message-delivery.ts).
    data: {
      quoteId: p.quoteId,
      quoteTitle: p.title,
      total: `${p.total.amount} ${p.total.currency}`,
      documentUrl,
      cars: p.products.map((product) => product.name),
    },
  });
}

/** Story 1, step 7: the first offer went out → newsletters personalized from what was quoted, with marketing e-mail consent only. */
export async function onFirstOfferSent(em: EntityManager, event: CatalogEvent<'OpportunityStageChanged'>): Promise<void> {
  const { customerId, opportunityId } = event.payload;
  if (!(await marketingEmailAllowed(em, customerId))) return;
  // Every quote sent in this deal: the newsletters name all the cars offered and every way to pay.
  const quotes = await sentQuotesOf(em, opportunityId.toLowerCase());
  const products = quotes.flatMap((quote) => quote.products);
  await enrolUnlessActive(em, await ensureSequence(em, FIRST_OFFER_SEQUENCE), customerId.toLowerCase(), {
    opportunityId: opportunityId.toLowerCase(),
    quoteId: quotes.at(-1)?.quoteId ?? null,
    quoteIds: quotes.map((quote) => quote.quoteId),
    productNames: [...new Set(products.map((product) => product.name))],
    categories: [...new Set(products.map((product) => product.category).filter((c): c is string => c !== null))],
    financing: quotes.flatMap((quote) => quote.financing),
  });
}

/**
 * Issue 12 / point 3: a deal WON or LOST ends the sales journey's newsletters that lead to it. The customer leaves
 * the welcome sequence and the "first offer sent" sequence of this deal; an enrolment personalized for another
 * opportunity of theirs (still open) stays, as does any sequence outside the sales journey.
 */
export async function onDealClosed(em: EntityManager, event: CatalogEvent<'OpportunityWon' | 'OpportunityLost'>): Promise<void> {
  const customerId = event.payload.customerId.toLowerCase();
  const opportunityId = event.payload.opportunityId.toLowerCase();
  const journeys = await em.find(Sequence, { name: { $in: [WELCOME_SEQUENCE.name, FIRST_OFFER_SEQUENCE.name] } });
  if (journeys.length === 0) return;
  const active = await em.find(SequenceEnrolment, {
    customerId,
    sequenceId: { $in: journeys.map((sequence) => sequence.id) },
    status: SequenceEnrolmentStatus.ACTIVE,
  });
  const forThisDeal = active.filter((enrolment) => {
    const tiedTo = enrolment.personalization?.opportunityId;
    return typeof tiedTo !== 'string' || tiedTo.toLowerCase() === opportunityId;
  });
  await endEnrolments(em, forThisDeal, event.type === 'OpportunityWon' ? 'opportunity won' : 'opportunity lost');
}
