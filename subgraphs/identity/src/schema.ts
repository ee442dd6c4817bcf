import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '@crm/kit/federation.js';
import { ConsentResolver, CustomerConsentResolver } from './modules/consent/consent.resolver.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { CustomerResolver } from './modules/customer/customer.resolver.js';
import { CustomerUpsertResolver } from './modules/customer/customer-upsert.resolver.js';
import { TeamResolver } from './modules/staff/team.resolver.js';
import { userReference } from './modules/staff/user.reference.js';
import { UserResolver } from './modules/staff/user.resolver.js';
import { AccessResolver } from './modules/access/access.resolver.js';
import { CallerResolver } from './modules/access/caller.resolver.js';
import { AuditResolver } from './modules/audit/audit.resolver.js';
import { PrivacyResolver } from './modules/privacy/privacy.resolver.js';
import { WebhookResolver } from './modules/webhooks/webhook.resolver.js';

export function buildIdentitySchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [
        CustomerResolver,
        CustomerUpsertResolver,
        CustomerConsentResolver,
        ConsentResolver,
        UserResolver,
        TeamResolver,
        AccessResolver,
        CallerResolver,
        AuditResolver,
        PrivacyResolver,
        WebhookResolver,
      ],
    },
    { ...customerReference, ...userReference },
  );
}
