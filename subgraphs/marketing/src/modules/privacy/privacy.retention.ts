import type { RetentionRule } from '@crm/kit/retention.js';

/** Web visits never tied to a person: useful for segments for a year, then gone. */
export const marketingRetention: RetentionRule[] = [
  {
    kind: 'anonymous-interactions',
    setting: 'RETENTION_ANONYMOUS_INTERACTIONS_DAYS',
    defaultDays: 395,
    apply: 'delete from interaction where customer_id is null and occurred_at < ?',
  },
];
