import { defineHandler } from '@crm/kit/consumer.js';
import { FORWARDABLE_EVENT_TYPES } from './webhook.events.js';
import { fanOut } from './webhook.queue.js';

/** Every event webhooks may carry becomes a delivery for each endpoint that asked for it (webhook.queue.ts). */
export const webhookFanOut = defineHandler({
  name: 'identity.webhook-fan-out',
  on: FORWARDABLE_EVENT_TYPES,
  async handle(em, event) {
    await fanOut(em, event);
  },
  afterExpiry: { skip: { lost: 'webhook deliveries of the events pruned before identity read them (partners can ask the graph for the current state)' } },
});
