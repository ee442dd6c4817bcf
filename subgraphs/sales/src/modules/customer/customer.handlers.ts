import type { EventHandler } from '../../../../kit/consumer.js';
import { isUuid } from '../../../../kit/ids.js';
import { Activity } from '../activity/activity.entity.js';
import { Lead } from '../lead/lead.entity.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Quote } from '../quote/quote.entity.js';


/** Two customers became one: their sales history moves to the survivor, so its 360° view shows everything. */
export const customerMerged: EventHandler = {
  name: 'sales.customer-merged',
  handles: (event) => event.stream === 'identity' && event.type === 'CustomerMerged',
  async handle(em, event, log) {
    const { survivorId, mergedId } = event.payload;
    if (typeof survivorId !== 'string' || typeof mergedId !== 'string' || !isUuid(survivorId) || !isUuid(mergedId)) {
      log.warn({ eventId: event.id }, 'CustomerMerged without valid customer ids; nothing moved');
      return;
    }
    // Every sales table that points at a customer.
    await em.nativeUpdate(Opportunity, { customerId: mergedId }, { customerId: survivorId });
    await em.nativeUpdate(Lead, { customerId: mergedId }, { customerId: survivorId });
    await em.nativeUpdate(Quote, { customerId: mergedId }, { customerId: survivorId });
    await em.nativeUpdate(Activity, { customerId: mergedId }, { customerId: survivorId });
  },
};
