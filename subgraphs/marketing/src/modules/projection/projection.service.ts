import type { EntityManager } from '@mikro-orm/postgresql';
import type { QuotedFinancing } from './projection.entity.js';
import { parseId } from '@crm/kit/ids.js';
import type { CustomerProfileProjectionInput, MarketingProjectionsInput } from './projection.inputs.js';

/** A consent decision as identity's ConsentChanged (or its rebuild) states it, at identity's time of recording. */
export interface ConsentState {
  customerId: string;
  purpose: string;
  channel?: string | null;
  granted: boolean;
  changedAt: Date;
}

/** Whether a customer's opportunity is open, as sales' Opportunity* events (or its rebuild) state it. */
export interface OpportunityState {
  opportunityId: string;
  customerId: string;
  isOpen: boolean;
  changedAt: Date;
}
import type { QuotedProduct } from './projection.entity.js';

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
  // changed_at orders identity's profile events only: hand-fed fields never make a late identity change look stale.
  await em.execute(
    `insert into customer_profile (id, city, gender, preferred_language, occupation, created_at, changed_at)
     select id, city, gender, preferred_language, occupation, now(), '-infinity'::timestamptz
     from jsonb_to_recordset(?::jsonb) as r(id uuid, city text, gender text, preferred_language text, occupation text)
     on conflict (id) do update set city = excluded.city, gender = excluded.gender,
       preferred_language = excluded.preferred_language, occupation = excluded.occupation`,
    [JSON.stringify(rows)],
  );
}

export async function upsertConsentStates(em: EntityManager, consents: ConsentState[]): Promise<void> {
  if (consents.length === 0) return;
  const rows = consents.map((c) => ({
    customer_id: parseId(c.customerId, 'Customer', 'customerId'),
    purpose: c.purpose.trim(),
    channel: c.channel?.trim() || 'ANY',
    granted: c.granted,
    changed_at: c.changedAt.toISOString(),
  }));
  await em.execute(
    `insert into consent_state (customer_id, purpose, channel, granted, changed_at)
     select customer_id, purpose, channel, granted, changed_at
     from jsonb_to_recordset(?::jsonb) as r(customer_id uuid, purpose text, channel text, granted boolean, changed_at timestamptz)
     on conflict (customer_id, purpose, channel) do update set granted = excluded.granted, changed_at = excluded.changed_at
     where consent_state.changed_at <= excluded.changed_at`,
    [JSON.stringify(rows)],
  );
}

/** What sales' Opportunity* events carry beyond open/closed (their snapshot keys). */
export interface OpportunitySnapshot {
  pipelineId?: string | null;
  stageId?: string | null;
  stageName?: string | null;
  marker?: string | null;
  ownerId?: string | null;
  status?: string | null;
  amount?: string | null;
  currency?: string | null;
}

export async function upsertOpportunityStates(em: EntityManager, opportunities: Array<OpportunityState & OpportunitySnapshot>): Promise<void> {
  if (opportunities.length === 0) return;
  const rows = opportunities.map((o) => ({
    id: parseId(o.opportunityId, 'Opportunity', 'opportunityId'),
    customer_id: parseId(o.customerId, 'Customer', 'customerId'),
    is_open: o.isOpen,
    pipeline_id: o.pipelineId ?? null,
    stage_id: o.stageId ?? null,
    stage_name: o.stageName ?? null,
    marker: o.marker ?? null,
    owner_id: o.ownerId ?? null,
    status: o.status ?? null,
    amount: o.amount ?? null,
    currency: o.currency ?? null,
    changed_at: o.changedAt.toISOString(),
  }));
  await em.execute(
    `insert into opportunity_state (id, customer_id, is_open, pipeline_id, stage_id, stage_name, marker, owner_id, status, amount, currency, changed_at)
     select id, customer_id, is_open, pipeline_id, stage_id, stage_name, marker, owner_id, status, amount, currency, changed_at
     from jsonb_to_recordset(?::jsonb) as r(id uuid, customer_id uuid, is_open boolean, pipeline_id uuid, stage_id uuid, stage_name text,
       marker text, owner_id uuid, status text, amount numeric, currency text, changed_at timestamptz)
     on conflict (id) do update set customer_id = excluded.customer_id, is_open = excluded.is_open, pipeline_id = excluded.pipeline_id,
       stage_id = excluded.stage_id, stage_name = excluded.stage_name, marker = excluded.marker, owner_id = excluded.owner_id,
       status = excluded.status, amount = excluded.amount, currency = excluded.currency, changed_at = excluded.changed_at
     where opportunity_state.changed_at <= excluded.changed_at`,
    [JSON.stringify(rows)],
  );
}

/** identity's profile fields (CustomerCreated / CustomerChanged), as of `changedAt`. */
export interface IdentityProfile {
  customerId: string;
  kind: string | null;
  firstName: string | null;
  lastName: string | null;
  organizationName: string | null;
  birthDate: string | null;
  gender: string | null;
  industry: string | null;
  companySize: string | null;
  jobTitle: string | null;
  changedAt: Date;
}

/** Leaves the hand-fed fields (city, language, occupation) alone; an older change never overwrites a newer one. */
export async function upsertIdentityProfile(em: EntityManager, p: IdentityProfile): Promise<void> {
  await em.execute(
    `insert into customer_profile (id, kind, first_name, last_name, organization_name, birth_date, gender, industry, company_size, job_title, created_at, changed_at)
     values (?, ?, ?, ?, ?, ?::date, ?, ?, ?, ?, ?, ?)
     on conflict (id) do update set kind = excluded.kind, first_name = excluded.first_name, last_name = excluded.last_name,
       organization_name = excluded.organization_name, birth_date = excluded.birth_date, gender = excluded.gender, industry = excluded.industry,
       company_size = excluded.company_size, job_title = excluded.job_title, changed_at = excluded.changed_at
     where customer_profile.changed_at <= excluded.changed_at`,
    [
      parseId(p.customerId, 'Customer', 'customerId'),
      p.kind,
      p.firstName,
      p.lastName,
      p.organizationName,
      p.birthDate,
      p.gender,
      p.industry,
      p.companySize,
      p.jobTitle,
      p.changedAt,
      p.changedAt,
    ],
  );
}

