import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Allow, Internal } from '@crm/kit/access/decorators.js';
import type { IdentityContext } from '../../context.js';
import { ErasureRequest } from './erasure-request.entity.js';
import { erasuresOwedBy, exportCustomerData, getErasureRequest, requestErasure } from './privacy.service.js';

@Resolver()
export class PrivacyResolver {
  @Allow('privacy:manage')
  @Query(() => GraphQLJSON, {
    description:
      'Right of access and portability: everything every subgraph holds about the person (and the records merged into them), as one JSON document. Audited',
  })
  exportCustomerData(@Arg('customerId', () => ID) customerId: string, @Ctx() { em, graph, viewer, requestId }: IdentityContext): Promise<unknown> {
    return exportCustomerData(em, graph, customerId, viewer, requestId);
  }

  @Allow('privacy:manage')
  @Mutation(() => ErasureRequest, {
    description:
      'Right to erasure: every subgraph deletes (or anonymizes where the law requires keeping a record) the person’s data, also of merged records, and redacts retained events. Follow erasureRequest until COMPLETED',
  })
  eraseCustomer(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('reason') reason: string,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<ErasureRequest> {
    return requestErasure(em, customerId, reason, viewer);
  }

  @Allow('privacy:manage')
  @Query(() => ErasureRequest, { description: 'An erasure and how far each subgraph has carried it out' })
  erasureRequest(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<ErasureRequest> {
    return getErasureRequest(em, id);
  }

  @Internal()
  @Query(() => [ErasureRequest], { description: 'The erasures a subgraph has not reported done' })
  erasuresOwedBy(@Arg('subgraph') subgraph: string, @Ctx() { em }: IdentityContext): Promise<ErasureRequest[]> {
    return erasuresOwedBy(em, subgraph);
  }
}
