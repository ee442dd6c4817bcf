import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '../../kit/federation.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { CustomerTimelineResolver, InteractionResolver } from './modules/interaction/interaction.resolver.js';

export function buildMarketingSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [InteractionResolver, CustomerTimelineResolver] }, customerReference);
}
