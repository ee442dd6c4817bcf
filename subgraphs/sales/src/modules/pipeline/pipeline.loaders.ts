import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import { Pipeline, Stage } from './pipeline.entity.js';

export function createPipelineLoaders(em: EntityManager) {
  return {
    pipelineById: new DataLoader<string, Pipeline | null>(async (ids) => byKeys(ids, await findByIds(em, Pipeline, ids), (p) => p.id)),
    stageById: new DataLoader<string, Stage | null>(async (ids) => byKeys(ids, await findByIds(em, Stage, ids), (s) => s.id)),
    stagesByPipeline: new DataLoader<string, Stage[]>(async (ids) =>
      groupByKeys(ids, await findByIds(em, Stage, ids, { property: 'pipelineId', orderBy: ['position'] }), (s) => s.pipelineId),
    ),
  };
}
