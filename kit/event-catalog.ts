import { z } from 'zod';
import type { BusEvent } from './bus/event-bus.js';

/**
 * Every domain event of the platform, in one place: which subgraph emits it, which aggregate it is about, the
 * version of its payload and the payload's shape. It is the contract between services (like a schema registry):
 * `recordEvent` accepts only a payload of its type's shape, consumers read payloads typed from here, and every event
 * read from the bus is checked against it before a handler sees it (a malformed one goes to the dead letters).
 * How an event evolves: docs/adr/0009-event-contracts.md.
 *
 * A payload keeps exactly its declared keys: a producer cannot write an undeclared one (tsc), a consumer never sees
 * one (parsing drops it). Adding an optional key is a compatible change; removing or changing one is a new version
 * with an upcaster from the old one.
 */

const id = z.guid();
const ids = z.array(id);
const optionalId = id.nullable();
const text = z.string();
const optionalText = z.string().nullable();
const time = z.string(); // ISO 8601
const optionalTime = time.nullable();
const money = z.object({ amount: z.string(), currency: z.string() });
/** Stamped by the outbox on every payload: the catalog version it was written in, the aggregate's version after it. */
const stamps = { eventVersion: z.number().int().optional(), aggregateVersion: z.number().int().optional(), erased: z.boolean().optional() };
/** The keys the outbox and erasure stamp on a payload (no producer writes them). */
export type EventStamp = keyof typeof stamps;
const payload = <S extends z.ZodRawShape>(shape: S) => z.object({ ...shape, ...stamps });

type Payload = Record<string, unknown>;

export interface EventDefinition<Aggregate extends string = string, Schema extends z.ZodObject = z.ZodObject> {
  /** The subgraphs that emit it (`*`: every one). */
  streams: readonly string[];
  aggregate: Aggregate;
  /** The payload's current version: the one `payload` describes and producers write. */
  version: number;
  payload: Schema;
  /** From each older version to the next: a consumer reads an event written before a change as the current version. */
  upcast?: Readonly<Record<number, (older: Payload) => Payload>>;
}

const event = <Aggregate extends string, Schema extends z.ZodObject>(
  streams: readonly string[],
  aggregate: Aggregate,
  version: number,
  schema: Schema,
): EventDefinition<Aggregate, Schema> => ({ streams, aggregate, version, payload: schema });

/**
 * Vocabularies more than one subgraph speaks: a consumer compares with these values, and a misspelled one fails tsc.
 * The owner's GraphQL enum has the same values (sales' StageMarker, identity's ConsentPurpose and ConsentChannel).
 */
export const STAGE_MARKERS = ['NEW_INQUIRY', 'TEST_DRIVE', 'FIRST_OFFER_SENT', 'NEGOTIATION', 'ORDERED', 'LOST'] as const;
export const CONSENT_PURPOSES = ['MARKETING', 'PROFILING', 'SERVICE_COMMUNICATION', 'THIRD_PARTY_SHARING'] as const;
export const CONSENT_CHANNELS = ['EMAIL', 'SMS', 'PHONE', 'PUSH', 'POST', 'ANY'] as const;
/** How a customer looked at a quote: OPENED (its page, or as staff recorded it) or DOWNLOADED (its PDF). */
export const QUOTE_VIEW_KINDS = ['OPENED', 'DOWNLOADED'] as const;

/** What every Opportunity* event says about the opportunity as it is now. */
export const opportunitySnapshot = {
  opportunityId: id,
  customerId: id,
  pipelineId: id,
  stageId: id,
  stageName: text,
  marker: z.enum(STAGE_MARKERS).nullable(),
  ownerId: optionalId,
  status: z.enum(['OPEN', 'WON', 'LOST']),
  amount: money,
  nextContactAt: optionalTime,
};

