import { envInt } from '../../kit/config.js';

/** How long before an SLA deadline a case counts as "at risk" (SLA_AT_RISK_MINUTES, default one hour). */
export const slaAtRiskWindowMinutes = (): number => envInt('SLA_AT_RISK_MINUTES', 60);

/** How often the SLA job looks for cases at risk (SLA_CHECK_INTERVAL_MS, default one minute). */
export const slaCheckIntervalMs = (): number => envInt('SLA_CHECK_INTERVAL_MS', 60_000);
