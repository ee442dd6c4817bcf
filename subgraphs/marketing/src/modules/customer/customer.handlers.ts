import type { EventHandler } from '../../../../kit/consumer.js';
import { isUuid } from '../../../../kit/ids.js';
import { moveCustomerData } from './customer.service.js';

/** identity's CustomerMerged: the survivor's 360° view shows what marketing knew about both. */
export const customerMergeHandler: EventHandler = {
  name: 'marketing.customer-merge',
  handles: (event) => event.stream === 'identity' && event.type === 'CustomerMerged',
  async handle(em, event, log) {
    const { survivorId, mergedId } = event.payload;
    if (typeof survivorId !== 'string' || !isUuid(survivorId) || typeof mergedId !== 'string' || !isUuid(mergedId)) {
      log.warn({ eventId: event.id }, 'CustomerMerged without valid ids; ignored');
      return;
    }
    await moveCustomerData(em, mergedId, survivorId);
  },
};