/** What every Quote* event says about the quote. */
export const quoteSnapshot = {
  quoteId: id,
  opportunityId: optionalId,
  customerId: id,
  ownerId: optionalId,
  status: text,
  total: money,
  products: z.array(z.object({ productId: id, name: text, category: text })),
};

/** What every Case* event says about the case. */
export const caseSnapshot = {
  caseId: id,
  customerId: id,
  status: text,
  priority: text,
  line: text,
  category: text,
  assigneeId: optionalId,
  channel: text,
  currentChannel: text,
};

/** What every CaseAssignmentRule* event says about the rule. */
const caseAssignmentRule = {
  ruleId: id,
  name: text,
  line: text,
  priority: optionalText,
  category: optionalText,
  agentIds: ids,
  active: z.boolean(),
};

/** What every WorkingCalendar* event says about the calendar: its hours (local, DEALER_TIME_ZONE) and holidays. */
const workingCalendar = {
  calendarId: id,
  name: text,
  workingHours: z.array(z.object({ days: z.array(text), opens: text, closes: text })),
  holidays: z.array(z.object({ date: text, name: optionalText })),
};

const activity = {
  activityId: id,
  kind: text,
  type: text,
  customerId: optionalId,
  leadId: optionalId,
  opportunityId: optionalId,
  ownerId: optionalId,
  subject: text,
  dueAt: optionalTime,
  reminderAt: optionalTime,
  occurredAt: optionalTime,
  completedAt: optionalTime,
};

const customerProfile = {
  customerId: id,
  kind: text,
  firstName: optionalText,
  lastName: optionalText,
  organizationName: optionalText,
  birthDate: optionalText,
  gender: optionalText,
  industry: optionalText,
  companySize: optionalText,
  jobTitle: optionalText,
  organizationId: optionalId,
};

/** What every WebhookEndpoint* event says about the endpoint (never its secret). */
const webhookEndpoint = {
  endpointId: id,
  ownerKind: z.enum(['USER', 'API_KEY']),
  ownerId: text,
  url: text,
  eventTypes: z.array(text),
  status: z.enum(['ACTIVE', 'PAUSED']),
};

/** What a web form asked about: a product of the catalogue, or a model typed in. */
const interest = z.object({ productId: optionalId, model: optionalText });

const campaignStatusChange = payload({ campaignId: id, from: text, to: text, changedFields: z.array(text) });

const ALL = ['*'];
const identity = ['identity'];
const sales = ['sales'];
const marketing = ['marketing'];
const service = ['service'];

