import { count, defineSettings, optionalId, optionalText, text } from '@crm/kit/settings.js';
import { parseExchangeRates } from './modules/reporting/exchange-rates.js';

/** What sales reads from the environment (checked when it starts). */
const settings = {
  SALES_DEFAULT_REP_CAPACITY: count(25, 'open leads a rep can hold when a routing rule names no capacity'),
  SALES_LEAD_QUEUE_OWNER_ID: optionalId(
    'the default queue: the manager (user id) who gets web-form leads no routing rule places, with a task to find each an owner; unset leaves them unassigned',
  ),
  ACTIVITY_DUE_CHECK_INTERVAL_MS: count(60_000, 'how often the reminder job looks for activities that have fallen due'),
  WEB_FORM_LIMIT_PER_FORM_PER_MINUTE: count(60, 'submissions one web form accepts per minute'),
  WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE: count(5, 'submissions one client address may send per minute'),
  WEB_FORM_LIMIT_PER_EMAIL_PER_HOUR: count(2, 'submissions naming one e-mail address per hour'),
  QUOTE_LINK_DAYS: count(30, "days a sent quote's link (its page and PDF) opens for the customer"),
  QUOTE_DEALER_DETAILS: optionalText("a line under it: the dealer's address, phone, company number"),
  LEAD_FOLLOW_TOKEN_MINUTES: count(60, "how long the followToken of a web-form submission lets the form's client follow its lead live"),
  EXCHANGE_RATES_BASE: text('CZK', 'the currency EXCHANGE_RATES are quoted in (ISO 4217)'),
  EXCHANGE_RATES: optionalText(
    "rates for reports in another currency than an amount's, as units of EXCHANGE_RATES_BASE per unit: EUR=25.10,PLN=5.95,USD=23.00; a currency without one is left out of converted totals, and they say so",
  ),
};

export const salesSettings = defineSettings('sales', settings, (values) => parseExchangeRates(values.EXCHANGE_RATES, values.EXCHANGE_RATES_BASE).problems);

export const sales = () => salesSettings.read();
