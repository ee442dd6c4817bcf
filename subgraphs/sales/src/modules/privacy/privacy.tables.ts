import type { PersonalTable } from '@crm/kit/privacy.js';

const ERASED = "'[erased]'";
const ofCustomer = 'customer_id = any(?::uuid[])';

/**
 * Where sales keeps a person's data, children first. Opportunities and quotes stay without the person in them: an
 * accepted quote is a sales contract (and its financing a credit contract) the dealer must keep for accounting.
 */
export const salesPersonalData: PersonalTable[] = [
  {
    table: 'sales_activity',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: { set: { subject: ERASED, notes: 'null' }, why: "the rep's work history stays, without what was noted about the person" },
  },
  {
    table: 'quote_line',
    rowsOf: `quote_id in (select id from quote where ${ofCustomer})`,
    erase: { keep: 'a line names a product and its price, not the person' },
  },
  {
    // The PDF sent names the person; the quote's figures stay in the quote.
    table: 'quote_document',
    rowsOf: `quote_id in (select id from quote where ${ofCustomer})`,
    erase: 'delete',
  },
  {
    // In the export (right of access) with the quote it belongs to.
    table: 'quote_financing',
    rowsOf: `quote_id in (select id from quote where ${ofCustomer})`,
    erase: { keep: 'a financing offer is part of a credit contract the dealer must keep; it holds figures, not the person' },
  },
  {
    table: 'quote_view',
    rowsOf: `quote_id in (select id from quote where ${ofCustomer})`,
    erase: { keep: 'when a quote was opened, without who or from where' },
  },
  {
    table: 'quote',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: { set: { title: ERASED, rejection_reason: 'null', erased_at: 'now()' }, why: 'quotes are sales contracts kept for accounting' },
  },
  {
    // In the export with the deal it belongs to.
    table: 'opportunity_stage_change',
    rowsOf: `opportunity_id in (select id from opportunity where ${ofCustomer})`,
    erase: { keep: "a deal's stage history: stages, times and who moved it, not the person" },
  },
  { table: 'opportunity', rowsOf: ofCustomer, aggregate: true, erase: { set: { title: ERASED }, why: 'the pipeline history and sums stay' } },
  {
    table: 'sales_lead',
    rowsOf: ofCustomer,
    aggregate: true,
    erase: {
      set: {
        contact_name: 'null',
        contact_email: 'null',
        contact_phone: 'null',
        interest: 'null',
        region: 'null',
        page_url: 'null',
        status_reason: 'null',
        submission_hash: 'null',
      },
      why: 'conversion statistics stay, without the contact',
    },
  },
];
