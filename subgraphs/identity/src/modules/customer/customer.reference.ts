import { guardedReference } from '@crm/kit/federation.js';
import type { IdentityContext } from '../../context.js';

/** How other subgraphs' `Customer { id }` references become full customers, batched per request. */
export const customerReference = guardedReference<IdentityContext>('Customer', 'customers:read', (id, { loaders }) => loaders.customerById.load(id));
