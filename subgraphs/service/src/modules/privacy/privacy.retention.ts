import type { RetentionRule } from '@crm/kit/retention.js';

/** What was written in a case is kept three years after it was resolved (warranty claims), then only its timing. */
export const serviceRetention: RetentionRule[] = [
  {
    kind: 'resolved-case-messages',
    setting: 'RETENTION_RESOLVED_CASE_MESSAGES_DAYS',
    defaultDays: 1095,
    apply: `update case_message set body = '[expired]'
      where body <> '[expired]' and case_id in (select id from support_case where resolved_at is not null and resolved_at < ?)`,
  },
];
