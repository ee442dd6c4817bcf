import { defineHandler } from '@crm/kit/consumer.js';
import { erasePersonalData, erasureHandler } from '@crm/kit/privacy.js';
import { identityPersonalData } from './privacy.tables.js';
import { recordErasureProgress } from './privacy.service.js';

/** Identity's own part of an erasure, run like every subgraph's. */
export const identityErasure = erasureHandler('identity', (em, customerIds) => erasePersonalData(em, identityPersonalData, customerIds));

/** Each subgraph's report (CustomerDataErased) moves its erasure request on. */
export const erasureProgress = defineHandler({
  name: 'identity.erasure-progress',
  on: ['CustomerDataErased'],
  async handle(em, event) {
    const { erasureId, subgraph, counts } = event.payload;
    await recordErasureProgress(em, erasureId, subgraph, counts);
  },
  afterExpiry: {
    skip: { lost: 'reports of erasures in the missed events: those requests stay IN_PROGRESS; the subgraphs re-report when they run them again' },
  },
});
