import { count, defineSettings, flag, text } from '@crm/kit/settings.js';

/** The default retry schedule: 12 attempts over about 32 hours (ADR 17: at least 24 h before an endpoint is paused). */
export const DEFAULT_RETRY_SCHEDULE = '5,30,120,600,1800,3600,7200,14400,28800,28800,28800';

/** How identity's webhooks deliver (checked when identity starts). */
export const webhookSettings = defineSettings(
  'webhooks',
  {
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag(
      false,
      'lets webhook endpoints be http:// and reach loopback and private addresses (development and tests only; never in production)',
    ),
    WEBHOOK_RETRY_SCHEDULE: text(DEFAULT_RETRY_SCHEDULE, 'seconds to wait before each retry of a failed webhook delivery, comma-separated'),
    WEBHOOK_PAUSE_AFTER_FAILURES: count(10, 'consecutive failed webhook deliveries (with WEBHOOK_PAUSE_AFTER_SECONDS) that pause the endpoint'),
    WEBHOOK_PAUSE_AFTER_SECONDS: count(86_400, 'how long an endpoint must have been failing, with no success, before it is paused'),
    WEBHOOK_TIMEOUT_MS: count(10_000, 'how long a partner endpoint may take to answer a delivery'),
  },
  (settings) =>
    retrySchedule(settings.WEBHOOK_RETRY_SCHEDULE)
      ? []
      : [`WEBHOOK_RETRY_SCHEDULE: must be seconds separated by commas, e.g. 5,30,120 (got "${settings.WEBHOOK_RETRY_SCHEDULE}")`],
);

/** The schedule in milliseconds, or null when it is not a list of positive numbers of seconds. */
export function retrySchedule(value: string): number[] | null {
  const delays = value.split(',').map((part) => Number(part.trim()));
  return delays.length > 0 && delays.every((s) => Number.isFinite(s) && s > 0) ? delays.map((s) => Math.round(s * 1000)) : null;
}

export function webhookConfig() {
  const settings = webhookSettings.read();
  return {
    allowPrivateNetworks: settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    retryDelaysMs: retrySchedule(settings.WEBHOOK_RETRY_SCHEDULE)!,
    pauseAfterFailures: settings.WEBHOOK_PAUSE_AFTER_FAILURES,
    pauseAfterMs: settings.WEBHOOK_PAUSE_AFTER_SECONDS * 1000,
    timeoutMs: settings.WEBHOOK_TIMEOUT_MS,
  };
}
export type WebhookConfig = ReturnType<typeof webhookConfig>;
