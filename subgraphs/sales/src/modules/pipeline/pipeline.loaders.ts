import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import { Pipeline, Stage } from './pipeline.entity.js';

export function createPipelineLoaders(em: EntityManager) {
  const stageById = new DataLoader<string, Stage | null>(async (ids) => byKeys(ids, await findByIds(em, Stage, ids), (s) => s.id));
  return {
    pipelineById: new DataLoader<string, Pipeline | null>(async (ids) => byKeys(ids, await findByIds(em, Pipeline, ids), (p) => p.id)),
    stageById,
    /**
     * A stage's name (`Opportunity.stage`). A page of deals primes it with the names it read beside its rows (no
     * entity, no statement of their own); any other deal's stage is read through stageById, which a deal's
     * `currentStage` or `probability` beside it then shares. A rename clears it (pipeline.resolver.ts).
     */
    stageNameById: new DataLoader<string, string | null>(async (ids) =>
      (await stageById.loadMany(ids)).map((stage) => (stage instanceof Error ? stage : (stage?.name ?? null))),
    ),
    stagesByPipeline: new DataLoader<string, Stage[]>(async (ids) =>
      groupByKeys(ids, await findByIds(em, Stage, ids, { property: 'pipelineId', orderBy: ['position'] }), (s) => s.pipelineId),
    ),
  };
}
