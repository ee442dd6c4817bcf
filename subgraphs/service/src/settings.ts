import { count, defineSettings } from '@crm/kit/settings.js';

/** What service reads from the environment (checked when it starts). */
export const serviceSettings = defineSettings('service', {
  SLA_AT_RISK_MINUTES: count(60, 'how long before an SLA deadline a case counts as at risk'),
  SLA_CHECK_INTERVAL_MS: count(60_000, 'how often the SLA job looks for cases at risk'),
});

export const service = () => serviceSettings.read();
