import { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType } from 'type-graphql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { platform } from '@crm/kit/config.js';
import { badInput } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import { localDateOf } from '@crm/kit/local-time.js';
import { Money } from '@crm/kit/scalars.js';
import { getPipeline } from '../pipeline/pipeline.service.js';
import { conversionOf, CurrencyConversion, ratesInto } from './currency-conversion.js';

@ObjectType({ description: 'The open opportunities expected to close in one calendar month' })
export class ForecastMonth {
  @Field({ description: 'The month, e.g. 2026-12' }) month!: string;
  @Field(() => Int) count!: number;
  @Field(() => Money) value!: Money;
  @Field(() => Money, { description: "Sum of amount × probability (the stage's, or the rep's override)" }) weightedValue!: Money;
}

@ObjectType({ description: "Open business by expected close month, from this month on (in the dealer's time zone)" })
export class SalesForecast {
  @Field() currency!: string;
  @Field(() => CurrencyConversion) conversion!: CurrencyConversion;
  @Field(() => [ForecastMonth], { description: 'Every month of the period in order, months with nothing as zero' }) months!: ForecastMonth[];
}

export const MAX_FORECAST_MONTHS = 24;

interface Row {
  month: string | null;
  currency: string | null;
  by_month: boolean;
  total: number;
  count: number;
  value: string;
  weighted: string;
}

/** `count` months from the month `now` falls in, in the dealer's time zone: ["2026-12", "2027-01", …]. */
export function forecastMonths(now: Date, count: number, timeZone = platform().DEALER_TIME_ZONE): string[] {
  const today = localDateOf(now, timeZone);
  return Array.from({ length: count }, (_, i) => {
    const index = today.year * 12 + today.month - 1 + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * Open, unarchived opportunities of the pipeline whose expected close date falls in the period, summed per month
 * (and per currency, to tell what was converted) in one statement; those without a date or expected before this
 * month are not forecast.
 */
export async function salesForecast(
  em: EntityManager,
  args: { pipelineId: string; currency: string; months: number; ownerId?: string | null },
  viewer: Viewer,
  now = new Date(),
): Promise<SalesForecast> {
  if (!Number.isInteger(args.months) || args.months < 1 || args.months > MAX_FORECAST_MONTHS) {
    throw badInput(`months must be from 1 to ${MAX_FORECAST_MONTHS}`, 'months');
  }
  const rates = ratesInto(args.currency);
  const pipeline = await getPipeline(em, args.pipelineId, 'pipelineId');
  const ownerId = args.ownerId ? parseId(args.ownerId, 'User', 'ownerId') : null;
  const months = forecastMonths(now, args.months);
  const [lastYear, lastMonth] = months.at(-1)!.split('-').map(Number) as [number, number];
  const end = lastMonth === 12 ? `${lastYear + 1}-01-01` : `${lastYear}-${String(lastMonth + 1).padStart(2, '0')}-01`;
  const scope = ownerScopeSql(viewer, 'o.owner_id');
  const rows = await em.getConnection().execute<Row[]>(
    `with counted as (
       select to_char(o.expected_close_date, 'YYYY-MM') as month, o.currency::text as currency, r.rate is not null as convertible,
              o.amount * r.rate as value, o.amount * r.rate * coalesce(o.probability_override, s.probability) / 100 as weighted
         from opportunity o
         join pipeline_stage s on s.id = o.stage_id
         ${rates.sql}
        where o.pipeline_id = ? and o.status = 'OPEN' and o.expected_close_date >= ?::date and o.expected_close_date < ?::date
          and o.archived_at is null ${ownerId ? 'and o.owner_id = ?' : ''} and ${scope.sql})
     select month, currency, grouping(month) = 0 as by_month, count(*)::int as total, (count(*) filter (where convertible))::int as count,
            round(coalesce(sum(value), 0), 2) as value, round(coalesce(sum(weighted), 0), 2) as weighted
       from counted
      group by grouping sets ((month), (currency))`,
    [...rates.params, pipeline.id, `${months[0]}-01`, end, ...(ownerId ? [ownerId] : []), ...scope.params],
  );
  const money = (amount: string | undefined): Money => ({ amount: new Decimal(amount ?? '0').toFixed(2), currency: args.currency });
  const byMonth = new Map(rows.filter((row) => row.by_month).map((row) => [row.month, row]));
  return {
    currency: args.currency,
    conversion: conversionOf(
      args.currency,
      rates.rates,
      rows.filter((row) => !row.by_month).map((row) => ({ currency: row.currency!, total: row.total })),
    ),
    months: months.map((month) => {
      const row = byMonth.get(month);
      return { month, count: row?.count ?? 0, value: money(row?.value), weightedValue: money(row?.weighted) };
    }),
  };
}
