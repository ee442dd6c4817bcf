import { guardedReference } from '@crm/kit/federation.js';
import type { IdentityContext } from '../../context.js';

export const userReference = guardedReference<IdentityContext>('User', 'staff:read', (id, { loaders }) => loaders.userById.load(id));
