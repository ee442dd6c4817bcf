import type { EventHandler } from '@crm/kit/consumer.js';
import { customerMergedHandler } from '@crm/kit/customer-aliases.js';
import { mergeServiceRecords } from './customer-merge.service.js';

/** identity merged two customers: the survivor's service history must show everything. */
const customerMerged = customerMergedHandler('service.customerMerged', {
  columns: [
    ['support_case', 'customer_id'],
    ['case_message', 'author_customer_id'],
    ['asset', 'customer_id'],
    ['service_contract', 'customer_id'],
  ],
  async move(em, mergedId, survivorId, log) {
    const moved = await mergeServiceRecords(em, survivorId, mergedId);
    log.info({ survivorId, mergedId, ...moved }, 'service records moved to the surviving customer');
  },
});

export const customerHandlers: EventHandler[] = [customerMerged];
