import type { Permission } from '@crm/kit/access/permissions.js';
import { ownsRow, worksCase, type Viewer } from '@crm/kit/access/viewer.js';
import { eventTypesOf, type CatalogEvent, type EventPayload, type EventType } from '@crm/kit/event-catalog.js';

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
}

/** A topic with its event types inferred, so its functions read their payloads typed. */
const topic = <T extends EventType>(definition: Topic<T>): Topic<T> => definition;

const anyRow = () => true;

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
};

/** Every filter field that is set equals the event's value of that payload key. */
export function filterMatches(event: CatalogEvent, filter: Record<string, unknown> | null | undefined): boolean {
  const payload = event.payload as Record<string, unknown>;
  return Object.entries(filter ?? {}).every(([key, wanted]) => wanted == null || payload[key] === wanted);
}