export const EVENTS = {
  // identity
  CustomerCreated: event(identity, 'Customer', 1, payload({ ...customerProfile, identifiers: z.array(z.object({ kind: text, value: text })) })),
  CustomerChanged: event(identity, 'Customer', 1, payload({ ...customerProfile, changedFields: z.array(text), values: z.record(z.string(), z.unknown()) })),
  CustomerArchived: event(identity, 'Customer', 1, payload({ customerId: id, archivedAt: time })),
  CustomerMerged: event(identity, 'Customer', 1, payload({ survivorId: id, mergedId: id, movedIdentifiers: z.number() })),
  CustomerResolved: event(
    identity,
    'Customer',
    1,
    payload({
      customerId: id,
      created: z.boolean(),
      matchedBy: z.array(text),
      conflictingCustomerIds: ids,
      leadId: optionalId,
      email: optionalText,
      phone: optionalText,
      deviceIds: z.array(text),
      requestedAppointment: optionalTime,
      interest: interest.nullable(),
      firstName: optionalText,
      lastName: optionalText,
    }),
  ),
  IdentifierLinked: event(identity, 'Customer', 1, payload({ customerId: id, kind: text, value: text })),
  IdentifierRemoved: event(identity, 'Customer', 1, payload({ customerId: id, kind: text, value: text })),
  ConsentChanged: event(
    identity,
    'Customer',
    1,
    payload({
      customerId: id,
      consentId: id,
      purpose: z.enum(CONSENT_PURPOSES),
      channel: z.enum(CONSENT_CHANNELS),
      status: z.enum(['GRANTED', 'WITHDRAWN']),
      source: text,
      textVersion: text,
      givenAt: time,
      recordedAt: time,
    }),
  ),
  // `name` (optional: events written before it lack it) lets sales answer an owner's name itself (ADR 12, staff names).
  UserCreated: event(identity, 'User', 1, payload({ userId: id, role: text, name: text.optional() })),
  UserChanged: event(identity, 'User', 1, payload({ userId: id, role: text, active: z.boolean(), changedFields: z.array(text), name: text.optional() })),
  TeamCreated: event(identity, 'Team', 1, payload({ teamId: id, name: text, managerId: optionalId, memberIds: ids })),
  TeamMemberAdded: event(identity, 'Team', 1, payload({ teamId: id, userId: id })),
  ApiKeyCreated: event(identity, 'ApiKey', 1, payload({ apiKeyId: id, name: text, scopes: z.array(text) })),
  ApiKeyRotated: event(identity, 'ApiKey', 1, payload({ apiKeyId: id, name: text, scopes: z.array(text) })),
  ApiKeyRevoked: event(identity, 'ApiKey', 1, payload({ apiKeyId: id, name: text, scopes: z.array(text) })),
  AccessRuleChanged: event(identity, 'AccessRule', 1, payload({ appliesTo: text, cidrs: z.array(text), hours: z.unknown() })),
  AccessRuleRemoved: event(identity, 'AccessRule', 1, payload({ appliesTo: text })),
  CustomerErasureRequested: event(identity, 'ErasureRequest', 1, payload({ erasureId: id, customerIds: ids })),
  /** A partner's webhook endpoint (ADR 17); `reason` says why it was paused (its owner, or the failures). */
  WebhookEndpointRegistered: event(identity, 'WebhookEndpoint', 1, payload(webhookEndpoint)),
  WebhookEndpointChanged: event(identity, 'WebhookEndpoint', 1, payload({ ...webhookEndpoint, changedFields: z.array(text) })),
  WebhookEndpointPaused: event(identity, 'WebhookEndpoint', 1, payload({ ...webhookEndpoint, reason: text, consecutiveFailures: z.number() })),
  WebhookEndpointResumed: event(identity, 'WebhookEndpoint', 1, payload(webhookEndpoint)),
  WebhookEndpointDeleted: event(identity, 'WebhookEndpoint', 1, payload(webhookEndpoint)),

  // sales
  WebFormCreated: event(sales, 'WebForm', 1, payload({ webFormId: id, name: text })),
  WebFormSubmitted: event(
    sales,
    'Lead',
    1,
    payload({
      leadId: id,
      submissionId: text,
      contact: z.object({ firstName: optionalText, lastName: optionalText, email: optionalText, phone: optionalText }),
      deviceIds: z.array(text),
      consents: z.array(z.object({ purpose: text, channel: text, granted: z.boolean(), textVersion: text })),
      source: text,
      requestedAppointment: optionalTime,
      interest,
      region: optionalText,
      pageUrl: optionalText,
    }),
  ),
  LeadCreated: event(
    sales,
    'Lead',
    1,
    payload({
      leadId: id,
      source: text,
      customerId: optionalId,
      ownerId: optionalId,
      interest: optionalText,
      interestProductId: optionalId,
      requestedAppointment: optionalTime,
      score: z.number(),
    }),
  ),
  /** `ownerId` (added later, so optional): the lead's owner as the change left it, for row-level subscribers. */
  LeadChanged: event(sales, 'Lead', 1, payload({ leadId: id, customerId: optionalId, changedFields: z.array(text), ownerId: optionalId.optional() })),
  LeadStatusChanged: event(sales, 'Lead', 1, payload({ leadId: id, from: text, to: text, reason: optionalText, ownerId: optionalId.optional() })),
  LeadAssigned: event(sales, 'Lead', 1, payload({ leadId: id, customerId: optionalId, ownerId: id, previousOwnerId: optionalId, reason: text })),
  LeadLeftUnassigned: event(sales, 'Lead', 1, payload({ leadId: id, customerId: optionalId, reason: text, ownerId: optionalId.optional() })),
  /** `signals`: what counted, with its points, so a rep sees why. */
  LeadScored: event(
    sales,
    'Lead',
    1,
    payload({
      leadId: id,
      customerId: optionalId,
      score: z.number(),
      signals: z.array(z.object({ signal: text, points: z.number() })),
      ownerId: optionalId.optional(),
    }),
  ),
  LeadConverted: event(sales, 'Lead', 1, payload({ leadId: id, opportunityId: id, customerId: id, ownerId: optionalId })),
  LeadRoutingRuleCreated: event(
    sales,
    'LeadRoutingRule',
    1,
    payload({ ruleId: id, name: text, regionPrefix: optionalText, productCategory: optionalText, candidateUserIds: ids }),
  ),
  PipelineCreated: event(sales, 'Pipeline', 1, payload({ pipelineId: id, name: text, stageIds: ids })),
  /** A stage added (addedStageId, with the new order), renamed (renamedStageId, name) or the stages reordered. */
  PipelineStagesChanged: event(
    sales,
    'Pipeline',
    1,
    payload({ pipelineId: id, addedStageId: id.optional(), renamedStageId: id.optional(), name: text.optional(), stageIds: ids.optional() }),
  ),
  ProductCreated: event(sales, 'Product', 1, payload({ productId: id, sku: text, name: text, category: text })),
  ProductChanged: event(sales, 'Product', 1, payload({ productId: id, changedFields: z.array(text) })),
  OpportunityCreated: event(sales, 'Opportunity', 1, payload(opportunitySnapshot)),
  /** `values`: the changed fields' new values; `archivedAt` when it was archived; `quoteId`: the accepted quote that priced it. */
  OpportunityChanged: event(
    sales,
    'Opportunity',
    1,
    payload({
      ...opportunitySnapshot,
      changedFields: z.array(text),
      values: z.record(z.string(), z.unknown()).optional(),
      archivedAt: time.optional(),
      quoteId: id.optional(),
    }),
  ),
  OpportunityStageChanged: event(
    sales,
    'Opportunity',
    1,
    payload({ ...opportunitySnapshot, fromStageId: optionalId, toStageId: id, changedBy: text, followUpAt: optionalTime }),
  ),
  /** `acceptedQuote`: the deal's latest accepted quote and what it sold, when it had one as it was won (service registers the cars). */
  OpportunityWon: event(
    sales,
    'Opportunity',
    1,
    payload({ ...opportunitySnapshot, acceptedQuote: z.object({ quoteId: id, products: quoteSnapshot.products }).nullable().optional() }),
  ),
  OpportunityLost: event(sales, 'Opportunity', 1, payload(opportunitySnapshot)),
  /** Each open and download of one of its quotes (`kind`, added later, so optional: OPENED when absent). */
  OpportunityQuoteViewed: event(
    sales,
    'Opportunity',
    1,
    payload({ ...opportunitySnapshot, quoteId: id, channel: optionalText, viewedAt: time, kind: z.enum(QUOTE_VIEW_KINDS).optional() }),
  ),
  QuoteCreated: event(sales, 'Quote', 1, payload({ ...quoteSnapshot, title: text, currency: text })),
  /** A line added (lineId, productId) or a way to pay offered (financingOptionId, kind, monthlyPayment). */
  QuoteChanged: event(
    sales,
    'Quote',
    1,
    payload({
      ...quoteSnapshot,
      changedFields: z.array(text),
      lineId: id.optional(),
      productId: id.optional(),
      financingOptionId: id.optional(),
      kind: text.optional(),
      monthlyPayment: optionalText.optional(),
    }),
  ),
  /** With what it offers, for automations (e.g. a newsletter personalized from the offer) that read nothing back. */
  QuoteSent: event(
    sales,
    'Quote',
    1,
    payload({
      ...quoteSnapshot,
      title: text,
      validUntil: optionalText,
      lines: z.array(z.object({ productId: id, description: optionalText, quantity: z.number(), net: money })),
      financing: z.array(z.object({ kind: text, termMonths: z.number().nullable(), monthlyPayment: money.nullable() })),
      /** The tracked link to send the customer (its page and PDF; signed, expiring); added later, so optional. */
      documentUrl: text.optional(),
    }),
  ),
  /** Each open and download (`kind`, added later, so optional: OPENED when absent). */
  QuoteViewed: event(sales, 'Quote', 1, payload({ ...quoteSnapshot, viewedAt: time, channel: optionalText, kind: z.enum(QUOTE_VIEW_KINDS).optional() })),
  /** `opportunityStatus`: the quote's deal as the quote was accepted (WON when accepting won it). */
  QuoteAccepted: event(sales, 'Quote', 1, payload({ ...quoteSnapshot, opportunityStatus: opportunitySnapshot.status.nullable().optional() })),
  QuoteRejected: event(sales, 'Quote', 1, payload({ ...quoteSnapshot, reason: optionalText })),
  QuoteExpired: event(sales, 'Quote', 1, payload(quoteSnapshot)),
  ActivityCreated: event(sales, 'Activity', 1, payload(activity)),
  ActivityCompleted: event(sales, 'Activity', 1, payload(activity)),
  ActivityDue: event(sales, 'Activity', 1, payload(activity)),

  // marketing
  InteractionRecorded: event(
    marketing,
    'Interaction',
    1,
    payload({ interactionId: id, customerId: optionalId, anonymousId: optionalText, channel: text, type: text, campaignId: optionalId }),
  ),
  AnonymousInteractionsLinked: event(marketing, 'Customer', 1, payload({ customerId: id, anonymousId: text, interactionIds: ids })),
  /** Interactions recorded under only a phone or e-mail joined the customer that identifier now belongs to (never the value itself). */
  ContactInteractionsLinked: event(marketing, 'Customer', 1, payload({ customerId: id, interactionIds: ids })),
  CustomerDataMoved: event(marketing, 'Customer', 1, payload({ survivorId: id, mergedId: id })),
  SegmentCreated: event(marketing, 'Segment', 1, payload({ segmentId: id, name: text, kind: text })),
  SegmentUpdated: event(marketing, 'Segment', 1, payload({ segmentId: id, changedFields: z.array(text) })),
  SegmentArchived: event(marketing, 'Segment', 1, payload({ segmentId: id })),
  SegmentMembersAdded: event(marketing, 'Segment', 1, payload({ segmentId: id, customerIds: ids })),
  SegmentMembersRemoved: event(marketing, 'Segment', 1, payload({ segmentId: id, customerIds: ids })),
  CampaignCreated: event(marketing, 'Campaign', 1, payload({ campaignId: id, segmentId: id, channel: text, startsAt: time })),
  CampaignScheduled: event(marketing, 'Campaign', 1, campaignStatusChange),
  CampaignStarted: event(marketing, 'Campaign', 1, campaignStatusChange),
  CampaignCompleted: event(marketing, 'Campaign', 1, campaignStatusChange),
  CampaignCancelled: event(marketing, 'Campaign', 1, campaignStatusChange),
  SequenceCreated: event(marketing, 'Sequence', 1, payload({ sequenceId: id, name: text, steps: z.number() })),
  SequenceEnrolled: event(
    marketing,
    'SequenceEnrolment',
    1,
    payload({ enrolmentId: id, sequenceId: id, customerId: id, personalization: z.record(z.string(), z.unknown()).nullable() }),
  ),
  SequenceStepAdvanced: event(
    marketing,
    'SequenceEnrolment',
    1,
    payload({ enrolmentId: id, sequenceId: id, customerId: id, completedStep: z.number(), currentStep: z.number() }),
  ),
  SequenceCompleted: event(marketing, 'SequenceEnrolment', 1, payload({ enrolmentId: id, sequenceId: id, customerId: id, completedStep: z.number() })),
  SequenceExited: event(
    marketing,
    'SequenceEnrolment',
    1,
    payload({ enrolmentId: id, sequenceId: id, customerId: id, atStep: z.number(), reason: optionalText }),
  ),
  /** A sequence's CREATE_TASK step: sales gives the customer's rep (else the queue's manager) a task, once per step. */
  SequenceTaskRequested: event(
    marketing,
    'SequenceEnrolment',
    1,
    payload({ enrolmentId: id, sequenceId: id, customerId: id, step: z.number(), subject: text, opportunityId: optionalId }),
  ),
  SurveyAnswered: event(
    marketing,
    'SurveyResponse',
    1,
    payload({ surveyResponseId: id, customerId: id, score: z.number(), category: text, interactionId: id }),
  ),
  MessageSent: event(marketing, 'MessageSend', 1, payload({ messageSendId: id, customerId: id, channel: text, purpose: text, template: text, status: text })),
  MessageFailed: event(marketing, 'MessageSend', 1, payload({ messageSendId: id, customerId: id, channel: text, purpose: text, template: text, status: text })),
  MessageSuppressed: event(
    marketing,
    'MessageSend',
    1,
    payload({ messageSendId: id, customerId: id, channel: text, purpose: text, template: text, status: text }),
  ),

  // service
  CaseOpened: event(service, 'Case', 1, payload({ ...caseSnapshot, classificationRule: optionalText, firstResponseDueAt: time, resolutionDueAt: time })),
  /** New deadlines come with a change of priority; previousCustomerId with a merge of customers. */
  CaseChanged: event(
    service,
    'Case',
    1,
    payload({
      ...caseSnapshot,
      changedFields: z.array(text),
      firstResponseDueAt: time.optional(),
      resolutionDueAt: time.optional(),
      previousCustomerId: id.optional(),
    }),
  ),
  CaseStatusChanged: event(service, 'Case', 1, payload({ ...caseSnapshot, from: text, to: text, resolvedAt: optionalTime })),
  /** `reason`: by hand, or the assignment rule and the agent's open cases when a new case was assigned automatically. */
  CaseAssigned: event(service, 'Case', 1, payload({ ...caseSnapshot, previousAssigneeId: optionalId, reason: optionalText.optional() })),
  /** A new case no assignment rule places: it waits unassigned in the queue, with the reason. */
  CaseLeftUnassigned: event(service, 'Case', 1, payload({ ...caseSnapshot, reason: text })),
  CaseAssignmentRuleCreated: event(service, 'CaseAssignmentRule', 1, payload(caseAssignmentRule)),
  CaseAssignmentRuleChanged: event(service, 'CaseAssignmentRule', 1, payload({ ...caseAssignmentRule, changedFields: z.array(text) })),
  CaseEscalated: event(service, 'Case', 1, payload({ ...caseSnapshot, reason: optionalText })),
  /**
   * Version 2: `channel` is the case's, like in every Case* event, and the message's own is `messageChannel`.
   * Version 1 had the message's in `channel` and the case's in `caseChannel`.
   */
  CaseMessageAdded: {
    ...event(
      service,
      'Case',
      2,
      payload({ ...caseSnapshot, messageId: id, messageChannel: text, direction: text, body: text, sentAt: time, changedFields: z.array(text) }),
    ),
    upcast: {
      1: ({ channel, caseChannel, ...rest }) => ({ ...rest, channel: caseChannel, messageChannel: channel }),
    },
  },
  CaseSlaAtRisk: event(service, 'Case', 1, payload({ ...caseSnapshot, deadline: text, dueAt: time, windowMinutes: z.number() })),
  CustomerServiceRecordsMerged: event(
    service,
    'Customer',
    1,
    payload({ survivorId: id, mergedId: id, caseIds: ids, assetIds: ids, messages: z.number(), contractMoved: z.boolean() }),
  ),
  /** `opportunityId` and `quoteId`: the deal and the accepted quote that sold it, when it came from one. */
  AssetRegistered: event(
    service,
    'Asset',
    1,
    payload({ assetId: id, customerId: id, kind: text, identifier: text, model: text, opportunityId: optionalId.optional(), quoteId: optionalId.optional() }),
  ),
  /** `customerId` (added later, so optional): whose asset it is now, for subscribers following one customer's assets. */
  AssetChanged: event(
    service,
    'Asset',
    1,
    payload({
      assetId: id,
      customerId: id.optional(),
      changedFields: z.array(text),
      financing: z.object({ provider: text, contractNumber: text, monthlyPayment: money, endsOn: optionalText }).nullable(),
      insurance: z.object({ provider: text, policyNumber: text, type: text, validUntil: optionalText }).nullable(),
    }),
  ),
  ServiceVisitRecorded: event(
    service,
    'Asset',
    1,
    payload({ assetId: id, visitId: id, customerId: id, mileage: z.number(), mileageRaised: z.boolean(), visitedOn: text }),
  ),
  /** `calendarId`: the working calendar its SLA deadlines run in (null: calendar time, 24/7); absent before calendars. */
  ServiceContractSet: event(
    service,
    'ServiceContract',
    1,
    payload({
      contractId: id,
      customerId: id,
      tier: text,
      previousTier: optionalText,
      calendarId: optionalId.optional(),
      previousCalendarId: optionalId.optional(),
    }),
  ),
  WorkingCalendarCreated: event(service, 'WorkingCalendar', 1, payload(workingCalendar)),
  WorkingCalendarChanged: event(service, 'WorkingCalendar', 1, payload({ ...workingCalendar, changedFields: z.array(text) })),
  KnowledgeArticleCreated: event(service, 'KnowledgeArticle', 1, payload({ articleId: id, title: text, status: text })),
  KnowledgeArticlePublished: event(service, 'KnowledgeArticle', 1, payload({ articleId: id, title: text })),

  // every subgraph
  AuditRecorded: event(
    ALL,
    'AuditEntry',
    1,
    payload({
      at: time,
      actorId: text,
      actorKind: text,
      /** e.g. Mutation.moveOpportunity, SIGN_IN, API_KEY_USED, PERSONAL_DATA_READ. */
      operation: text,
      outcome: z.enum(['DONE', 'DENIED']),
      entityType: optionalText.optional(),
      entityId: optionalText.optional(),
      details: z.unknown().optional(),
      reason: optionalText.optional(),
      requestId: optionalText.optional(),
      clientIp: optionalText.optional(),
      service: text,
    }),
  ),
  CustomerDataErased: event(ALL, 'ErasureRequest', 1, payload({ erasureId: id, subgraph: text, counts: z.record(z.string(), z.number()) })),
  // The records a subgraph erased or emptied (leads, interactions, cases…), up to ERASED_AGGREGATES_PER_EVENT an event:
  // copies of their events kept elsewhere (webhook deliveries) are erased with them.
  CustomerAggregatesErased: event(ALL, 'ErasureRequest', 1, payload({ erasureId: id, subgraph: text, aggregateIds: z.array(text).max(1000) })),
} satisfies Record<string, EventDefinition>;

