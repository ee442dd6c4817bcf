import type { BusEvent } from '../../subgraphs/kit/bus/index.js';

/**
 * What each subscription field listens to: which events match its arguments, and which root query of the
 * supergraph fetches the entity the payload carries (so any field of it, from any subgraph, can be selected).
 */
export interface Topic {
  payloadField: string;
  entityQueryField: string;
  entityId(event: BusEvent): string;
  matches(event: BusEvent, args: Record<string, unknown>): boolean;
}

const payloadValue = (event: BusEvent, key: string) => event.payload[key];

/** Every filter argument that is set must equal the event's current value of it. */
function filterMatches(event: BusEvent, filter: Record<string, unknown> | null | undefined): boolean {
  return Object.entries(filter ?? {}).every(([key, wanted]) => wanted == null || payloadValue(event, key) === wanted);
}

export const topics: Record<string, Topic> = {
  opportunityChanged: {
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Opportunity' && filterMatches(event, args.filter as Record<string, unknown>),
  },
  pipelineChanged: {
    payloadField: 'opportunity',
    entityQueryField: 'opportunity',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Opportunity' && payloadValue(event, 'pipelineId') === args.pipelineId,
  },
  interactionRecorded: {
    payloadField: 'interaction',
    entityQueryField: 'interaction',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.type === 'InteractionRecorded' && payloadValue(event, 'customerId') === args.customerId,
  },
  caseChanged: {
    payloadField: 'case',
    entityQueryField: 'case',
    entityId: (event) => event.aggregateId,
    matches: (event, args) => event.aggregateType === 'Case' && filterMatches(event, args.filter as Record<string, unknown>),
  },
  customerChanged: {
    payloadField: 'customer',
    entityQueryField: 'customer',
    entityId: (event) => event.aggregateId,
    matches: (event, args) =>
      event.aggregateType === 'Customer' && (event.aggregateId === args.id || payloadValue(event, 'mergedId') === args.id),
  },
};
