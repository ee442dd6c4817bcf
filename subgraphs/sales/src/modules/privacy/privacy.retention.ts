import type { RetentionRule } from '@crm/kit/retention.js';

/** A disqualified lead's contact is kept two years (a returning inquirer is recognised), then only its numbers stay. */
export const salesRetention: RetentionRule[] = [
  {
    kind: 'closed-unconverted-leads',
    setting: 'RETENTION_CLOSED_LEADS_DAYS',
    defaultDays: 730,
    apply: `update sales_lead set contact_name = null, contact_email = null, contact_phone = null, interest = null, page_url = null, status_reason = null
      where status = 'DISQUALIFIED' and updated_at < ? and (contact_name is not null or contact_email is not null or contact_phone is not null)`,
  },
];
