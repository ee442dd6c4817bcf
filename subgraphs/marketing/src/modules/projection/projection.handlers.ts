import type { EntityManager } from '@mikro-orm/postgresql';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import {
  forgetContact,
  rememberContacts,
  upsertConsentStates,
  upsertIdentityProfile,
  upsertOpportunityStates,
  upsertQuoteSnapshot,
} from './projection.service.js';

const text = (value: string | null): string | null => (value !== null && value.trim() !== '' ? value : null);

const PROFILE_EVENTS = ['CustomerCreated', 'CustomerChanged'] as const;
const OPPORTUNITY_EVENTS = [
  'OpportunityCreated',
  'OpportunityChanged',
  'OpportunityStageChanged',
  'OpportunityWon',
  'OpportunityLost',
  'OpportunityQuoteViewed',
] as const;
const QUOTE_EVENTS = ['QuoteCreated', 'QuoteChanged', 'QuoteSent', 'QuoteViewed', 'QuoteAccepted', 'QuoteRejected'] as const;

const CONTACT_EVENTS = ['IdentifierLinked', 'IdentifierRemoved'] as const;

/** The identity and sales events marketing's projections are made of. */
export const PROJECTED_EVENTS = [...PROFILE_EVENTS, ...CONTACT_EVENTS, 'ConsentChanged', ...OPPORTUNITY_EVENTS, ...QUOTE_EVENTS] as const;
export type ProjectedEvent = (typeof PROJECTED_EVENTS)[number];

export const feedsProjection = (event: CatalogEvent): event is CatalogEvent<ProjectedEvent> => (PROJECTED_EVENTS as readonly string[]).includes(event.type);

/**
 * Applies an identity or sales event to the projection it feeds, as of the event's time, so a replayed
 * or late event never overwrites newer data.
 */
export async function projectEvent(em: EntityManager, event: CatalogEvent<ProjectedEvent>): Promise<void> {
  const at = new Date(event.occurredAt);
  switch (event.type) {
    case 'CustomerCreated':
    case 'CustomerChanged': {
      const p = event.payload;
      await upsertIdentityProfile(em, {
        customerId: p.customerId.toLowerCase(),
        kind: text(p.kind),
        firstName: text(p.firstName),
        lastName: text(p.lastName),
        organizationName: text(p.organizationName),
        birthDate: text(p.birthDate)?.slice(0, 10) ?? null,
        gender: text(p.gender),
        industry: text(p.industry),
        companySize: text(p.companySize),
        jobTitle: text(p.jobTitle),
        changedAt: at,
      });
      if (event.type === 'CustomerCreated') await rememberContacts(em, await liveCustomerId(em, p.customerId), event.payload.identifiers, at);
      return;
    }
    case 'IdentifierLinked':
      // A customer merged meanwhile (its CustomerMerged handled first, by another consumer): the survivor's now.
      await rememberContacts(em, await liveCustomerId(em, event.payload.customerId), [event.payload], at);
      return;
    case 'IdentifierRemoved':
      await forgetContact(em, event.payload.customerId.toLowerCase(), event.payload);
      return;
    case 'ConsentChanged': {
      const p = event.payload;
      const changedAt = new Date(p.recordedAt);
      await upsertConsentStates(em, [
        {
          customerId: p.customerId.toLowerCase(),
          purpose: p.purpose,
          channel: p.channel,
          granted: p.status === 'GRANTED',
          changedAt: Number.isNaN(changedAt.getTime()) ? at : changedAt,
        },
      ]);
      return;
    }
    case 'QuoteCreated':
    case 'QuoteChanged':
    case 'QuoteSent':
    case 'QuoteViewed':
    case 'QuoteAccepted':
    case 'QuoteRejected': {
      const p = event.payload;
      // A quote outside any opportunity never reaches a journey.
      if (!p.opportunityId) return;
      await upsertQuoteSnapshot(em, {
        quoteId: p.quoteId.toLowerCase(),
        opportunityId: p.opportunityId.toLowerCase(),
        customerId: p.customerId.toLowerCase(),
        lastEvent: event.type,
        products: p.products.map((product) => ({ productId: product.productId, name: product.name, category: text(product.category) })),
        totalAmount: decimalText(p.total.amount),
        currency: text(p.total.currency),
        sentAt: event.type === 'QuoteSent' ? at : null,
        financing:
          event.type === 'QuoteSent'
            ? event.payload.financing.map((f) => ({
                kind: f.kind,
                termMonths: f.termMonths,
                monthlyPayment: f.monthlyPayment ? `${f.monthlyPayment.amount} ${f.monthlyPayment.currency}` : null,
              }))
            : null,
        changedAt: at,
      });
      return;
    }
    default: {
      const p = event.payload;
      await upsertOpportunityStates(em, [
        {
          opportunityId: p.opportunityId.toLowerCase(),
          customerId: p.customerId.toLowerCase(),
          isOpen: p.status === 'OPEN',
          status: p.status,
          changedAt: at,
          pipelineId: p.pipelineId.toLowerCase(),
          stageId: p.stageId.toLowerCase(),
          stageName: text(p.stageName),
          marker: p.marker,
          ownerId: p.ownerId?.toLowerCase() ?? null,
          amount: decimalText(p.amount.amount),
          currency: text(p.amount.currency),
        },
      ]);
    }
  }
}

/** Money travels as a decimal string (or number); it is stored as numeric, never through a float. */
function decimalText(value: string): string | null {
  const raw = text(value);
  return raw && /^-?\d+(\.\d+)?$/.test(raw) ? raw : null;
}
