/** Money as the dealer reads it: grouped digits, the currency's symbol, no cents on large sums. */
export function money(value: { amount: string; currency: string } | null | undefined): string {
  if (!value) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency: value.currency, maximumFractionDigits: 0 }).format(Number(value.amount));
}

export const count = (value: number) => new Intl.NumberFormat('en').format(value);

export const percent = (value: number | null | undefined) => (value == null ? '—' : `${(value * 100).toFixed(1)} %`);

export const dateTime = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** An enum value as words: SLA_AT_RISK → Sla at risk. */
export const words = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase().replaceAll('_', ' ');
