import type { Permission } from '@crm/kit/access/permissions.js';
import { LEAD_FOLLOW } from '@crm/kit/access/link-token.js';
import { ownsRow, worksCase, type Viewer } from '@crm/kit/access/viewer.js';
import { DomainError } from '@crm/kit/errors.js';
import { eventTypesOf, type CatalogEvent, type EventPayload, type EventType, type EventsAbout } from '@crm/kit/event-catalog.js';

/**
 * What each subscription field listens to, in terms of the event catalog: which events it follows, which of their
 * payload keys its filter argument offers, which events match the arguments, and which root query of the supergraph
 * fetches the entity the event is about (so any field of it, from any subgraph, can be selected).
 */
export interface Topic<T extends EventType = EventType> {
  /** What a subscriber needs to follow it at all. */
  permission: Permission;
  /** The event types it follows (every event about an aggregate: `eventTypesOf`). */
  events: readonly T[];
  /**
   * The fields of its `filter` argument (an input type of that name): each is a payload key of every followed event
   * (tsc checks it), with its GraphQL type; an event matches when every field set equals its value in the payload.
   */
  filter?: { input: string; fields: { [K in keyof EventPayload<T> & string]?: { type: string; description?: string } } };
  /** Whether the subscriber may see this event's record (row level); checked before anything is read for it. */
  visible(event: CatalogEvent<T>, viewer: Viewer): boolean;
  payloadField: string;
  /** The root query that reads the record the event is about (its aggregate id). */
  entityQueryField: string;
  /** Its other arguments (besides `filter` and `after`), matched against the event. */
  matches?(event: CatalogEvent<T>, args: Record<string, unknown>): boolean;
  /**
   * Checks the arguments when a signed-in caller subscribes (before anything is read) and answers them as the
   * subscription uses them, defaults filled in (e.g. a rep's own agenda); throws a DomainError to refuse.
   */
  arguments?(args: Record<string, unknown>, viewer: Viewer): Record<string, unknown>;
  /** The payload's fields the event itself tells (e.g. what happened to an activity), by field name. */
  describe?(event: CatalogEvent<T>): Record<string, unknown>;
  /**
   * A payload field of non-personal facts about the record, read by the gateway as the platform with a fixed
   * selection (never the client's) and shaped by `shape`. A socket opened with a link token of `followPurpose`
   * (connectionParams: { followToken }) may subscribe to this topic alone, for the one record the token names, and
   * select only this field: a web form's client learns its lead's result without seeing anything else.
   */
  progress?: { field: string; selection: string; shape(entity: Record<string, unknown>): unknown; followPurpose?: string };
}

/** A topic with its event types inferred, so its functions read their payloads typed. */
const topic = <T extends EventType>(definition: Topic<T>): Topic<T> => definition;

const anyRow = () => true;

/** Lead events written before they carried the owner say nothing of it: only a viewer of every row sees those. */
const seesLead = (viewer: Viewer, ownerId: string | null | undefined) => (ownerId === undefined ? viewer.owners === null : ownsRow(viewer, ownerId));

/** What the person who sent a web form is told of it (LeadProgress.result). */
export function leadResult(lead: { status?: unknown; owner?: unknown; assignmentReason?: unknown }): string {
  if (lead.status === 'CONVERTED') return 'CONVERTED';
  if (lead.status === 'DISQUALIFIED') return 'CLOSED';
  if (lead.owner) return 'ASSIGNED';
  return lead.assignmentReason ? 'QUEUED' : 'RECEIVED';
}

/** What happened to an activity, as ActivityChange.change says it. */
const ACTIVITY_CHANGES: Record<EventsAbout<'Activity'>, string> = { ActivityCreated: 'CREATED', ActivityCompleted: 'DONE', ActivityDue: 'DUE' };

/**
 * A person follows their own agenda unless they name another owner (one whose rows they see: a teammate's, or for
 * a manager their teams') or ask for every owner they see with allOwners; a key or service follows every owner.
 */
