import { randomUUID } from 'node:crypto';
import type { OutgoingEvent } from '@crm/kit/bus/index.js';
import { EVENTS, type EventType, type PayloadOf } from '@crm/kit/event-catalog.js';

/**
 * An event as its owner's relay would publish it, for tests that stand in for another subgraph: its stream,
 * aggregate and version come from the catalog, and tsc checks the payload like a producer's.
 */
export function catalogEvent<T extends EventType>(
  type: T,
  aggregateId: string,
  payload: PayloadOf<T>,
  occurredAt = new Date().toISOString(),
): OutgoingEvent & { payload: PayloadOf<T> } {
  const definition = EVENTS[type];
  return {
    id: randomUUID(),
    stream: definition.streams[0]!,
    type,
    aggregateType: definition.aggregate,
    aggregateId,
    payload: { ...payload, eventVersion: definition.version },
    occurredAt,
  };
}

/** Two customers merged: a CustomerMerged of fresh ids. */
export const customerMerged = () => {
  const survivorId = randomUUID();
  return catalogEvent('CustomerMerged', survivorId, { survivorId, mergedId: randomUUID(), movedIdentifiers: 0 });
};

/** An event that breaks the catalog's contract, as a faulty or newer producer might publish it. */
export const rawEvent = (stream: string, type: string, aggregateId: string, payload: Record<string, unknown>): OutgoingEvent => ({
  id: randomUUID(),
  stream,
  type,
  aggregateType: 'Test',
  aggregateId,
  payload,
  occurredAt: new Date().toISOString(),
});

type OpportunitySnapshot = Pick<
  PayloadOf<'OpportunityCreated'>,
  'opportunityId' | 'customerId' | 'pipelineId' | 'stageId' | 'stageName' | 'marker' | 'ownerId' | 'status' | 'amount' | 'nextContactAt'
>;

/** What every Opportunity* event carries, with what the test cares about. */
export const opportunitySnapshot = (given: Partial<OpportunitySnapshot> & Pick<OpportunitySnapshot, 'opportunityId' | 'customerId'>): OpportunitySnapshot => ({
  pipelineId: randomUUID(),
  stageId: randomUUID(),
  stageName: 'New inquiry',
  marker: null,
  ownerId: randomUUID(),
  status: 'OPEN',
  amount: { amount: '0', currency: 'CZK' },
  nextContactAt: null,
  ...given,
});

type QuoteSnapshot = Pick<PayloadOf<'QuoteCreated'>, 'quoteId' | 'opportunityId' | 'customerId' | 'ownerId' | 'status' | 'total' | 'products'>;

/** What every Quote* event carries. */
export const quoteSnapshot = (given: Partial<QuoteSnapshot> & Pick<QuoteSnapshot, 'quoteId' | 'customerId'>): QuoteSnapshot => ({
  opportunityId: randomUUID(),
  ownerId: randomUUID(),
  status: 'SENT',
  total: { amount: '1.00', currency: 'CZK' },
  products: [],
  ...given,
});

/** A QuoteSent with what it offered. */
export const quoteSent = (snapshot: QuoteSnapshot, occurredAt?: string) =>
  catalogEvent('QuoteSent', snapshot.quoteId, { ...snapshot, title: 'Offer', validUntil: null, lines: [], financing: [] }, occurredAt);

type CaseSnapshot = Pick<
  PayloadOf<'CaseOpened'>,
  'caseId' | 'customerId' | 'status' | 'priority' | 'line' | 'category' | 'assigneeId' | 'channel' | 'currentChannel'
>;

/** What every Case* event carries. */
export const caseSnapshot = (given: Partial<CaseSnapshot> & Pick<CaseSnapshot, 'caseId' | 'customerId'>): CaseSnapshot => ({
  status: 'OPEN',
  priority: 'NORMAL',
  line: 'FIRST',
  category: 'GENERAL',
  assigneeId: null,
  channel: 'EMAIL',
  currentChannel: 'EMAIL',
  ...given,
});

type CustomerProfile = Omit<PayloadOf<'CustomerCreated'>, 'identifiers' | 'eventVersion' | 'aggregateVersion' | 'erased'>;

/** A customer's profile as identity's Customer* events carry it. */
export const customerProfile = (given: Partial<CustomerProfile> & Pick<CustomerProfile, 'customerId'>): CustomerProfile => ({
  kind: 'PERSON',
  firstName: null,
  lastName: null,
  organizationName: null,
  birthDate: null,
  gender: null,
  industry: null,
  companySize: null,
  jobTitle: null,
  organizationId: null,
  ...given,
});

/** identity's ConsentChanged for one decision. */
export const consentChanged = (
  customerId: string,
  purpose: PayloadOf<'ConsentChanged'>['purpose'],
  channel: PayloadOf<'ConsentChanged'>['channel'],
  status: 'GRANTED' | 'WITHDRAWN',
  recordedAt = new Date().toISOString(),
) =>
  catalogEvent('ConsentChanged', customerId, {
    customerId,
    consentId: randomUUID(),
    purpose,
    channel,
    status,
    source: 'web-form',
    textVersion: 'v3',
    givenAt: recordedAt,
    recordedAt,
  });
