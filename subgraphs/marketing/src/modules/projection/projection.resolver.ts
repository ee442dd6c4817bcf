import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { MarketingContext } from '../../context.js';
import { MarketingProjectionsInput, MarketingProjectionsResult } from './projection.inputs.js';
import { upsertMarketingProjections } from './projection.service.js';
import { Internal } from '../../../../kit/access/decorators.js';

@Resolver()
export class ProjectionResolver {
  @Internal()
  @Mutation(() => MarketingProjectionsResult, {
    description: "Feeds marketing's copies of profile, consent and opportunity facts that segments evaluate; an integration hook until other domains' events do it",
  })
  upsertMarketingProjections(@Arg('input') input: MarketingProjectionsInput, @Ctx() { em }: MarketingContext): Promise<MarketingProjectionsResult> {
    return upsertMarketingProjections(em, input);
  }
}
