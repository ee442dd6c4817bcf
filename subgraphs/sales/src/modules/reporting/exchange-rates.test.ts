import { describe, expect, it } from '@jest/globals';
import { parseExchangeRates, rateBetween } from './exchange-rates.js';

describe('exchange rates', () => {
  it('reads units of the base per unit and converts between any two configured currencies through the base', () => {
    const { table, problems } = parseExchangeRates('EUR=25.10, PLN=5.95,USD=23', 'CZK');
    expect(problems).toEqual([]);
    expect(rateBetween(table, 'EUR', 'CZK')!.toString()).toBe('25.1');
    expect(rateBetween(table, 'CZK', 'CZK')!.toString()).toBe('1');
    expect(rateBetween(table, 'CZK', 'EUR')!.toFixed(6)).toBe('0.039841');
    expect(rateBetween(table, 'EUR', 'USD')!.toFixed(6)).toBe('1.091304');
    expect(rateBetween(table, 'GBP', 'CZK')).toBeNull();
    expect(rateBetween(table, 'CZK', 'GBP')).toBeNull();
  });

  it('names every bad entry', () => {
    expect(parseExchangeRates('EUR=25.10,eur=3,PLN=0,CZK=1,EUR=26,USD', 'CZK').problems).toEqual([
      'EXCHANGE_RATES: "eur=3" is not CODE=rate (e.g. EUR=25.10: units of CZK per unit)',
      'EXCHANGE_RATES: the rate of PLN must be more than 0',
      'EXCHANGE_RATES: CZK is the base currency (EXCHANGE_RATES_BASE); its rate is 1',
      'EXCHANGE_RATES: EUR is named twice',
      'EXCHANGE_RATES: "USD" is not CODE=rate (e.g. EUR=25.10: units of CZK per unit)',
    ]);
    expect(parseExchangeRates('', 'czk').problems).toEqual(['EXCHANGE_RATES_BASE: must be an ISO 4217 code such as CZK, got "czk"']);
  });
});
