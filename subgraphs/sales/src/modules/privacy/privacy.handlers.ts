import { erasePersonalData, erasureHandler } from '@crm/kit/privacy.js';
import { pgArray } from '@crm/kit/sql.js';
import { forgetSubmissionsOf } from '../intake/web-form.throttle.js';
import { salesPersonalData } from './privacy.tables.js';

/** Sales' part of an erasure: the throttling counts of the person's e-mails first (found through their leads), then the tables. */
export const salesErasure = erasureHandler('sales', async (em, customerIds) => {
  const leads = await em.execute<Array<{ email: string }>>(
    'select distinct contact_email as email from sales_lead where customer_id = any(?::uuid[]) and contact_email is not null',
    [pgArray(customerIds)],
    'all',
  );
  const submissions = await forgetSubmissionsOf(
    em,
    leads.map((lead) => lead.email),
  );
  const erased = await erasePersonalData(em, salesPersonalData, customerIds);
  return { ...erased, counts: { ...erased.counts, web_form_submission: submissions } };
});