function agendaArguments(args: Record<string, unknown>, viewer: Viewer): Record<string, unknown> {
  const filter = { ...((args.filter as Record<string, unknown> | null | undefined) ?? {}) };
  if (typeof filter.ownerId === 'string') {
    filter.ownerId = filter.ownerId.toLowerCase();
    if (!ownsRow(viewer, filter.ownerId as string)) {
      throw new DomainError('FORBIDDEN', "You may follow your own agenda and those of the reps whose activities you see (your teams')", {
        field: 'filter.ownerId',
      });
    }
  } else if (args.allOwners !== true && viewer.kind === 'user') {
    filter.ownerId = viewer.id.toLowerCase();
  }
  return { ...args, filter };
}

/** What happened to a sequence enrolment, as EnrolmentChange.change says it. */
const ENROLMENT_CHANGES: Record<EventsAbout<'SequenceEnrolment'>, string> = {
  SequenceEnrolled: 'ENROLLED',
  SequenceStepAdvanced: 'STEP_SENT',
  SequenceTaskRequested: 'TASK_REQUESTED',
  SequenceCompleted: 'COMPLETED',
  SequenceExited: 'EXITED',
};

/** What happened to a webhook endpoint, as WebhookEndpointChange.change says it. */
const WEBHOOK_ENDPOINT_CHANGES: Record<EventsAbout<'WebhookEndpoint'>, string> = {
  WebhookEndpointRegistered: 'REGISTERED',
  WebhookEndpointChanged: 'CHANGED',
  WebhookEndpointPaused: 'PAUSED',
  WebhookEndpointResumed: 'RESUMED',
  WebhookEndpointDeleted: 'DELETED',
};

/** Like the webhookEndpoint(s) queries: a partner's key hears of its own endpoints only; staff who manage webhooks, of all. */
const seesEndpoint = (viewer: Viewer, ownerId: string) => viewer.kind !== 'api-key' || ownerId === viewer.id;

const leadEvents = eventTypesOf('Lead').filter((type): type is Exclude<EventsAbout<'Lead'>, 'WebFormSubmitted'> => type !== 'WebFormSubmitted');

