import type { PersonalTable } from '@crm/kit/privacy.js';

/**
 * Where identity keeps a person's data. The customer record stays as an empty shell (its id is what the other
 * subgraphs and the audit log hold; merged records point at it), without anything that names or reaches the person.
 */
export const identityPersonalData: PersonalTable[] = [
  { table: 'customer_identifier', rowsOf: 'customer_id = any(?::uuid[])', erase: 'delete' },
  { table: 'customer_consent', rowsOf: 'customer_id = any(?::uuid[])', erase: 'delete' },
  // Webhook deliveries about the person (their own events, and those naming them as the customer): an erased person's
  // data is not sent to partners afterwards, and the log of what was sent goes too.
  { table: 'webhook_delivery', rowsOf: "(aggregate_id = any(?::text[]) or payload->>'customerId' = any(?::text[]))", erase: 'delete' },
  {
    table: 'customer',
    rowsOf: 'id = any(?::uuid[])',
    aggregate: true,
    erase: {
      set: {
        first_name: 'null',
        last_name: 'null',
        organization_name: 'null',
        sort_name: "''",
        birth_date: 'null',
        gender: 'null',
        education: 'null',
        occupation: 'null',
        job_title: 'null',
        industry: 'null',
        archived_at: 'coalesce(archived_at, now())',
      },
      why: 'the id stays: other subgraphs, merged records and the audit log refer to it',
    },
  },
];
