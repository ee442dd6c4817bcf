import type { PersonalTable } from '@crm/kit/privacy.js';

const ofCustomer = 'customer_id = any(?::uuid[])';

/**
 * Where marketing keeps a person's data. Copies of other domains' facts (profile, consents, opportunities, quotes)
 * and the timeline go; a sent message stays as a count for its campaign, without address or subject.
 */
export const marketingPersonalData: PersonalTable[] = [
  { table: 'interaction', rowsOf: ofCustomer, aggregate: true, erase: 'delete' },
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
