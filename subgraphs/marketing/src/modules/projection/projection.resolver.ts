import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { MarketingContext } from '../../context.js';
import { MarketingProjectionsInput, MarketingProjectionsResult } from './projection.inputs.js';
import { upsertMarketingProjections } from './projection.service.js';
import { Internal } from '@crm/kit/access/decorators.js';
import { checkCustomerReferences } from '@crm/kit/customer-references.js';

@Resolver()
export class ProjectionResolver {
  @Internal()
  @Mutation(() => MarketingProjectionsResult, {
    description: "Feeds profile facts no domain owns (city, language, occupation) for segments; the platform's integrations only",
  })
  async upsertMarketingProjections(
    @Arg('input') input: MarketingProjectionsInput,
    @Ctx() { em, graph }: MarketingContext,
  ): Promise<MarketingProjectionsResult> {
    const live = await checkCustomerReferences(
      graph,
      input.profiles.map((profile, index) => ({ index, field: 'customerId', id: profile.customerId })),
    );
    for (const profile of input.profiles) profile.customerId = live.get(profile.customerId.toLowerCase()) ?? profile.customerId;
    return upsertMarketingProjections(em, input);
  }
}
