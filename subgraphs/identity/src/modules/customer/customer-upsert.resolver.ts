import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { requirePermission } from '@crm/kit/access/viewer.js';
import { MAX_BULK_ITEMS } from '@crm/kit/bulk.js';
import type { IdentityContext } from '../../context.js';
import { UpsertCustomerInput, UpsertCustomersResult } from './customer-upsert.inputs.js';
import { upsertCustomers } from './customer-upsert.service.js';

@Resolver()
export class CustomerUpsertResolver {
  @Allow('customers:write')
  @Mutation(() => UpsertCustomersResult, {
    description:
      `Creates or updates up to ${MAX_BULK_ITEMS} customers, each found by sourceSystem + externalId (else by one of its e-mails or phones), ` +
      'with their e-mails, phones and consents. All or nothing: any bad item and nothing is written, the error lists every bad item ' +
      '(extensions.items: index, field, message). Sending the same items again changes nothing (UNCHANGED).',
  })
  upsertCustomers(
    @Arg('input', () => [UpsertCustomerInput]) input: UpsertCustomerInput[],
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<UpsertCustomersResult> {
    // Consents a partner brings along are recorded only by a caller who may record consents (as recordConsent).
    if (input.some((item) => item.consents.length > 0)) requirePermission(viewer, 'consents:write', 'record consents');
    return upsertCustomers(em, input);
  }
}