export type EventType = keyof typeof EVENTS;
/** The payload a producer writes for an event type. */
export type PayloadOf<T extends EventType> = z.input<(typeof EVENTS)[T]['payload']>;
/** The payload a consumer reads: checked against the catalog, upcast to the current version. */
export type EventPayload<T extends EventType> = z.output<(typeof EVENTS)[T]['payload']>;
/** The event types about one aggregate, e.g. `EventsAbout<'Opportunity'>`. */
export type EventsAbout<Aggregate extends string> = { [T in EventType]: (typeof EVENTS)[T]['aggregate'] extends Aggregate ? T : never }[EventType];
/** An event read from the bus whose payload keeps its type's contract. */
export type CatalogEvent<T extends EventType = EventType> = T extends EventType
  ? Omit<BusEvent, 'type' | 'payload'> & { type: T; payload: EventPayload<T> }
  : never;

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENTS, type);

/** The event types about one aggregate (e.g. every Opportunity* event), for subscriptions that follow it. */
export const eventTypesOf = <Aggregate extends string>(aggregate: Aggregate): Array<EventsAbout<Aggregate>> =>
  (Object.keys(EVENTS) as EventType[]).filter((type): type is EventsAbout<Aggregate> => EVENTS[type].aggregate === aggregate);

/** The version every payload is stamped with (`eventVersion`) as the outbox writes it. */
export const versionOf = (type: EventType): number => EVENTS[type].version;

