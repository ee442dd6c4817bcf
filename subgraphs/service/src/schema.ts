import type { GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from '../../kit/federation.js';
import { CaseResolver, CustomerCasesResolver } from './modules/case/case.resolver.js';
import { customerReference } from './modules/customer/customer.reference.js';

export function buildServiceSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({ resolvers: [CaseResolver, CustomerCasesResolver] }, customerReference);
}
