import type { BusEvent } from '../../subgraphs/kit/bus/index.js';
import type { Permission } from '../../subgraphs/kit/access/permissions.js';
import { ownsRow, worksCase, type Viewer } from '../../subgraphs/kit/access/viewer.js';

/**
 * What each subscription field listens to: which events match its arguments, and which root query of the
 * supergraph fetches the entity the payload carries (so any field of it, from any subgraph, can be selected).
 */
export interface Topic {
  /** What a subscriber needs to follow it at all. */
  permission: Permission;
  /** Whether the subscriber may see this event's record (row level); checked before anything is read for it. */
  visible(event: BusEvent, viewer: Viewer): boolean;
  payloadField: string;
  entityQueryField: string;
  entityId(event: BusEvent): string;
  matches(event: BusEvent, args: Record<string, unknown>): boolean;
}

const payloadValue = (event: BusEvent, key: string) => event.payload[key];
const text = (value: unknown) => (typeof value === 'string' ? value : null);
const ownedOpportunity = (event: BusEvent, viewer: Viewer) => ownsRow(viewer, text(payloadValue(event, 'ownerId')));
const anyRow = () => true;

/** Every filter argument that is set must equal the event's current value of it. */
function filterMatches(event: BusEvent, filter: Record<string, unknown> | null | undefined): boolean {
  return Object.entries(filter ?? {}).every(([key, wanted]) => wanted == null || payloadValue(event, key) === wanted);
}

export const topics: Record<string, Topic> = {
  opportunityChanged: {
    permission: 'opportunities:read',
    visible: ownedOpportunity,
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Opportunity' && filterMatches(event, args.filter as Record<string, unknown>),
  },
  pipelineChanged: {
    permission: 'opportunities:read',
    visible: ownedOpportunity,
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Opportunity' && payloadValue(event, 'pipelineId') === args.pipelineId,
  },
  interactionRecorded: {
    permission: 'interactions:read',
    visible: anyRow,
    payloadField: 'interaction',
    entityQueryField: 'interaction',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.type === 'InteractionRecorded' && payloadValue(event, 'customerId') === args.customerId,
  },
  caseChanged: {
    permission: 'cases:read',
    visible: (event, viewer) => worksCase(viewer, String(payloadValue(event, 'line')), text(payloadValue(event, 'assigneeId'))),
    payloadField: 'case',
    entityQueryField: 'case',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Case' && filterMatches(event, args.filter as Record<string, unknown>),
  },
  customerChanged: {
    permission: 'customers:read',
    visible: anyRow,
    payloadField: 'customer',
    entityQueryField: 'customer',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Customer' && (event.aggregateId === args.id || payloadValue(event, 'mergedId') === args.id),
  },
};