const strictPayloads = new Map<EventType, z.ZodObject>();

/**
 * Why a payload a producer is about to write breaks its type's contract (a key the catalog does not declare
 * included, which tsc cannot see through a spread), or null when it keeps it.
 */
export function writeViolation(type: EventType, payload: Payload): string | null {
  let strict = strictPayloads.get(type);
  if (!strict) strictPayloads.set(type, (strict = z.strictObject(EVENTS[type].payload.shape)));
  const checked = strict.safeParse(payload);
  return checked.success ? null : describeIssues(checked.error);
}

const describeIssues = (error: z.ZodError) =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
    .join('; ');

export type ReadResult = { ok: true; payload: Payload } | { ok: false; violation: string };

/**
 * A payload as its definition's current version: upcast from an older version, then parsed (undeclared keys
 * dropped). An event without a version stamp was written before versions were stamped: version 1.
 */
export function readPayload(definition: EventDefinition, payload: unknown): ReadResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, violation: 'payload is not an object' };
  const stamped = (payload as Payload).eventVersion;
  let version = stamped === undefined ? 1 : stamped;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > definition.version) {
    return { ok: false, violation: `version ${String(version)} is unknown (the catalog knows 1 to ${definition.version})` };
  }
  let current = payload as Payload;
  for (; version < definition.version; version++) {
    const upcast = definition.upcast?.[version];
    if (!upcast) return { ok: false, violation: `version ${version} cannot be read as version ${definition.version}: no upcaster` };
    current = upcast(current);
  }
  const parsed = definition.payload.safeParse({ ...current, eventVersion: definition.version });
  return parsed.success ? { ok: true, payload: parsed.data } : { ok: false, violation: describeIssues(parsed.error) };
}

/**
 * An event read from the bus as its catalog type, or why it breaks the contract: an unknown type, a type its stream
 * does not emit, an unknown version or a payload of the wrong shape. Erased events (the person's data redacted, see
 * erasure.ts) describe what no longer exists: they are `erased`, for consumers to pass over.
 */
export function readEvent(event: BusEvent): { event: CatalogEvent } | { violation: string } | { erased: true } {
  if (event.payload.erased === true) return { erased: true };
  if (!isEventType(event.type)) return { violation: `${event.type} is no event type of the catalog` };
  const definition: EventDefinition = EVENTS[event.type];
  if (!definition.streams.includes('*') && !definition.streams.includes(event.stream)) {
    return { violation: `${event.type} is not emitted by ${event.stream}` };
  }
  const read = readPayload(definition, event.payload);
  if (!read.ok) return { violation: `${event.type} ${read.violation}` };
  return { event: { ...event, type: event.type, payload: read.payload } as CatalogEvent };
}
