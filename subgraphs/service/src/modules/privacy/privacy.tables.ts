import type { PersonalTable } from '@crm/kit/privacy.js';

const ERASED = "'[erased]'";
const ofCustomer = 'customer_id = any(?::uuid[])';

/**
 * Where service keeps a person's data. Cases stay for the SLA and warranty history, without what was written in
 * them; an asset stays with its financing (a credit contract the dealer must keep), without the plates, VIN and
 * policy numbers that point to the person.
 */
export const servicePersonalData: PersonalTable[] = [
  {
    table: 'case_message',
    rowsOf: `author_customer_id = any(?::uuid[]) or case_id in (select id from support_case where ${ofCustomer})`,
    erase: { set: { body: ERASED }, why: 'the conversation’s timing stays for the SLA' },
  },
  {
    table: 'support_case',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: { set: { subject: ERASED, description: 'null' }, why: 'the SLA and warranty history stays' },
  },
  {
    table: 'service_visit',
    rowsOf: `asset_id in (select id from asset where ${ofCustomer})`,
    erase: { set: { work_done: ERASED }, why: 'the service history of the car stays' },
  },
  {
    table: 'asset',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: {
      set: { identifier: "'[erased] ' || id", insurance_policy_number: 'null', insurance_provider: 'null' },
      why: 'the financing contract is kept for accounting (the identifier stays unique)',
    },
  },
  { table: 'service_contract', rowsOf: ofCustomer, erase: { keep: 'a tier of service, nothing personal' } },
];
