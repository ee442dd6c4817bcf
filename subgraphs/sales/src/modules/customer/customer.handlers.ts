import type { EventHandler } from '../../../../kit/consumer.js';
import { isUuid } from '../../../../kit/ids.js';
import { Activity } from '../activity/activity.entity.js';
import { Lead } from '../lead/lead.entity.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { recordOpportunityEvent } from '../opportunity/opportunity.events.js';
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
    // Opportunities change as entities (version bumped, OpportunityChanged for boards and projections)…
    for (const opportunity of await em.find(Opportunity, { customerId: mergedId })) {
      opportunity.customerId = survivorId;
      await recordOpportunityEvent(em, opportunity, 'OpportunityChanged', {
        changedFields: ['customerId'],
        values: { customerId: survivorId, previousCustomerId: mergedId },
      });
    }
    await em.flush();
    // …the other tables that point at a customer move in one statement each, bumping their versions too.
    for (const table of [em.getMetadata(Lead), em.getMetadata(Quote), em.getMetadata(Activity)].map((meta) => meta.tableName)) {
      await em.execute(`update "${table}" set customer_id = ?, version = version + 1, updated_at = now() where customer_id = ?`, [survivorId, mergedId], 'run');
    }
  },
};
