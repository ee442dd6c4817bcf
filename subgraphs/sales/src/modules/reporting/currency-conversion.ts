import { Decimal } from 'decimal.js';
import { Field, Float, ObjectType } from 'type-graphql';
import { badInput } from '@crm/kit/errors.js';
import { pgArray } from '@crm/kit/sql.js';
import { sales } from '../../settings.js';
import { CURRENCY_CODE, parseExchangeRates, rateBetween } from './exchange-rates.js';

@ObjectType({ description: 'The rate an amount in `from` was multiplied by to count in the reporting currency' })
export class ExchangeRate {
  @Field() from!: string;
  @Field(() => Float, { description: 'Units of the reporting currency per unit of `from` (EXCHANGE_RATES, through EXCHANGE_RATES_BASE)' })
  rate!: number;
}

@ObjectType({ description: 'How amounts in other currencies entered the totals: converted with the configured rates, or left out' })
export class CurrencyConversion {
  @Field({ description: 'The reporting currency every total is in' }) currency!: string;
  @Field(() => [ExchangeRate], { description: 'The rates used, one per other currency that was counted' }) rates!: ExchangeRate[];
  @Field({ description: 'Some amounts were in another currency and were converted' }) converted!: boolean;
  @Field(() => [String], { description: 'Currencies with no configured rate: their amounts are left out of every total and count' })
  unconvertible!: string[];
}

/** Digits kept of a rate derived through the base (e.g. CZK → EUR = 1 / 25.10). */
const RATE_PLACES = 10;

/**
 * The rates into `currency` of every configured currency, as SQL parameters for
 * `left join unnest(?::text[], ?::numeric[]) as r(currency, rate) on r.currency = o.currency::text`: a row whose
 * currency has no rate joins nothing, so its amount is left out of the sums and reported as unconvertible.
 */
export function ratesInto(currency: string): { sql: string; params: unknown[]; rates: Map<string, Decimal> } {
  if (!CURRENCY_CODE.test(currency)) throw badInput('currency must be an ISO 4217 code such as EUR or CZK', 'currency');
  const settings = sales();
  const { table } = parseExchangeRates(settings.EXCHANGE_RATES, settings.EXCHANGE_RATES_BASE);
  const rates = new Map<string, Decimal>();
  for (const from of new Set([currency, table.base, ...table.perUnit.keys()])) {
    const rate = rateBetween(table, from, currency);
    if (rate) rates.set(from, rate.toDecimalPlaces(RATE_PLACES));
  }
  return {
    sql: 'left join unnest(?::text[], ?::numeric[]) as r(currency, rate) on r.currency = o.currency::text',
    params: [pgArray([...rates.keys()]), pgArray([...rates.values()].map((rate) => rate.toString()))],
    rates,
  };
}

/** What a report tells of its conversion, from the currencies its rows had. */
export function conversionOf(currency: string, rates: Map<string, Decimal>, present: Array<{ currency: string; total: number }>): CurrencyConversion {
  const others = present.filter((row) => row.total > 0 && row.currency !== currency).map((row) => row.currency);
  const used = others.filter((code) => rates.has(code)).sort();
  return {
    currency,
    rates: used.map((from) => ({ from, rate: rates.get(from)!.toNumber() })),
    converted: used.length > 0,
    unconvertible: others.filter((code) => !rates.has(code)).sort(),
  };
}