export interface QuoteSnapshotInput {
  quoteId: string;
  opportunityId: string;
  customerId: string;
  lastEvent: string;
  products: QuotedProduct[];
  totalAmount: string | null;
  currency: string | null;
  /** Set by QuoteSent (a quote is sent once: the first time known is kept). */
  sentAt: Date | null;
  /** Set by QuoteSent; other events keep what it said. */
  financing: QuotedFinancing[] | null;
  changedAt: Date;
}

export async function upsertQuoteSnapshot(em: EntityManager, q: QuoteSnapshotInput): Promise<void> {
  await em.execute(
    `insert into quote_snapshot (id, opportunity_id, customer_id, last_event, products, total_amount, currency, sent_at, financing, changed_at)
     values (?, ?, ?, ?, ?::jsonb, ?::numeric, ?, ?, ?::jsonb, ?)
     on conflict (id) do update set opportunity_id = excluded.opportunity_id, customer_id = excluded.customer_id, last_event = excluded.last_event,
       products = excluded.products, total_amount = excluded.total_amount, currency = excluded.currency,
       sent_at = coalesce(quote_snapshot.sent_at, excluded.sent_at), financing = coalesce(excluded.financing, quote_snapshot.financing),
       changed_at = excluded.changed_at
     where quote_snapshot.changed_at <= excluded.changed_at`,
    [
      q.quoteId,
      q.opportunityId,
      q.customerId,
      q.lastEvent,
      JSON.stringify(q.products),
      q.totalAmount,
      q.currency,
      q.sentAt,
      q.financing ? JSON.stringify(q.financing) : null,
      q.changedAt,
    ],
  );
}

/**
 * May the customer be contacted for `purpose` on `channel`? The decision for that exact channel wins;
 * without one, the decision for ANY channel; without either, no.
 */
export async function hasConsent(em: EntityManager, customerId: string, purpose: string, channel: string): Promise<boolean> {
  const rows = await em.execute<Array<{ channel: string; granted: boolean }>>(
    `select channel, granted from consent_state where customer_id = ? and purpose = ? and channel in (?, 'ANY')`,
    [customerId, purpose, channel],
  );
  const decision = rows.find((r) => r.channel === channel) ?? rows.find((r) => r.channel === 'ANY');
  return decision?.granted ?? false;
}

const CONTACT_KINDS = ['EMAIL', 'PHONE'];

/** identity's e-mail addresses and phones of a customer (other identifier kinds, e.g. device ids, are not contacts). */
export async function rememberContacts(
  em: EntityManager,
  customerId: string,
  identifiers: ReadonlyArray<{ kind: string; value: string }>,
  at: Date,
): Promise<void> {
  const contacts = identifiers.filter((i) => CONTACT_KINDS.includes(i.kind.toUpperCase()));
  if (contacts.length === 0) return;
  await em.execute(
    `insert into customer_contact (customer_id, kind, value, linked_at)
     select ?, upper(c.kind), c.value, ? from jsonb_to_recordset(?::jsonb) as c(kind text, value text)
     on conflict do nothing`,
    [customerId, at, JSON.stringify(contacts.map((c) => ({ kind: c.kind, value: c.value })))],
  );
}

export async function forgetContact(em: EntityManager, customerId: string, identifier: { kind: string; value: string }): Promise<void> {
  await em.execute('delete from customer_contact where customer_id = ? and kind = upper(?) and value = ?', [customerId, identifier.kind, identifier.value]);
}

/**
 * The address a message on `channel` goes to: the customer's first linked e-mail (or phone for SMS), the one in use.
 * Not the newest: an anonymous web form naming a customer's phone links the e-mail it gives to that customer (identity
 * resolution, Story 1), so with the newest a stranger received the customer's quotes at an address of their own (ADR
 * 13, "Since"). A customer who changes address has the old one removed by the dealer (removeIdentifier).
 */
export async function contactFor(em: EntityManager, customerId: string, channel: string): Promise<string | null> {
  const kind = channel === 'SMS' ? 'PHONE' : 'EMAIL';
  const [row] = await em.execute<Array<{ value: string }>>(
    'select value from customer_contact where customer_id = ? and kind = ? order by linked_at, value limit 1',
    [customerId, kind],
  );
  return row?.value ?? null;
}

/** Every quote sent for an opportunity, the first sent first. */
export async function sentQuotesOf(
  em: EntityManager,
  opportunityId: string,
): Promise<Array<{ quoteId: string; products: QuotedProduct[]; financing: QuotedFinancing[] }>> {
  const rows = await em.execute<Array<{ id: string; products: QuotedProduct[]; financing: QuotedFinancing[] | null }>>(
    'select id, products, financing from quote_snapshot where opportunity_id = ? and sent_at is not null order by sent_at, id',
    [opportunityId],
  );
  return rows.map((row) => ({ quoteId: row.id, products: row.products, financing: row.financing ?? [] }));
}

export async function upsertMarketingProjections(em: EntityManager, input: MarketingProjectionsInput) {
  await upsertCustomerProfiles(em, input.profiles);
  return { profiles: input.profiles.length };
}
