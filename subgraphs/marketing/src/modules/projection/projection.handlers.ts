import type { EntityManager } from '@mikro-orm/postgresql';
import type { BusEvent } from '../../../../kit/bus/index.js';
import { isUuid } from '../../../../kit/ids.js';
import type { QuotedProduct } from './projection.entity.js';
import { upsertConsentStates, upsertIdentityProfile, upsertOpportunityStates, upsertQuoteSnapshot } from './projection.service.js';

type Payload = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const uuid = (value: unknown): string | null => (typeof value === 'string' && isUuid(value) ? value.toLowerCase() : null);

const PROFILE_EVENTS = new Set(['CustomerCreated', 'CustomerChanged']);
const OPPORTUNITY_EVENTS = new Set([
  'OpportunityCreated',
  'OpportunityChanged',
  'OpportunityStageChanged',
  'OpportunityWon',
  'OpportunityLost',
  'OpportunityQuoteViewed',
]);
const QUOTE_EVENTS = new Set(['QuoteCreated', 'QuoteChanged', 'QuoteSent', 'QuoteViewed', 'QuoteAccepted', 'QuoteRejected']);

export const feedsProjection = (event: BusEvent) =>
  (event.stream === 'identity' && (PROFILE_EVENTS.has(event.type) || event.type === 'ConsentChanged')) ||
  (event.stream === 'sales' && (OPPORTUNITY_EVENTS.has(event.type) || QUOTE_EVENTS.has(event.type)));

/**
 * Applies an identity or sales event to the projection it feeds, as of the event's time, so a replayed
 * or late event never overwrites newer data. False when its payload lacks the ids it needs.
 */
export async function projectEvent(em: EntityManager, event: BusEvent): Promise<boolean> {
  const p = event.payload;
  const at = new Date(event.occurredAt);
  if (PROFILE_EVENTS.has(event.type)) {
    const customerId = uuid(p.customerId);
    if (!customerId) return false;
    await upsertIdentityProfile(em, {
      customerId,
      kind: text(p.kind),
      firstName: text(p.firstName),
      lastName: text(p.lastName),
      organizationName: text(p.organizationName),
      birthDate: text(p.birthDate)?.slice(0, 10) ?? null,
      gender: text(p.gender),
      industry: text(p.industry),
      companySize: typeof p.companySize === 'number' ? String(p.companySize) : text(p.companySize),
      jobTitle: text(p.jobTitle),
      changedAt: at,
    });
    return true;
  }
  if (event.type === 'ConsentChanged') {
    const customerId = uuid(p.customerId);
    const purpose = text(p.purpose);
    if (!customerId || !purpose || (p.status !== 'GRANTED' && p.status !== 'WITHDRAWN')) return false;
    const recordedAt = text(p.recordedAt) ? new Date(String(p.recordedAt)) : at;
    await upsertConsentStates(em, [{ customerId, purpose, channel: text(p.channel) ?? 'ANY', granted: p.status === 'GRANTED', changedAt: recordedAt }]);
    return true;
  }
  if (OPPORTUNITY_EVENTS.has(event.type)) {
    const opportunityId = uuid(p.opportunityId);
    const customerId = uuid(p.customerId);
    if (!opportunityId || !customerId) return false;
    const amount = (p.amount ?? {}) as Payload;
    const status = text(p.status) ?? 'OPEN';
    await upsertOpportunityStates(em, [
      {
        opportunityId,
        customerId,
        isOpen: status === 'OPEN',
        status,
        changedAt: at,
        pipelineId: uuid(p.pipelineId),
        stageId: uuid(p.stageId),
        stageName: text(p.stageName),
        marker: text(p.marker),
        ownerId: uuid(p.ownerId),
        amount: decimalText(amount.amount),
        currency: text(amount.currency),
      },
    ]);
    return true;
  }
  if (QUOTE_EVENTS.has(event.type)) {
    const quoteId = uuid(p.quoteId);
    const opportunityId = uuid(p.opportunityId);
    const customerId = uuid(p.customerId);
    if (!quoteId || !opportunityId || !customerId) return false;
    const total = (p.total ?? {}) as Payload;
    await upsertQuoteSnapshot(em, {
      quoteId,
      opportunityId,
      customerId,
      lastEvent: event.type,
      products: quotedProducts(p.products),
      totalAmount: decimalText(total.amount),
      currency: text(total.currency),
      sentAt: event.type === 'QuoteSent' ? at : null,
      changedAt: at,
    });
    return true;
  }
  return false;
}

function quotedProducts(value: unknown): QuotedProduct[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is Payload => typeof item === 'object' && item !== null && typeof (item as Payload).name === 'string')
    .map((item) => ({ productId: text(item.productId), name: String(item.name), category: text(item.category) }));
}

/** Money travels as a decimal string (or number); it is stored as numeric, never through a float. */
function decimalText(value: unknown): string | null {
  const raw = typeof value === 'number' ? String(value) : text(value);
  return raw && /^-?\d+(\.\d+)?$/.test(raw) ? raw : null;
}