export const topics: Record<string, Topic> = {
  opportunityChanged: topic({
    permission: 'opportunities:read',
    events: eventTypesOf('Opportunity'),
    filter: { input: 'OpportunityChangedFilter', fields: { pipelineId: { type: 'ID' }, ownerId: { type: 'ID' }, stageId: { type: 'ID' } } },
    visible: (event, viewer) => ownsRow(viewer, event.payload.ownerId),
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
  }),
  pipelineChanged: topic({
    permission: 'opportunities:read',
    events: eventTypesOf('Opportunity'),
    visible: (event, viewer) => ownsRow(viewer, event.payload.ownerId),
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
    matches: (event, args) => event.payload.pipelineId === args.pipelineId,
  }),
  interactionRecorded: topic({
    permission: 'interactions:read',
    events: ['InteractionRecorded'],
    visible: anyRow,
    payloadField: 'interaction',
    entityQueryField: 'interaction',
    matches: (event, args) => event.payload.customerId === args.customerId,
  }),
  caseChanged: topic({
    permission: 'cases:read',
    events: eventTypesOf('Case'),
    filter: {
      input: 'CaseChangedFilter',
      fields: { line: { type: 'CaseLine', description: 'The queue: the line of support' }, assigneeId: { type: 'ID' }, priority: { type: 'CasePriority' } },
    },
    visible: (event, viewer) => worksCase(viewer, event.payload.line, event.payload.assigneeId),
    payloadField: 'case',
    entityQueryField: 'case',
  }),
  customerChanged: topic({
    permission: 'customers:read',
    events: eventTypesOf('Customer'),
    visible: anyRow,
    payloadField: 'customer',
    entityQueryField: 'customer',
    matches: (event, args) => event.aggregateId === args.id || (event.type === 'CustomerMerged' && event.payload.mergedId === args.id),
  }),
  activityChanged: topic({
    permission: 'activities:read',
    events: eventTypesOf('Activity'),
    filter: {
      input: 'ActivityChangedFilter',
      fields: {
        ownerId: { type: 'ID', description: 'Whose agenda: yours when not given (unless allOwners)' },
        type: { type: 'SalesActivityType' },
        customerId: { type: 'ID' },
        leadId: { type: 'ID' },
        opportunityId: { type: 'ID' },
      },
    },
    visible: (event, viewer) => ownsRow(viewer, event.payload.ownerId),
    payloadField: 'activity',
    entityQueryField: 'activity',
    arguments: agendaArguments,
    describe: (event) => ({ change: ACTIVITY_CHANGES[event.type] }),
  }),
  leadChanged: topic({
    permission: 'leads:read',
    events: leadEvents,
    filter: { input: 'LeadChangedFilter', fields: { ownerId: { type: 'ID' } } },
    visible: (event, viewer) => seesLead(viewer, event.payload.ownerId),
    payloadField: 'lead',
    entityQueryField: 'lead',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
    progress: {
      field: 'progress',
      selection: 'status assignmentReason owner { name }',
      shape: (lead) => ({ status: lead.status, result: leadResult(lead), advisorName: (lead.owner as { name?: string } | null)?.name ?? null }),
      followPurpose: LEAD_FOLLOW,
    },
  }),
  quoteChanged: topic({
    permission: 'quotes:read',
    events: eventTypesOf('Quote'),
    filter: {
      input: 'QuoteChangedFilter',
      fields: { ownerId: { type: 'ID', description: "The owner of the quote's opportunity" }, opportunityId: { type: 'ID' }, customerId: { type: 'ID' } },
    },
    visible: (event, viewer) => ownsRow(viewer, event.payload.ownerId),
    payloadField: 'quote',
    entityQueryField: 'quote',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
    // Views recorded before they had a kind were opens.
    describe: (event) => ({ view: event.type === 'QuoteViewed' ? (event.payload.kind ?? 'OPENED') : null }),
  }),
  assetChanged: topic({
    permission: 'assets:read',
    events: eventTypesOf('Asset'),
    // AssetChanged events written before they named the customer match no customerId filter.
    filter: { input: 'AssetChangedFilter', fields: { customerId: { type: 'ID', description: 'Whose assets' } } },
    visible: anyRow,
    payloadField: 'asset',
    entityQueryField: 'asset',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
  }),
  campaignChanged: topic({
    permission: 'marketing:read',
    events: eventTypesOf('Campaign'),
    visible: anyRow,
    payloadField: 'campaign',
    entityQueryField: 'campaign',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
  }),
  enrolmentChanged: topic({
    permission: 'marketing:read',
    events: eventTypesOf('SequenceEnrolment'),
    filter: { input: 'EnrolmentChangedFilter', fields: { sequenceId: { type: 'ID' }, customerId: { type: 'ID' } } },
    visible: anyRow,
    payloadField: 'enrolment',
    entityQueryField: 'sequenceEnrolment',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
    describe: (event) => ({ change: ENROLMENT_CHANGES[event.type] }),
  }),
  webhookEndpointChanged: topic({
    permission: 'webhooks:manage',
    events: eventTypesOf('WebhookEndpoint'),
    visible: (event, viewer) => seesEndpoint(viewer, event.payload.ownerId),
    payloadField: 'endpoint',
    entityQueryField: 'webhookEndpoint',
    matches: (event, args) => args.id == null || event.aggregateId === args.id,
    // The reason as the pause event tells it: the endpoint read later may have been resumed since.
    describe: (event) => ({
      change: WEBHOOK_ENDPOINT_CHANGES[event.type],
      reason: event.type === 'WebhookEndpointPaused' ? event.payload.reason : null,
    }),
  }),
};

/** Every filter field that is set equals the event's value of that payload key. */
export function filterMatches(event: CatalogEvent, filter: Record<string, unknown> | null | undefined): boolean {
  const payload = event.payload as Record<string, unknown>;
  return Object.entries(filter ?? {}).every(([key, wanted]) => wanted == null || payload[key] === wanted);
}
