import type { EventHandler } from '../../../../kit/consumer.js';
import type { OutboundChannel } from '../messaging/outbound.channel.js';
import { feedsProjection, projectEvent } from '../projection/projection.handlers.js';
import { rebuildProjections } from '../projection/projection.rebuild.js';
import { exitAllEnrolments } from '../sequence/sequence.service.js';
import { isUuid } from '../../../../kit/ids.js';
import { onCustomerResolved, onFirstOfferSent } from './journey.service.js';

const isCustomerResolved = (e: { stream: string; type: string }) => e.stream === 'identity' && e.type === 'CustomerResolved';
/** The customer withdrew marketing consent (by e-mail or on every channel): no sequence may go on writing. */
const isMarketingWithdrawn = (e: { stream: string; type: string; payload: Record<string, unknown> }) =>
  e.stream === 'identity' &&
  e.type === 'ConsentChanged' &&
  e.payload.purpose === 'MARKETING' &&
  e.payload.status === 'WITHDRAWN' &&
  (e.payload.channel === 'EMAIL' || e.payload.channel === 'ANY') &&
  typeof e.payload.customerId === 'string' &&
  isUuid(e.payload.customerId);
const isFirstOfferSent = (e: { stream: string; type: string; payload: Record<string, unknown> }) =>
  e.stream === 'sales' && e.type === 'OpportunityStageChanged' && e.payload.marker === 'FIRST_OFFER_SENT';

/**
 * One consumer for the projections and the automations that read them: events arrive in bus order,
 * so a consent or quote projected from an earlier event is in place when a later event's rule reads it.
 * (Separate consumers would race each other.)
 */
export function journeyHandler(outbound: OutboundChannel): EventHandler {
  return {
    name: 'marketing.journey',
    handles: (event) => feedsProjection(event) || isCustomerResolved(event),
    async handle(em, event, log) {
      if (feedsProjection(event) && !(await projectEvent(em, event))) {
        log.warn({ eventId: event.id, type: event.type }, 'event lacks the ids its projection needs; ignored');
      }
      if (isMarketingWithdrawn(event)) await exitAllEnrolments(em, String(event.payload.customerId).toLowerCase(), 'marketing consent withdrawn');
      if (isCustomerResolved(event)) await onCustomerResolved(em, outbound, event, log);
      if (isFirstOfferSent(event)) await onFirstOfferSent(em, event, log);
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
  };
}
