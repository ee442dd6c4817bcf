import { extendSchema, parse, type GraphQLSchema } from 'graphql';
import { ERROR_CODES } from '@crm/kit/errors.js';
import { topics } from './topics.js';
import { AGGREGATE_SUBSCRIPTION_SDL } from './aggregate-topics.js';

/**
 * The subscription part of the public API. It extends the supergraph's API schema, so a payload's entity is
 * the real supergraph type and a client can select any of its fields, from any subgraph.
 */
export const SUBSCRIPTION_SDL = /* GraphQL */ `
  "A committed domain event: what happened, when, and the cursor to resume after it."
  type ChangeEvent {
    type: String!
    cursor: String!
    occurredAt: DateTimeISO!
    aggregateId: ID!
    "The version of the record this event produced; null for records without versions"
    aggregateVersion: Int
    changedFields: [String!]!
  }

  type OpportunityChange {
    event: ChangeEvent!
    opportunity: Opportunity
    newerThanEvent: Boolean
  }
  type InteractionChange {
    event: ChangeEvent!
    interaction: Interaction
    newerThanEvent: Boolean
  }
  type CaseChange {
    event: ChangeEvent!
    case: Case
    newerThanEvent: Boolean
  }
  type CustomerChange {
    event: ChangeEvent!
    customer: Customer
    newerThanEvent: Boolean
  }

  "What happened to an activity of an agenda"
  enum ActivityChangeKind {
    "Planned or logged (ActivityCreated), e.g. a follow-up task given to its owner"
    CREATED
    "Done (ActivityCompleted)"
    DONE
    "Its reminder, or without one its due time, has come (ActivityDue)"
    DUE
  }
  type ActivityChange {
    event: ChangeEvent!
    change: ActivityChangeKind!
    activity: Activity
    newerThanEvent: Boolean
  }

  "Where a web form's request stands, as the person who sent it may be told"
  enum LeadResult {
    "Received; not yet given to an advisor"
    RECEIVED
    "An advisor has it (advisorName)"
    ASSIGNED
    "No routing rule placed it: it waits for a manager to give it to an advisor"
    QUEUED
    "It became an opportunity: the advisor is preparing an offer"
    CONVERTED
    "Closed without an opportunity"
    CLOSED
  }
  "A lead's progress without personal data or internal reasons: what a web form's client (followToken) may see"
  type LeadProgress {
    status: LeadStatus!
    result: LeadResult!
    "The name of the advisor who has it, once assigned"
    advisorName: String
  }
  type LeadChange {
    event: ChangeEvent!
    "Needs sign-in (leads:read); a followToken socket selects progress instead"
    lead: Lead
    progress: LeadProgress
    newerThanEvent: Boolean
  }
  type QuoteChange {
    event: ChangeEvent!
    "For QuoteViewed: whether the customer opened the quote or downloaded its PDF"
    view: QuoteViewKind
    quote: Quote
    newerThanEvent: Boolean
  }
  type AssetChange {
    event: ChangeEvent!
    asset: Asset
    newerThanEvent: Boolean
  }
  type CampaignChange {
    event: ChangeEvent!
    campaign: Campaign
    newerThanEvent: Boolean
  }
  "What happened to a sequence enrolment"
  enum EnrolmentChangeKind {
    "The customer was enrolled (SequenceEnrolled)"
    ENROLLED
    "A step was sent and the next one is due (SequenceStepAdvanced)"
    STEP_SENT
    "A CREATE_TASK step asked sales for a task for the customer's rep (SequenceTaskRequested)"
    TASK_REQUESTED
    "The last step was sent (SequenceCompleted)"
    COMPLETED
    "It ended early: a deal won or lost, consent withdrawn, a reply, or by hand (SequenceExited, exitReason)"
    EXITED
  }
  type EnrolmentChange {
    event: ChangeEvent!
    change: EnrolmentChangeKind!
    enrolment: SequenceEnrolment
    newerThanEvent: Boolean
  }

  "What happened to a webhook endpoint"
  enum WebhookEndpointChangeKind {
    "Registered (WebhookEndpointRegistered)"
    REGISTERED
    "Its URL or event types changed (WebhookEndpointChanged)"
    CHANGED
    "Paused by its owner, or by the platform after failing too long (WebhookEndpointPaused): reason says why"
    PAUSED
    "Resumed: what queued up while paused is delivered (WebhookEndpointResumed)"
    RESUMED
    "Deleted (WebhookEndpointDeleted): the endpoint reads null"
    DELETED
  }
  type WebhookEndpointChange {
    event: ChangeEvent!
    change: WebhookEndpointChangeKind!
    "For PAUSED: why, as the pause told it (e.g. the failures that paused it)"
    reason: String
    endpoint: WebhookEndpoint
    newerThanEvent: Boolean
  }

  """
  Live changes. Pass after: <cursor> to first replay what was missed (within the retention window), then continue live.
  The record in a change is read as the event is delivered; newerThanEvent is true when it has changed again since
  this event (those changes come as their own events), null when that cannot be told.
  A client that falls behind is disconnected with close code 4100: reconnect with after set to the last cursor received.
  """
  type Subscription {
    opportunityChanged(filter: OpportunityChangedFilter, after: String): OpportunityChange!
    pipelineChanged(pipelineId: ID!, after: String): OpportunityChange!
    interactionRecorded(customerId: ID!, after: String): InteractionChange!
    caseChanged(filter: CaseChangedFilter, after: String): CaseChange!
    customerChanged(id: ID!, after: String): CustomerChange!
    "A rep's agenda: their activities created, done and falling due. allOwners: every owner whose activities you see"
    activityChanged(filter: ActivityChangedFilter, allOwners: Boolean = false, after: String): ActivityChange!
    "Leads created, scored, routed (assigned or queued), changed and converted; id: one lead. A web form's client connects with connectionParams: { followToken } (from submitWebForm) and follows its own lead's progress"
    leadChanged(id: ID, filter: LeadChangedFilter, after: String): LeadChange!
    "Quotes created, changed, sent, viewed, accepted, rejected and expired; id: one quote"
    quoteChanged(id: ID, filter: QuoteChangedFilter, after: String): QuoteChange!
    "Assets registered (also as a won deal's cars), changed (financing, insurance) and visited for service; id: one asset"
    assetChanged(id: ID, filter: AssetChangedFilter, after: String): AssetChange!
    "Campaigns created, scheduled, started, completed and cancelled; id: one campaign. Its engagement live: campaignMetricsChanged; its sending progress moves without events (read campaign { progress })"
    campaignChanged(id: ID, after: String): CampaignChange!
    "Sequence enrolments: enrolled, each step sent, a task asked for, completed, exited; id: one enrolment"
    enrolmentChanged(id: ID, filter: EnrolmentChangedFilter, after: String): EnrolmentChange!
    "Webhook endpoints registered, changed, paused (by their owner, or by the platform when failing: how an owner is told), resumed and deleted; id: one endpoint. Needs webhooks:manage; a partner's key hears of its own endpoints only"
    webhookEndpointChanged(id: ID, after: String): WebhookEndpointChange!
  }

  extend schema {
    subscription: Subscription
  }
`;

