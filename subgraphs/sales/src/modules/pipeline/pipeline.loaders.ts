import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '@crm/kit/loaders.js';
import { Pipeline, Stage } from './pipeline.entity.js';

export function createPipelineLoaders(em: EntityManager) {
  return {
    pipelineById: new DataLoader<string, Pipeline | null>(async (ids) => byKeys(ids, await em.find(Pipeline, { id: { $in: [...ids] } }), (p) => p.id)),
    stageById: new DataLoader<string, Stage | null>(async (ids) => byKeys(ids, await em.find(Stage, { id: { $in: [...ids] } }), (s) => s.id)),
    stagesByPipeline: new DataLoader<string, Stage[]>(async (ids) =>
      groupByKeys(ids, await em.find(Stage, { pipelineId: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (s) => s.pipelineId),
    ),
  };
}
