import { count, defineSettings, optionalId } from '@crm/kit/settings.js';

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
});

export const sales = () => salesSettings.read();
