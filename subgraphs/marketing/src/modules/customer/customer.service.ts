import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { joinSurvivorContacts } from '../interaction/interaction.service.js';

/** Row-keyed tables move with one UPDATE each. */
export const CUSTOMER_COLUMNS = [
  ['interaction', 'customer_id'],
  ['opportunity_state', 'customer_id'],
  ['quote_snapshot', 'customer_id'],
  ['sequence_enrolment', 'customer_id'],
  ['survey_response', 'customer_id'],
  ['message_send', 'customer_id'],
] as const;

/**
 * identity merged two customers: everything marketing holds about the merged one now belongs to the survivor.
 * Where both have a row for the same key (profile, consent, static segment membership) the survivor's wins,
 * except a consent decision that is newer on the merged side. The merged customer's phones and e-mails become the
 * survivor's (identity moved them), and interactions still waiting under one of them join the survivor.
 */
export async function moveCustomerData(em: EntityManager, mergedIdRaw: string, survivorIdRaw: string): Promise<void> {
  const mergedId = parseId(mergedIdRaw, 'Customer', 'mergedId');
  const survivorId = parseId(survivorIdRaw, 'Customer', 'survivorId');
  if (mergedId === survivorId) return;
  for (const [table, column] of CUSTOMER_COLUMNS) {
    await em.execute(`update ${table} set ${column} = ? where ${column} = ?`, [survivorId, mergedId]);
  }
  await em.execute(
    `insert into consent_state (customer_id, purpose, channel, granted, changed_at)
     select ?, purpose, channel, granted, changed_at from consent_state where customer_id = ?
     on conflict (customer_id, purpose, channel) do update set granted = excluded.granted, changed_at = excluded.changed_at
     where consent_state.changed_at < excluded.changed_at`,
    [survivorId, mergedId],
  );
  await em.execute('delete from consent_state where customer_id = ?', [mergedId]);
  await em.execute(
    `update segment_member m set customer_id = ? where customer_id = ?
     and not exists (select 1 from segment_member s where s.segment_id = m.segment_id and s.customer_id = ?)`,
    [survivorId, mergedId, survivorId],
  );
  await em.execute('delete from segment_member where customer_id = ?', [mergedId]);
  await em.execute(
    `insert into customer_profile (id, city, gender, preferred_language, occupation, kind, first_name, last_name, organization_name,
       birth_date, industry, company_size, job_title, created_at, changed_at)
     select ?, city, gender, preferred_language, occupation, kind, first_name, last_name, organization_name,
       birth_date, industry, company_size, job_title, created_at, changed_at from customer_profile where id = ?
     on conflict (id) do nothing`,
    [survivorId, mergedId],
  );
  await em.execute('delete from customer_profile where id = ?', [mergedId]);
  await em.execute(
    `insert into customer_contact (customer_id, kind, value, linked_at)
     select ?, kind, value, linked_at from customer_contact where customer_id = ? on conflict do nothing`,
    [survivorId, mergedId],
  );
  await em.execute('delete from customer_contact where customer_id = ?', [mergedId]);
  await joinSurvivorContacts(em, survivorId);
  recordEvent(em, { type: 'CustomerDataMoved', aggregateId: survivorId, payload: { survivorId, mergedId } });
  await em.flush();
}
