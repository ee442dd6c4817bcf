import { count, defineSettings, fraction } from '@crm/kit/settings.js';

/** What service reads from the environment (checked when it starts). */
export const serviceSettings = defineSettings('service', {
  SLA_AT_RISK_FRACTION: fraction(0.25, "the last part of each SLA deadline's length in which a case counts as at risk (0.25: from minute 45 of 60)"),
  SLA_CHECK_INTERVAL_MS: count(60_000, 'how often the SLA job looks for cases at risk'),
});

export const service = () => serviceSettings.read();
