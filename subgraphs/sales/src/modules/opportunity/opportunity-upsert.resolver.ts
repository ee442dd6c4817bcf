import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { MAX_BULK_ITEMS } from '@crm/kit/bulk.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import type { SalesContext } from '../../context.js';
import { UpsertOpportunitiesResult, UpsertOpportunityInput } from './opportunity-upsert.inputs.js';
import { upsertOpportunities } from './opportunity-upsert.service.js';
import { ChecksStaff } from '@crm/kit/references.js';

@Resolver()
export class OpportunityUpsertResolver {
  @Allow('opportunities:write')
  @Mutation(() => UpsertOpportunitiesResult, {
    description:
      `Creates or updates up to ${MAX_BULK_ITEMS} opportunities, each found by sourceSystem + externalId. All or nothing: any bad item and ` +
      'nothing is written, the error lists every bad item (extensions.items: index, field, message). Sending the same items again changes ' +
      'nothing (UNCHANGED).',
  })
  // Every item's customer in one request to identity: one unknown and none is written; a merged id becomes its survivor.
  @ChecksCustomers('input[].customerId')
  @ChecksStaff('input[].ownerId')
  async upsertOpportunities(
    @Arg('input', () => [UpsertOpportunityInput]) input: UpsertOpportunityInput[],
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<UpsertOpportunitiesResult> {
    return upsertOpportunities(em, input, viewer);
  }
}
