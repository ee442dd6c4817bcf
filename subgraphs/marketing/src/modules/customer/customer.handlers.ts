import { customerMergedHandler } from '@crm/kit/customer-aliases.js';
import { CUSTOMER_COLUMNS, moveCustomerData } from './customer.service.js';

/** identity's CustomerMerged: the survivor's 360° view shows what marketing knew about both. */
export const customerMergeHandler = customerMergedHandler('marketing.customer-merge', {
  columns: [
    ...CUSTOMER_COLUMNS,
    ['message_send', 'customer_id'],
    ['consent_state', 'customer_id'],
    ['segment_member', 'customer_id'],
    ['customer_profile', 'id'],
    ['customer_contact', 'customer_id'],
  ],
  move: (em, mergedId, survivorId) => moveCustomerData(em, mergedId, survivorId),
});
