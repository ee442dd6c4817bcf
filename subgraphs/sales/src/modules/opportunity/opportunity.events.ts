import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent, withSnapshot, type SpecificsArgs } from '@crm/kit/events.js';
import { Stage } from '../pipeline/pipeline.entity.js';
import type { Opportunity } from './opportunity.entity.js';

/** What an event needs of an opportunity: the entity, or a row a bulk upsert wrote with SQL. */
export type OpportunityState = Pick<
  Opportunity,
  'id' | 'customerId' | 'pipelineId' | 'stageId' | 'ownerId' | 'status' | 'amount' | 'currency' | 'nextContactAt'
>;

/** What every Opportunity* event says about the opportunity as it is now (dashboards and projections need no read-back). */
export function opportunitySnapshot(opportunity: OpportunityState, stage: Pick<Stage, 'name' | 'marker'>) {
  return {
    opportunityId: opportunity.id,
    customerId: opportunity.customerId,
    pipelineId: opportunity.pipelineId,
    stageId: opportunity.stageId,
    stageName: stage.name,
    marker: stage.marker ?? null,
    ownerId: opportunity.ownerId ?? null,
    status: opportunity.status,
    amount: { amount: opportunity.amount, currency: opportunity.currency },
    nextContactAt: opportunity.nextContactAt?.toISOString() ?? null,
  };
}

/** Records an Opportunity* event: the current snapshot, and what is specific to the event (never a snapshot key). */
export async function recordOpportunityEvent<T extends EventsAbout<'Opportunity'>>(
  em: EntityManager,
  opportunity: Opportunity,
  type: T,
  ...[specifics]: SpecificsArgs<T, ReturnType<typeof opportunitySnapshot>>
): Promise<void> {
  // Usually already in the identity map: the service has just read or chosen the stage.
  const stage = await em.findOneOrFail(Stage, { id: opportunity.stageId });
  recordEvent(em, { type, aggregateId: opportunity.id, payload: withSnapshot<T>(opportunitySnapshot(opportunity, stage), specifics) });
}
