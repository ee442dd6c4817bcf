import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { MAX_BULK_ITEMS } from '@crm/kit/bulk.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import type { SalesContext } from '../../context.js';
import { UpsertLeadInput, UpsertLeadsResult } from './lead-upsert.inputs.js';
import { upsertLeads } from './lead-upsert.service.js';
import { ChecksStaff } from '@crm/kit/references.js';

@Resolver()
export class LeadUpsertResolver {
  @Allow('leads:write')
  @Mutation(() => UpsertLeadsResult, {
    description:
      `Creates or updates up to ${MAX_BULK_ITEMS} leads, each found by sourceSystem + externalId. All or nothing: any bad item and nothing ` +
      'is written, the error lists every bad item (extensions.items: index, field, message). Sending the same items again changes nothing (UNCHANGED).',
  })
  // Every item's customer in one request to identity: one unknown and none is written; a merged id becomes its survivor.
  @ChecksCustomers('input[].customerId')
  @ChecksStaff('input[].ownerId')
  async upsertLeads(@Arg('input', () => [UpsertLeadInput]) input: UpsertLeadInput[], @Ctx() { em, viewer }: SalesContext): Promise<UpsertLeadsResult> {
    return upsertLeads(em, input, viewer);
  }
}
