import { Decimal } from 'decimal.js';

/** An ISO 4217 code as the platform writes it: three capital letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** How many units of the base currency one unit of each other currency is worth (EUR → 25.10 with base CZK). */
export interface ExchangeRateTable {
  base: string;
  perUnit: ReadonlyMap<string, Decimal>;
}

/**
 * Reads EXCHANGE_RATES ("EUR=25.10,PLN=5.95,USD=23.00": units of the base currency per unit) into a table, or says
 * what is wrong with it, one problem per entry (a rate must be a positive number, a code three capital letters, each
 * currency named once and never the base itself).
 */
export function parseExchangeRates(text: string | undefined, base: string): { table: ExchangeRateTable; problems: string[] } {
  const perUnit = new Map<string, Decimal>();
  const problems: string[] = [];
  if (!CURRENCY_CODE.test(base)) problems.push(`EXCHANGE_RATES_BASE: must be an ISO 4217 code such as CZK, got "${base}"`);
  for (const entry of (text ?? '').split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([A-Z]{3})\s*=\s*(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) {
      problems.push(`EXCHANGE_RATES: "${entry}" is not CODE=rate (e.g. EUR=25.10: units of ${base} per unit)`);
      continue;
    }
    const [, code, rate] = match as unknown as [string, string, string];
    if (new Decimal(rate).lte(0)) problems.push(`EXCHANGE_RATES: the rate of ${code} must be more than 0`);
    else if (code === base) problems.push(`EXCHANGE_RATES: ${code} is the base currency (EXCHANGE_RATES_BASE); its rate is 1`);
    else if (perUnit.has(code)) problems.push(`EXCHANGE_RATES: ${code} is named twice`);
    else perUnit.set(code, new Decimal(rate));
  }
  return { table: { base, perUnit }, problems };
}

/** The rate that turns an amount in `from` into `to` through the base, or null when either has no configured rate. */
export function rateBetween(table: ExchangeRateTable, from: string, to: string): Decimal | null {
  if (from === to) return new Decimal(1);
  const unit = (code: string) => (code === table.base ? new Decimal(1) : (table.perUnit.get(code) ?? null));
  const fromUnit = unit(from);
  const toUnit = unit(to);
  return fromUnit && toUnit ? fromUnit.div(toUnit) : null;
}
