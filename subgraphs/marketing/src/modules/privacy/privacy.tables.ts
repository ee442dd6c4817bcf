import type { PersonalTable } from '@crm/kit/privacy.js';

const ofCustomer = 'customer_id = any(?::uuid[])';

/**
 * Their timeline, and what is still recorded under one of their phones or e-mails without having joined them (kept
 * in customer_contact, erased after this): a phone or e-mail is personal data even before it is known whose it is.
 * `= any(array(…))` keeps each part on its index.
 */
const interactionsOfCustomer = `${ofCustomer} or (customer_id is null and (
  phone = any(array(select value from customer_contact where kind = 'PHONE' and ${ofCustomer}))
  or email = any(array(select value from customer_contact where kind = 'EMAIL' and ${ofCustomer}))))`;

/**
 * Where marketing keeps a person's data. Copies of other domains' facts (profile, consents, opportunities, quotes)
 * and the timeline go; a sent message stays as a count for its campaign, without address or subject.
 */
export const marketingPersonalData: PersonalTable[] = [
  { table: 'interaction', rowsOf: interactionsOfCustomer, aggregate: true, erase: 'delete' },
  { table: 'survey_response', rowsOf: ofCustomer, aggregate: true, erase: 'delete' },
  { table: 'segment_member', rowsOf: ofCustomer, erase: 'delete' },
  {
    table: 'sequence_enrolment',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: { set: { personalization: "'{}'::jsonb", exit_reason: 'null' }, why: "a sequence's statistics stay" },
  },
  {
    table: 'message_send',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: {
      set: { recipient: "'[erased]'", subject: "'[erased]'", body: "''", data: 'null', attachments: 'null', calendar: 'null', error: 'null' },
      why: "a campaign's sent and bounced counts stay",
    },
  },
  { table: 'quote_snapshot', rowsOf: ofCustomer, erase: 'delete' },
  { table: 'opportunity_state', rowsOf: ofCustomer, erase: 'delete' },
  { table: 'customer_contact', rowsOf: ofCustomer, pageBy: null, erase: 'delete' },
  { table: 'consent_state', rowsOf: ofCustomer, pageBy: null, erase: 'delete' },
  { table: 'customer_profile', rowsOf: 'id = any(?::uuid[])', erase: 'delete' },
];
