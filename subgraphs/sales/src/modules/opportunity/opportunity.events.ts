import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '../../../../kit/events.js';
import { Stage } from '../pipeline/pipeline.entity.js';
import type { Opportunity } from './opportunity.entity.js';

/** What every Opportunity* event says about the opportunity as it is now (dashboards and projections need no read-back). */
export function opportunitySnapshot(opportunity: Opportunity, stage: Stage) {
  return {
    opportunityId: opportunity.id,
    customerId: opportunity.customerId,
    pipelineId: opportunity.pipelineId,
    stageId: opportunity.stageId,
    stageName: stage.name,
    marker: stage.marker ?? null,
    ownerId: opportunity.ownerId ?? null,
    status: opportunity.status,
    amount: opportunity.money(),
    nextContactAt: opportunity.nextContactAt?.toISOString() ?? null,
  };
}

/** Records an Opportunity* event: what is specific to it, then the current snapshot (which wins on a shared key). */
export async function recordOpportunityEvent(
  em: EntityManager,
  opportunity: Opportunity,
  type: string,
  specifics: Record<string, unknown> = {},
): Promise<void> {
  // Usually already in the identity map: the service has just read or chosen the stage.
  const stage = await em.findOneOrFail(Stage, { id: opportunity.stageId });
  recordEvent(em, {
    type,
    aggregateType: 'Opportunity',
    aggregateId: opportunity.id,
    payload: { ...specifics, ...opportunitySnapshot(opportunity, stage) },
  });
}