/** Each topic's filter input, from the payload keys it declares (so a filter field is always a key of its events). */
export const FILTER_SDL = Object.values(topics)
  .flatMap((topic) => (topic.filter ? [topic.filter] : []))
  .map(
    ({ input, fields }) =>
      `input ${input} {\n${Object.entries(fields)
        .map(([name, field]) => `${field?.description ? `  ${JSON.stringify(field.description)}\n` : ''}  ${name}: ${field?.type}`)
        .join('\n')}\n}`,
  )
  .join('\n\n');

/** Every `extensions.code` an answer may carry, documented in the schema (kit/errors.ts is the one table). */
export const ERROR_CODE_SDL = `"The code in an error's extensions.code, and what to do about it"
enum ErrorCode {
${Object.entries(ERROR_CODES)
  .map(([code, meaning]) => `  ${JSON.stringify(meaning)}\n  ${code}`)
  .join('\n')}
}`;

/** The supergraph's API schema with what the gateway adds: subscriptions and the documented error codes. */
export function buildSubscriptionSchema(apiSchema: GraphQLSchema): GraphQLSchema {
  return extendSchema(apiSchema, parse(`${ERROR_CODE_SDL}\n${FILTER_SDL}\n${SUBSCRIPTION_SDL}\n${AGGREGATE_SUBSCRIPTION_SDL}`));
}
