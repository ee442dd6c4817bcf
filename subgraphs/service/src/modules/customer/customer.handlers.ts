import type { EventHandler } from '../../../../kit/consumer.js';
import { isUuid } from '../../../../kit/ids.js';
import { mergeServiceRecords } from './customer-merge.service.js';

const isCustomerId = (value: unknown): value is string => typeof value === 'string' && isUuid(value);

/** identity merged two customers: the survivor's service history must show everything. */
export const customerMergedHandler: EventHandler = {
  name: 'service.customerMerged',
  handles: (event) => event.stream === 'identity' && event.type === 'CustomerMerged',
  async handle(em, event, log) {
    const { survivorId, mergedId } = event.payload;
    // A malformed event can never apply: retrying it would only stall every later event.
    if (!isCustomerId(survivorId) || !isCustomerId(mergedId) || survivorId.toLowerCase() === mergedId.toLowerCase()) {
      log.warn({ eventId: event.id, payload: event.payload }, 'CustomerMerged without two distinct customer ids; skipped');
      return;
    }
    const moved = await mergeServiceRecords(em, survivorId.toLowerCase(), mergedId.toLowerCase());
    log.info({ eventId: event.id, survivorId, mergedId, ...moved }, 'service records moved to the surviving customer');
  },
};

export const customerHandlers: EventHandler[] = [customerMergedHandler];
