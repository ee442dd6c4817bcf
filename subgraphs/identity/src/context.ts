import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '@crm/kit/context.js';
import { createConsentLoaders } from './modules/consent/consent.loaders.js';
import { createCustomerLoaders } from './modules/customer/customer.loaders.js';
import { createUserLoaders } from './modules/staff/user.loaders.js';
import { createWebhookLoaders } from './modules/webhooks/webhook.loaders.js';

export function createIdentityLoaders(em: EntityManager) {
  return { ...createCustomerLoaders(em), ...createConsentLoaders(em), ...createUserLoaders(em), ...createWebhookLoaders(em) };
}

export type IdentityContext = RequestContext<ReturnType<typeof createIdentityLoaders>>;
