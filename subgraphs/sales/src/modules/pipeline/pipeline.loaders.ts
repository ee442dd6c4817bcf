import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, groupByKeys } from '@crm/kit/loaders.js';
import { findByIds } from '@crm/kit/rows.js';
import { executePrepared, uuidArray } from '@crm/kit/sql.js';
import { Pipeline, Stage } from './pipeline.entity.js';

export function createPipelineLoaders(em: EntityManager) {
  return {
    pipelineById: new DataLoader<string, Pipeline | null>(async (ids) => byKeys(ids, await findByIds(em, Pipeline, ids), (p) => p.id)),
    stageById: new DataLoader<string, Stage | null>(async (ids) => byKeys(ids, await findByIds(em, Stage, ids), (s) => s.id)),
    /** A stage's name alone (`Opportunity.stage`), as a plain row: no entity to map for a name. Pages prime it. */
    stageNameById: new DataLoader<string, string | null>(async (ids) => {
      const list = uuidArray(ids);
      const rows = await executePrepared<{ id: string; name: string }>(em, `select id, name from pipeline_stage where id = any(${list.sql})`, list.params);
      const names = new Map(rows.map((row) => [row.id, row.name]));
      return ids.map((id) => names.get(id) ?? null);
    }),
    stagesByPipeline: new DataLoader<string, Stage[]>(async (ids) =>
      groupByKeys(ids, await findByIds(em, Stage, ids, { property: 'pipelineId', orderBy: ['position'] }), (s) => s.pipelineId),
    ),
  };
}
