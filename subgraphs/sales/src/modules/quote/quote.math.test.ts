import { describe, expect, it } from '@jest/globals';
import { annuityPayment, cashFigures, cents, instalmentSchedule, leaseFigures, lineAmounts, loanFigures, quoteTotals } from './quote.math.js';

describe('financing', () => {
  it('pays a loan as an annuity (PMT(1%, 12, -100000) = 8884.88)', () => {
    expect(loanFigures('100000', '0', '12', 12)).toEqual({
      financedAmount: '100000.00',
      monthlyPayment: '8884.88',
      totalPaid: '106618.55',
      totalInterest: '6618.55',
    });
  });

  it('subtracts the down payment before financing', () => {
    expect(loanFigures('899900', '179980', '4.9', 60)).toEqual({
      financedAmount: '719920.00',
      monthlyPayment: '13552.82',
      totalPaid: '993149.23',
      totalInterest: '93249.23',
    });
  });

  it('divides evenly at a zero rate', () => {
    expect(loanFigures('12000', '0', '0', 7)).toMatchObject({ monthlyPayment: '1714.29', totalPaid: '12000.00', totalInterest: '0.00' });
  });

  it('leases with a balloon (PMT(0.5%, 36, -30000, 10000) = 658.44)', () => {
    expect(leaseFigures('30000', '0', '10000', '6', 36)).toEqual({
      financedAmount: '30000.00',
      monthlyPayment: '658.44',
      totalPaid: '33703.79',
      totalInterest: '3703.79',
    });
    expect(leaseFigures('30000', '0', '9000', '0', 30).monthlyPayment).toBe('700.00');
  });

  it('rounds only at the end, half-up', () => {
    expect(annuityPayment('100000', '12', 12).toFixed(6)).toBe('8884.878868');
    expect(cents('0.005')).toBe('0.01');
    expect(cents('2.675')).toBe('2.68'); // a float would give 2.67
    expect(cashFigures('899900')).toEqual({ financedAmount: '0.00', monthlyPayment: null, totalPaid: '899900.00', totalInterest: '0.00' });
  });
});

describe('quote totals', () => {
  it('sums lines exactly and taxes what remains after discounts', () => {
    const car = lineAmounts(1, '899900.00', { percent: '5' });
    const insurance = lineAmounts(3, '0.10', { amount: '0.05' });
    expect(car).toEqual({ gross: '899900.00', discount: '44995.00', net: '854905.00' });
    expect(insurance).toEqual({ gross: '0.30', discount: '0.05', net: '0.25' });
    expect(quoteTotals([car, insurance], '21')).toEqual({
      subtotal: '899900.30',
      discount: '44995.05',
      tax: '179530.10',
      total: '1034435.35',
    });
  });
});

describe('instalment schedule', () => {
  it('pays the monthly payment each month, interest on what is left, and ends at 0 for a loan', () => {
    const rows = instalmentSchedule('100000', '12', 12);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({ month: 1, instalment: '8884.88', interest: '1000.00', principal: '7884.88', balance: '92115.12' });
    expect(rows.slice(0, 11).every((row) => row.instalment === loanFigures('100000', '0', '12', 12).monthlyPayment)).toBe(true);
    expect(rows[11]?.balance).toBe('0.00');
    const principal = rows.reduce((sum, row) => sum + Math.round(Number(row.principal) * 100), 0);
    expect(principal).toBe(10_000_000);
  });

  it('leaves exactly the residual value of a lease, and has no interest at 0 %', () => {
    const lease = instalmentSchedule('30000', '5', 30, '9000');
    expect(lease[0]?.instalment).toBe(leaseFigures('30000', '0', '9000', '5', 30).monthlyPayment);
    expect(lease.at(-1)?.balance).toBe('9000.00');
    expect(instalmentSchedule('30000', '0', 30, '9000').map((row) => row.interest)).toEqual(Array(30).fill('0.00'));
  });
});
