import type { EntityManager } from '@mikro-orm/postgresql';
import { parseId } from '../../../../kit/ids.js';
import type {
  ConsentStateProjectionInput,
  CustomerProfileProjectionInput,
  MarketingProjectionsInput,
  OpportunityStateProjectionInput,
} from './projection.inputs.js';

/** Upserts are idempotent and ordered by changedAt, so replayed or late events cannot move a fact backwards. */
export async function upsertCustomerProfiles(em: EntityManager, profiles: CustomerProfileProjectionInput[]): Promise<void> {
  if (profiles.length === 0) return;
  const rows = profiles.map((p) => ({
    id: parseId(p.customerId, 'Customer', 'customerId'),
    city: p.city ?? null,
    gender: p.gender ?? null,
    preferred_language: p.preferredLanguage ?? null,
    occupation: p.occupation ?? null,
  }));
  await em.execute(
    `insert into customer_profile (id, city, gender, preferred_language, occupation, created_at, changed_at)
     select id, city, gender, preferred_language, occupation, now(), now()
     from jsonb_to_recordset(?::jsonb) as r(id uuid, city text, gender text, preferred_language text, occupation text)
     on conflict (id) do update set city = excluded.city, gender = excluded.gender,
       preferred_language = excluded.preferred_language, occupation = excluded.occupation, changed_at = excluded.changed_at`,
    [JSON.stringify(rows)],
  );
}

export async function upsertConsentStates(em: EntityManager, consents: ConsentStateProjectionInput[]): Promise<void> {
  if (consents.length === 0) return;
  const rows = consents.map((c) => ({
    customer_id: parseId(c.customerId, 'Customer', 'customerId'),
    purpose: c.purpose.trim(),
    granted: c.granted,
    changed_at: (c.changedAt ?? new Date()).toISOString(),
  }));
  await em.execute(
    `insert into consent_state (customer_id, purpose, granted, changed_at)
     select customer_id, purpose, granted, changed_at
     from jsonb_to_recordset(?::jsonb) as r(customer_id uuid, purpose text, granted boolean, changed_at timestamptz)
     on conflict (customer_id, purpose) do update set granted = excluded.granted, changed_at = excluded.changed_at
     where consent_state.changed_at <= excluded.changed_at`,
    [JSON.stringify(rows)],
  );
}

export async function upsertOpportunityStates(em: EntityManager, opportunities: OpportunityStateProjectionInput[]): Promise<void> {
  if (opportunities.length === 0) return;
  const rows = opportunities.map((o) => ({
    id: parseId(o.opportunityId, 'Opportunity', 'opportunityId'),
    customer_id: parseId(o.customerId, 'Customer', 'customerId'),
    is_open: o.isOpen,
    changed_at: (o.changedAt ?? new Date()).toISOString(),
  }));
  await em.execute(
    `insert into opportunity_state (id, customer_id, is_open, changed_at)
     select id, customer_id, is_open, changed_at
     from jsonb_to_recordset(?::jsonb) as r(id uuid, customer_id uuid, is_open boolean, changed_at timestamptz)
     on conflict (id) do update set customer_id = excluded.customer_id, is_open = excluded.is_open, changed_at = excluded.changed_at
     where opportunity_state.changed_at <= excluded.changed_at`,
    [JSON.stringify(rows)],
  );
}

export async function upsertMarketingProjections(em: EntityManager, input: MarketingProjectionsInput) {
  await em.transactional(async (tx) => {
    await upsertCustomerProfiles(tx, input.profiles);
    await upsertConsentStates(tx, input.consents);
    await upsertOpportunityStates(tx, input.opportunities);
  });
  return { profiles: input.profiles.length, consents: input.consents.length, opportunities: input.opportunities.length };
}
