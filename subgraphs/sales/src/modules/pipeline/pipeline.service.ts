import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { Pipeline, Stage, StageMarker } from './pipeline.entity.js';
import type { AddStageInput, CreatePipelineInput, StageInput } from './pipeline.inputs.js';

/** The stages a new installation starts with (DOMAIN Story 1: a car dealer). */
export const DEFAULT_PIPELINE: { name: string; stages: StageInput[] } = {
  name: 'Car sales',
  stages: [
    { name: 'New inquiry', probability: 10, isWon: false, isLost: false, marker: StageMarker.NEW_INQUIRY },
    { name: 'Test drive', probability: 30, isWon: false, isLost: false, marker: StageMarker.TEST_DRIVE },
    { name: 'First offer sent', probability: 50, isWon: false, isLost: false, marker: StageMarker.FIRST_OFFER_SENT },
    { name: 'Negotiation', probability: 70, isWon: false, isLost: false, marker: StageMarker.NEGOTIATION },
    { name: 'Ordered', probability: 100, isWon: true, isLost: false, marker: StageMarker.ORDERED },
    { name: 'Lost', probability: 0, isWon: false, isLost: true, marker: StageMarker.LOST },
  ],
};

export async function getPipeline(em: EntityManager, id: string, field = 'id'): Promise<Pipeline> {
  const pipeline = await em.findOne(Pipeline, { id: parseId(id, 'Pipeline', field) });
  if (!pipeline) throw notFound('Pipeline', id);
  return pipeline;
}

export async function getStage(em: EntityManager, id: string, field = 'id'): Promise<Stage> {
  const stage = await em.findOne(Stage, { id: parseId(id, 'Stage', field) });
  if (!stage) throw notFound('Stage', id);
  return stage;
}

export const stagesOf = (em: EntityManager, pipelineId: string): Promise<Stage[]> => em.find(Stage, { pipelineId }, { orderBy: { position: 'asc' } });

/** The pipeline to use when none is named: the default one, created from the template on first use. */
export async function resolvePipeline(em: EntityManager, pipelineId?: string | null): Promise<Pipeline> {
  if (pipelineId) return getPipeline(em, pipelineId, 'pipelineId');
  const existing = await em.findOne(Pipeline, { isDefault: true });
  return existing ?? createPipeline(em, { ...DEFAULT_PIPELINE, isDefault: true });
}

export async function firstStageOf(em: EntityManager, pipeline: Pipeline): Promise<Stage> {
  const [first] = await stagesOf(em, pipeline.id);
  if (!first) throw badInput(`Pipeline "${pipeline.name}" has no stages`, 'pipelineId');
  return first;
}

function validateStage(stage: StageInput): void {
  if (stage.isWon && stage.isLost) throw badInput(`Stage "${stage.name}" cannot be both won and lost`, 'stages');
}

function assertUniqueNames(names: string[]): void {
  const lower = names.map((n) => n.trim().toLowerCase());
  const duplicate = lower.find((n, i) => lower.indexOf(n) !== i);
  if (duplicate) throw badInput(`Stage names must be unique within a pipeline; "${duplicate}" appears twice`, 'stages');
}

const newStage = (em: EntityManager, pipelineId: string, input: StageInput, position: number): Stage =>
  em.create(Stage, {
    pipelineId,
    name: input.name.trim(),
    position,
    probability: input.probability,
    isWon: input.isWon,
    isLost: input.isLost,
    marker: input.marker ?? null,
  });

export async function createPipeline(em: EntityManager, input: CreatePipelineInput): Promise<Pipeline> {
  input.stages.forEach(validateStage);
  assertUniqueNames(input.stages.map((s) => s.name));
  if (input.isDefault) await em.nativeUpdate(Pipeline, { isDefault: true }, { isDefault: false });
  const pipeline = em.create(Pipeline, { name: input.name.trim(), isDefault: input.isDefault });
  const stages = input.stages.map((stage, position) => newStage(em, pipeline.id, stage, position));
  recordEvent(em, {
    type: 'PipelineCreated',
    aggregateId: pipeline.id,
    payload: { pipelineId: pipeline.id, name: pipeline.name, stageIds: stages.map((s) => s.id) },
  });
  await em.flush();
  return pipeline;
}

/** Stage edits change the pipeline: its version moves, so two editors of one board see a CONFLICT. */
async function lockPipeline(em: EntityManager, id: string, version: number): Promise<Pipeline> {
  const pipeline = await getPipeline(em, id, 'pipelineId');
  assertVersion(pipeline, version, 'Pipeline');
  pipeline.updatedAt = new Date();
  return pipeline;
}

function renumber(stages: Stage[]): void {
  stages.forEach((stage, index) => (stage.position = index));
}

export async function addStage(em: EntityManager, pipelineId: string, version: number, input: AddStageInput): Promise<Pipeline> {
  validateStage(input);
  const pipeline = await lockPipeline(em, pipelineId, version);
  const stages = await stagesOf(em, pipeline.id);
  assertUniqueNames([...stages.map((s) => s.name), input.name]);
  const at = Math.min(input.position ?? stages.length, stages.length);
  const stage = newStage(em, pipeline.id, input, at);
  stages.splice(at, 0, stage);
  renumber(stages);
  recordEvent(em, {
    type: 'PipelineStagesChanged',
    aggregateId: pipeline.id,
    payload: { pipelineId: pipeline.id, addedStageId: stage.id, stageIds: stages.map((s) => s.id) },
  });
  await em.flush();
  return pipeline;
}

export async function renameStage(em: EntityManager, id: string, version: number, name: string): Promise<Stage> {
  const stage = await getStage(em, id);
  assertVersion(stage, version, 'Stage');
  if (!name.trim() || name.length > 100) throw badInput('stage name must be between 1 and 100 characters', 'name');
  const siblings = await stagesOf(em, stage.pipelineId);
  assertUniqueNames(siblings.map((s) => (s.id === stage.id ? name : s.name)));
  stage.name = name.trim();
  recordEvent(em, {
    type: 'PipelineStagesChanged',
    aggregateId: stage.pipelineId,
    payload: { pipelineId: stage.pipelineId, renamedStageId: stage.id, name: stage.name },
  });
  await em.flush();
  return stage;
}

export async function reorderStages(em: EntityManager, pipelineId: string, version: number, stageIds: string[]): Promise<Pipeline> {
  const pipeline = await lockPipeline(em, pipelineId, version);
  const stages = new Map((await stagesOf(em, pipeline.id)).map((s) => [s.id, s]));
  const wanted = stageIds.map((id) => parseId(id, 'Stage', 'stageIds'));
  if (wanted.length !== stages.size || new Set(wanted).size !== wanted.length || !wanted.every((id) => stages.has(id))) {
    throw badInput('stageIds must list every stage of the pipeline exactly once', 'stageIds');
  }
  renumber(wanted.map((id) => stages.get(id)!));
  recordEvent(em, {
    type: 'PipelineStagesChanged',
    aggregateId: pipeline.id,
    payload: { pipelineId: pipeline.id, stageIds: wanted },
  });
  await em.flush();
  return pipeline;
}
