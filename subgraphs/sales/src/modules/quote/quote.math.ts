import { Decimal } from 'decimal.js';
import { cents } from '../../money.js';

export { cents };

/** Exact arithmetic with enough precision for (1+r)^n over long terms; money is rounded half-up to cents only at the end. */
const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Value = Decimal.Value;

export interface LineAmounts {
  gross: string;
  discount: string;
  net: string;
}

/** quantity × unit price, less a discount given either in percent or as an amount. */
export function lineAmounts(quantity: number, unitPrice: Value, discount: { percent?: Value | null; amount?: Value | null }): LineAmounts {
  const gross = new Exact(unitPrice).times(quantity);
  const off = discount.percent != null ? gross.times(discount.percent).div(100) : new Exact(discount.amount ?? 0);
  const rounded = new Exact(cents(off));
  return { gross: cents(gross), discount: cents(rounded), net: cents(gross.minus(rounded)) };
}

export interface QuoteTotals {
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
}

/** Subtotal and discounts are sums of the lines; tax applies to what remains. */
export function quoteTotals(lines: LineAmounts[], taxRatePercent: Value): QuoteTotals {
  const sum = (pick: (line: LineAmounts) => string) => lines.reduce((acc, line) => acc.plus(pick(line)), new Exact(0));
  const subtotal = sum((l) => l.gross);
  const discount = sum((l) => l.discount);
  const tax = new Exact(cents(subtotal.minus(discount).times(taxRatePercent).div(100)));
  return { subtotal: cents(subtotal), discount: cents(discount), tax: cents(tax), total: cents(subtotal.minus(discount).plus(tax)) };
}

/**
 * Monthly payment of an annuity that leaves `balloon` unpaid after n months:
 * (P − B/(1+r)^n)·r / (1 − (1+r)^−n) with r the monthly rate; (P − B)/n when r = 0.
 */
export function annuityPayment(principal: Value, annualRatePercent: Value, termMonths: number, balloon: Value = 0): Decimal {
  const r = new Exact(annualRatePercent).div(100).div(12);
  const p = new Exact(principal);
  if (r.isZero()) return p.minus(balloon).div(termMonths);
  const growth = r.plus(1).pow(termMonths);
  return p
    .minus(new Exact(balloon).div(growth))
    .times(r)
    .div(new Exact(1).minus(new Exact(1).div(growth)));
}

export interface FinancingFigures {
  financedAmount: string;
  monthlyPayment: string | null;
  totalPaid: string;
  totalInterest: string;
}

export const cashFigures = (total: Value): FinancingFigures => ({
  financedAmount: cents(0),
  monthlyPayment: null,
  totalPaid: cents(total),
  totalInterest: cents(0),
});

/** A loan: the price less the down payment, repaid in equal monthly instalments. */
export function loanFigures(total: Value, downPayment: Value, annualRatePercent: Value, termMonths: number): FinancingFigures {
  const financed = new Exact(total).minus(downPayment);
  const monthly = annuityPayment(financed, annualRatePercent, termMonths);
  const paid = monthly.times(termMonths);
  return {
    financedAmount: cents(financed),
    monthlyPayment: cents(monthly),
    totalPaid: cents(paid.plus(downPayment)),
    totalInterest: cents(paid.minus(financed)),
  };
}

/** A lease: instalments cover all but the residual value, which is paid (or the car returned) at the end. */
export function leaseFigures(total: Value, downPayment: Value, residualValue: Value, annualRatePercent: Value, termMonths: number): FinancingFigures {
  const financed = new Exact(total).minus(downPayment);
  const monthly = annuityPayment(financed, annualRatePercent, termMonths, residualValue);
  const paid = monthly.times(termMonths).plus(residualValue);
  return {
    financedAmount: cents(financed),
    monthlyPayment: cents(monthly),
    totalPaid: cents(paid.plus(downPayment)),
    totalInterest: cents(paid.minus(financed)),
  };
}

export interface Instalment {
  month: number;
  instalment: string;
  interest: string;
  principal: string;
  balance: string;
}

/**
 * Month by month, the instalments of a loan or lease (what its document shows): each pays the month's interest on
 * what is left and repays the rest; every instalment is the monthly payment (`annuityPayment` in cents) but the last,
 * which leaves exactly the residual value (a lease's; 0 for a loan) whatever the rounding of the months before.
 */
export function instalmentSchedule(financed: Value, annualRatePercent: Value, termMonths: number, residualValue: Value = 0): Instalment[] {
  const rate = new Exact(annualRatePercent).div(100).div(12);
  const payment = new Exact(cents(annuityPayment(financed, annualRatePercent, termMonths, residualValue)));
  let balance = new Exact(cents(financed));
  const rows: Instalment[] = [];
  for (let month = 1; month <= termMonths; month++) {
    const interest = new Exact(cents(balance.times(rate)));
    const principal = month === termMonths ? balance.minus(residualValue) : payment.minus(interest);
    balance = balance.minus(principal);
    rows.push({ month, instalment: cents(principal.plus(interest)), interest: cents(interest), principal: cents(principal), balance: cents(balance) });
  }
  return rows;
}
