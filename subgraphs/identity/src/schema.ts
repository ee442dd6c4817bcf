import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '../../kit/federation.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { CustomerResolver } from './modules/customer/customer.resolver.js';
import { userReference } from './modules/staff/user.reference.js';
import { UserResolver } from './modules/staff/user.resolver.js';

export function buildIdentitySchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    { resolvers: [CustomerResolver, UserResolver] },
    { ...customerReference, ...userReference },
  );
}
