import { defineHandler } from '@crm/kit/consumer.js';
import { FORWARDABLE_EVENT_TYPES } from './webhook.events.js';
import { fanOut, subscribedEventTypes } from './webhook.queue.js';

/** Every event webhooks may carry becomes a delivery for each endpoint that asked for it (webhook.queue.ts). */
export const webhookFanOut = defineHandler({
  name: 'identity.webhook-fan-out',
  on: FORWARDABLE_EVENT_TYPES,
  // Most events no endpoint asked for (every page view, with no partner for it): those take no transaction.
  wanted: subscribedEventTypes,
  async handle(em, event) {
    await fanOut(em, event);
  },
  afterExpiry: { skip: { lost: 'webhook deliveries of the events pruned before identity read them (partners can ask the graph for the current state)' } },
});
