import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { joinSurvivorContacts } from '../interaction/interaction.service.js';
import { SequenceEnrolment, SequenceEnrolmentStatus } from '../sequence/sequence.entity.js';
import { endEnrolments } from '../sequence/sequence.service.js';

/** Row-keyed tables move with one UPDATE each. */
export const CUSTOMER_COLUMNS = [
  ['interaction', 'customer_id'],
  ['opportunity_state', 'customer_id'],
  ['quote_snapshot', 'customer_id'],
  ['sequence_enrolment', 'customer_id'],
  ['survey_response', 'customer_id'],
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
  // One active enrolment per customer and sequence: where both were in the same sequence, the survivor's goes on and
  // the merged one's ends (its queued step is then not sent), with its SequenceExited.
  const survivorSequences = await em.find(SequenceEnrolment, { customerId: survivorId, status: SequenceEnrolmentStatus.ACTIVE }, { fields: ['sequenceId'] });
  if (survivorSequences.length > 0) {
    const doubled = await em.find(SequenceEnrolment, {
      customerId: mergedId,
      status: SequenceEnrolmentStatus.ACTIVE,
      sequenceId: { $in: survivorSequences.map((enrolment) => enrolment.sequenceId) },
    });
    await endEnrolments(em, doubled, 'merged into a customer already in this sequence');
    await em.flush();
  }
  for (const [table, column] of CUSTOMER_COLUMNS) {
    await em.execute(`update ${table} set ${column} = ? where ${column} = ?`, [survivorId, mergedId]);
  }
  // A campaign writes one message per customer: where both got the same campaign, the merged one's stays under its
  // id (the campaign's figures keep it; one still queued is not sent, its consents leave below) and the rest move.
  await em.execute(
    `update message_send m set customer_id = ? where customer_id = ?
     and (campaign_id is null or not exists (select 1 from message_send s where s.campaign_id = m.campaign_id and s.customer_id = ?))`,
    [survivorId, mergedId, survivorId],
  );
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
