import { envInt } from '../../kit/config.js';

/** How long before an SLA deadline a case counts as "at risk" (SLA_AT_RISK_MINUTES, default one hour). */
export const slaAtRiskWindowMinutes = (): number => envInt('SLA_AT_RISK_MINUTES', 60);
