import type { Permission } from '@crm/kit/access/permissions.js';
import { eventTypesOf, type CatalogEvent, type EventType } from '@crm/kit/event-catalog.js';

/**
 * A live aggregate: a subscription that pushes the current totals of a root query, not events. Which events may move
 * it, and the query that reads it (with the subscription's own arguments, as the subscriber) when they came.
 */
export interface AggregateTopic<T extends EventType = EventType> {
  /** What a subscriber needs, as for the query itself. */
  permission: Permission;
  events: readonly T[];
  /** Whether this event may move the aggregate these arguments ask for (a miss is a stale number; a hit too many is one read). */
  moves(event: CatalogEvent<T>, args: Record<string, unknown>): boolean;
  /** The supergraph's root field read, its arguments (name → GraphQL type, all passed from the subscription's) and the field under it that is the payload, if any. */
  query: { field: string; arguments: Record<string, string>; under?: string };
  /** Read this often too, for totals that time alone moves (an SLA deadline passing has no event). */
  refreshEveryMs?: number;
}

const aggregate = <T extends EventType>(definition: AggregateTopic<T>): AggregateTopic<T> => definition;

export const aggregateTopics: Record<string, AggregateTopic> = {
  pipelineSummaryChanged: aggregate({
    permission: 'opportunities:read',
    // Every change of an opportunity of the pipeline (created, moved, won, its amount or owner changed, archived).
    events: eventTypesOf('Opportunity'),
    moves: (event, args) => event.payload.pipelineId === args.pipelineId,
    query: { field: 'pipelineSummary', arguments: { pipelineId: 'ID!', currency: 'String!', ownerId: 'ID' } },
  }),
  caseQueueChanged: aggregate({
    permission: 'cases:read',
    // Opened, assigned, escalated, answered, resolved, at risk: a case moving from one line or agent to another moves both.
    events: eventTypesOf('Case'),
    moves: () => true,
    query: { field: 'caseQueue', arguments: { filter: 'CaseQueueFilter' } },
    // A deadline passing makes a case breached (and an at-risk moment in business time at risk) without an event.
    refreshEveryMs: 30_000,
  }),
  campaignMetricsChanged: aggregate({
    permission: 'marketing:read',
    // The campaign's messages sent, delivered, opened, clicked and converted are interactions carrying its id. An
    // unsubscribe through a message's link withdraws the consent (identity's event names no campaign): read again.
    events: ['InteractionRecorded', 'ConsentChanged', ...eventTypesOf('Campaign')],
    moves: (event, args) => event.type === 'ConsentChanged' || event.payload.campaignId === args.id,
    query: { field: 'campaign', arguments: { id: 'ID!' }, under: 'metrics' },
  }),
  segmentSizesChanged: aggregate({
    permission: 'marketing:read',
    // A segment's members are customers as marketing's projections know them (profile, consents, open deals,
    // interactions) or its static list: any of these changing may move a size. Marketing applies identity's and
    // sales' events to its projections milliseconds after they reach the bus, within the quarter-second window; the
    // periodic read catches a projection slower than that, and time passing ("an interaction in the last 30 days").
    events: [...new Set<EventType>([...eventTypesOf('Customer'), ...eventTypesOf('Opportunity'), 'InteractionRecorded', ...eventTypesOf('Segment')])],
    moves: () => true,
    query: { field: 'segments', arguments: { first: 'Int' } },
    refreshEveryMs: 30_000,
  }),
};

export const AGGREGATE_SUBSCRIPTION_SDL = /* GraphQL */ `
  extend type Subscription {
    """
    The pipeline's totals (as pipelineSummary with the same arguments), now and again whenever its opportunities
    change: changes within a quarter of a second are one frame, and a frame equal to the last one is not sent.
    """
    pipelineSummaryChanged(pipelineId: ID!, currency: String!, ownerId: ID): PipelineSummary!
    "The service queue's counts (as caseQueue), now and after each change of a case, coalesced like pipelineSummaryChanged; also re-read every 30 s, as deadlines pass"
    caseQueueChanged(filter: CaseQueueFilter): CaseQueue!
    "A campaign's metrics (as Campaign.metrics), now and after each of its messages' interactions (and consent withdrawals, for unsubscribes), coalesced like pipelineSummaryChanged"
    campaignMetricsChanged(id: ID!): CampaignMetrics!
    "The segments and their sizes (as segments(first:), newest first), now and after each change that may move a size (customers, consents, deals, interactions, list members), coalesced like pipelineSummaryChanged; also re-read every 30 s"
    segmentSizesChanged(first: Int): SegmentConnection!
  }
`;
