import { defineHandler } from '@crm/kit/consumer.js';
import { pgArray } from '@crm/kit/sql.js';
import { erasePersonalData, erasureHandler } from '@crm/kit/privacy.js';
import { identityPersonalData } from './privacy.tables.js';
import { recordErasureProgress } from './privacy.service.js';

/** Identity's own part of an erasure, run like every subgraph's. */
export const identityErasure = erasureHandler('identity', (em, customerIds) => erasePersonalData(em, identityPersonalData, customerIds));

/**
 * Each subgraph's report (CustomerDataErased) moves its erasure request on. Before it, in the same order, come the
 * records that subgraph erased (CustomerAggregatesErased): the deliveries of their events to partners go too, as the
 * person's own do (privacy.tables.ts). A web form's submission, its lead and a visit before the person was known name
 * their lead or interaction, not the customer, and carry the contact and the device. One consumer for both, so that
 * a request is COMPLETED only once those deliveries are gone.
 */
export const erasureProgress = defineHandler({
  name: 'identity.erasure-progress',
  on: ['CustomerAggregatesErased', 'CustomerDataErased'],
  async handle(em, event, log) {
    if (event.type === 'CustomerAggregatesErased') {
      const { erasureId, subgraph, aggregateIds } = event.payload;
      const deleted = await em.execute<{ affectedRows: number }>(
        'delete from webhook_delivery where aggregate_id = any(?::text[])',
        [pgArray(aggregateIds)],
        'run',
      );
      if (deleted.affectedRows > 0) log.info({ erasureId, subgraph, deliveries: deleted.affectedRows }, 'webhook deliveries of erased records deleted');
      return;
    }
    const { erasureId, subgraph, counts } = event.payload;
    await recordErasureProgress(em, erasureId, subgraph, counts);
  },
  afterExpiry: {
    skip: {
      lost: "reports of erasures in the missed events: those requests stay IN_PROGRESS; the subgraphs re-report when they run them again (the deliveries of their records stay until the delivery log's retention)",
    },
  },
});
