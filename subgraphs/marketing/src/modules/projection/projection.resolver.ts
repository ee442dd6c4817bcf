import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { MarketingContext } from '../../context.js';
import { MarketingProjectionsInput, MarketingProjectionsResult } from './projection.inputs.js';
import { upsertMarketingProjections } from './projection.service.js';
import { Internal } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@Resolver()
export class ProjectionResolver {
  @Internal()
  @Mutation(() => MarketingProjectionsResult, {
    description: "Feeds profile facts no domain owns (city, language, occupation) for segments; the platform's integrations only",
  })
  @ChecksCustomers('input.profiles[].customerId')
  async upsertMarketingProjections(@Arg('input') input: MarketingProjectionsInput, @Ctx() { em }: MarketingContext): Promise<MarketingProjectionsResult> {
    return upsertMarketingProjections(em, input);
  }
}
