import { count, defineSettings, optionalId, optionalText } from '@crm/kit/settings.js';

/** What sales reads from the environment (checked when it starts). */
export const salesSettings = defineSettings('sales', {
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
});

export const sales = () => salesSettings.read();
