import type { RetentionRule } from '@crm/kit/retention.js';

/** The delivery log is kept for a month (a replay starts from it); undelivered deliveries are kept until delivered. */
export const webhookRetention: readonly RetentionRule[] = [
  {
    kind: 'webhook-deliveries',
    setting: 'RETENTION_WEBHOOK_DELIVERIES_DAYS',
    defaultDays: 30,
    apply: `delete from webhook_delivery where status = 'DELIVERED' and created_at < ?`,
  },
];
