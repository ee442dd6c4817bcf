import type { Permission } from '@crm/kit/access/permissions.js';
import { EVENTS, type EventType } from '@crm/kit/event-catalog.js';

/**
 * Which events a webhook may carry, and what its owner must be allowed to read for each: the read permission of the
 * aggregate, and `pii:read` for events whose payload holds personal data (names with birth dates, e-mails, phones,
 * identifiers, consent evidence, a web form's contact). A webhook sends the payload as its contract declares it,
 * so this is the whole of the filtering: an owner who may not read a type cannot subscribe to it.
 * Aggregates not listed (staff, API keys, access rules, audit, erasures, webhooks themselves) are never forwarded,
 * and neither is an aggregate added to the catalog later until it is listed here.
 */
const READ_PERMISSION: Readonly<Record<string, Permission>> = {
  Customer: 'customers:read',
  Lead: 'leads:read',
  WebForm: 'pipelines:manage',
  LeadRoutingRule: 'pipelines:manage',
  Pipeline: 'opportunities:read',
  Product: 'products:read',
  Opportunity: 'opportunities:read',
  Quote: 'quotes:read',
  Activity: 'activities:read',
  Interaction: 'interactions:read',
  Segment: 'marketing:read',
  Campaign: 'marketing:read',
  Sequence: 'marketing:read',
  SequenceEnrolment: 'marketing:read',
  SurveyResponse: 'marketing:read',
  MessageSend: 'marketing:read',
  Case: 'cases:read',
  CaseAssignmentRule: 'cases:read',
  Asset: 'assets:read',
  ServiceContract: 'assets:read',
  WorkingCalendar: 'cases:read',
  KnowledgeArticle: 'knowledge:read',
};

const PERSONAL: ReadonlySet<EventType> = new Set<EventType>([
  'CustomerCreated',
  'CustomerChanged',
  'CustomerResolved',
  'IdentifierLinked',
  'IdentifierRemoved',
  'ConsentChanged',
  'WebFormSubmitted',
  'SequenceEnrolled',
]);

/** The permissions reading this event type takes, or null when webhooks never carry it. */
export function permissionsToReceive(type: string): Permission[] | null {
  const definition = (EVENTS as Record<string, { aggregate: string }>)[type];
  const read = definition && READ_PERMISSION[definition.aggregate];
  if (!read) return null;
  return PERSONAL.has(type as EventType) ? [read, 'pii:read'] : [read];
}

/** Every event type a webhook may carry. */
export const FORWARDABLE_EVENT_TYPES = (Object.keys(EVENTS) as EventType[]).filter((type) => permissionsToReceive(type) !== null);

export const mayReceive = (permissions: readonly string[], type: string): boolean => permissionsToReceive(type)?.every((p) => permissions.includes(p)) ?? false;

/**
 * Fields meant for the customer alone, never forwarded: a link whose signed token lets whoever holds it act as the
 * customer (QuoteSent's documentUrl: the quote counts as viewed when it is opened). Marketing sends it to the customer.
 */
const FOR_THE_CUSTOMER_ONLY: Partial<Record<EventType, readonly string[]>> = { QuoteSent: ['documentUrl'] };

/** The payload a webhook carries: the event's, without the fields meant for the customer alone. */
export function forwardedPayload(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  const withheld = FOR_THE_CUSTOMER_ONLY[type as EventType];
  if (!withheld) return payload;
  return Object.fromEntries(Object.entries(payload).filter(([field]) => !withheld.includes(field)));
}
