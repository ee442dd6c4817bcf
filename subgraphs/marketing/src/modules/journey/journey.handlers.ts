import { defineHandler } from '@crm/kit/consumer.js';
import { linkContactInteractions } from '../interaction/interaction.service.js';
import { feedsProjection, projectEvent, PROJECTED_EVENTS } from '../projection/projection.handlers.js';
import { rebuildProjections } from '../projection/projection.rebuild.js';
import { exitAllEnrolments } from '../sequence/sequence.service.js';
import { onCustomerResolved, onDealClosed, onFirstOfferSent, onQuoteSent } from './journey.service.js';

/**
 * One consumer for the projections and the automations that read them: events arrive in bus order,
 * so a consent or quote projected from an earlier event is in place when a later event's rule reads it.
 * (Separate consumers would race each other.)
 */
export function journeyHandler() {
  return defineHandler({
    name: 'marketing.journey',
    on: [...PROJECTED_EVENTS, 'CustomerResolved'],
    async handle(em, event) {
      // Issue 12, point 6: calls and e-mails recorded under a phone or e-mail join whoever identity now links it to.
      // Before the projection takes the customer's lock: recording and joining lock a phone or e-mail, then a customer.
      if (event.type === 'CustomerCreated') await linkContactInteractions(em, event.payload.customerId, event.payload.identifiers);
      if (event.type === 'IdentifierLinked') await linkContactInteractions(em, event.payload.customerId, [event.payload]);
      if (feedsProjection(event)) await projectEvent(em, event);
      switch (event.type) {
        case 'ConsentChanged': {
          // The customer withdrew marketing consent (by e-mail or on every channel): no sequence may go on writing.
          const { purpose, status, channel, customerId } = event.payload;
          if (purpose === 'MARKETING' && status === 'WITHDRAWN' && (channel === 'EMAIL' || channel === 'ANY')) {
            await exitAllEnrolments(em, customerId.toLowerCase(), 'marketing consent withdrawn');
          }
          return;
        }
        case 'CustomerResolved':
          return onCustomerResolved(em, event);
        case 'QuoteSent':
          return onQuoteSent(em, event);
        case 'OpportunityStageChanged':
          if (event.payload.marker === 'FIRST_OFFER_SENT') await onFirstOfferSent(em, event);
          return;
        case 'OpportunityWon':
        case 'OpportunityLost':
          return onDealClosed(em, event);
      }
    },
    afterExpiry: {
      // The projections are read again from their owners; the automations of the missed events (confirmations,
      // enrolments) had their moment then, and are not run late.
      async rebuild(em, graph, log) {
        await rebuildProjections(em, graph, log);
        log.warn(
          { consumer: 'marketing.journey' },
          'journeys of the missed events were not run: confirmations and sequence enrolments of that time are missing',
        );
      },
    },
  });
}
