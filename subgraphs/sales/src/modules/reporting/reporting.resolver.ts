import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import type { SalesContext } from '../../context.js';
import { ConversionFunnel, conversionFunnel, FunnelGrouping } from './conversion-funnel.js';
import { QuotesOpened, quotesOpened } from './quotes-opened.js';
import { SalesForecast, salesForecast } from './sales-forecast.js';

/** The sales dashboard's numbers, each one statement in sales' own database (pipelineSummary is in the pipeline module). */
@Resolver()
export class SalesReportingResolver {
  @Allow('opportunities:read')
  @Query(() => SalesForecast, { description: 'Open opportunities by expected close month, from this month on, in one reporting currency' })
  salesForecast(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('currency', { description: 'The reporting currency: amounts in others are converted with the configured rates; see conversion' }) currency: string,
    @Arg('months', () => Int, { defaultValue: 6, description: 'How many months, this one first (1–24)' }) months: number,
    @Arg('ownerId', () => ID, { nullable: true }) ownerId: string | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<SalesForecast> {
    return salesForecast(em, { pipelineId, currency, months, ownerId }, viewer);
  }

  @Allow('leads:read')
  @Query(() => ConversionFunnel, { description: 'Leads created in [from, to): how many became opportunities and how many of those are won, by source or rep' })
  conversionFunnel(
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Arg('groupBy', () => FunnelGrouping, { defaultValue: FunnelGrouping.SOURCE }) groupBy: FunnelGrouping,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<ConversionFunnel> {
    return conversionFunnel(em, from, to, groupBy, viewer);
  }

  @Allow('quotes:read')
  @Query(() => QuotesOpened, { description: "Quotes customers opened since a moment (by default since the start of today in the dealer's time zone)" })
  quotesOpened(@Arg('since', () => Date, { nullable: true }) since: Date | null, @Ctx() { em, viewer }: SalesContext): Promise<QuotesOpened> {
    return quotesOpened(em, since, viewer);
  }
}
