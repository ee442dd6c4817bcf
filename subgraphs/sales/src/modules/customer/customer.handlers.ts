import type { EntityManager } from '@mikro-orm/postgresql';
import { customerMergedHandler } from '@crm/kit/customer-aliases.js';
import { Activity } from '../activity/activity.entity.js';
import { Lead } from '../lead/lead.entity.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { recordOpportunityEvent } from '../opportunity/opportunity.events.js';
import { Quote } from '../quote/quote.entity.js';

/** Two customers became one: their sales history moves to the survivor, so its 360° view shows everything. */
async function moveSalesRecords(em: EntityManager, mergedId: string, survivorId: string): Promise<void> {
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
  for (const table of salesCustomerTables(em)) {
    await em.execute(`update "${table}" set customer_id = ?, version = version + 1, updated_at = now() where customer_id = ?`, [survivorId, mergedId], 'run');
  }
}

const salesCustomerTables = (em: EntityManager) => [em.getMetadata(Lead), em.getMetadata(Quote), em.getMetadata(Activity)].map((meta) => meta.tableName);

export const customerMerged = customerMergedHandler('sales.customer-merged', {
  columns: [
    ['opportunity', 'customer_id'],
    ['sales_lead', 'customer_id'],
    ['quote', 'customer_id'],
    ['sales_activity', 'customer_id'],
  ],
  move: moveSalesRecords,
});
