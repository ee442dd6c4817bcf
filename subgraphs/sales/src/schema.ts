import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '../../kit/federation.js';
import { customerReference } from './modules/customer/customer.reference.js';
import { CustomerOpportunitiesResolver, OpportunityResolver } from './modules/opportunity/opportunity.resolver.js';

export function buildSalesSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [OpportunityResolver, CustomerOpportunitiesResolver] }, customerReference);
}
