import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SalesContext } from '../../context.js';
import { Pipeline, Stage } from './pipeline.entity.js';
import { AddStageInput, CreatePipelineInput, RenamePipelineStageInput, ReorderPipelineStagesInput } from './pipeline.inputs.js';
import { PipelineSummary, pipelineSummary } from './pipeline.summary.js';
import { addStage, createPipeline, getPipeline, renameStage, reorderStages, resolvePipeline } from './pipeline.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { inputOrDeprecated, inputRequiredFrom, useInstead } from '@crm/kit/argument-forms.js';
import { badInput } from '@crm/kit/errors.js';

@Resolver(() => Pipeline)
export class PipelineResolver {
  @Allow('opportunities:read')
  @Query(() => Pipeline, { description: 'A pipeline by id; the default pipeline when no id is given' })
  pipeline(@Arg('id', () => ID, { nullable: true }) id: string | null, @Ctx() { em }: SalesContext): Promise<Pipeline> {
    return id ? getPipeline(em, id) : resolvePipeline(em);
  }

  @Allow('opportunities:read')
  @Query(() => PipelineSummary, {
    description: 'Count, value and weighted value per stage and per owner, in one reporting currency; narrow it to an owner or a team',
  })
  pipelineSummary(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('currency', {
      description: 'The reporting currency: amounts in others are converted with the configured rates (EXCHANGE_RATES); see conversion',
    })
    currency: string,
    @Arg('ownerId', () => ID, { nullable: true }) ownerId: string | null,
    @Arg('teamMemberIds', () => [ID], { nullable: true, description: 'Owner ids of a team (teams live in identity)' }) teamMemberIds: string[] | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<PipelineSummary> {
    return pipelineSummary(em, pipelineId, currency, [...(ownerId ? [ownerId] : []), ...(teamMemberIds ?? [])], viewer);
  }

  @Allow('pipelines:manage')
  @Mutation(() => Pipeline)
  createPipeline(@Arg('input') input: CreatePipelineInput, @Ctx() { em }: SalesContext): Promise<Pipeline> {
    return createPipeline(em, input);
  }

  @Allow('pipelines:manage')
  @Mutation(() => Pipeline, { description: 'Inserts a stage; the positions of the others shift' })
  addPipelineStage(
    @Arg('pipelineId', () => ID, { nullable: true, description: 'The pipeline; required from 0.3, when input.pipelineId goes' }) pipelineId: string | null,
    @Arg('version', () => Int, { nullable: true, description: "The pipeline's version; required from 0.3, when input.pipelineVersion goes" })
    version: number | null,
    @Arg('input') input: AddStageInput,
    @Ctx() { em }: SalesContext,
  ): Promise<Pipeline> {
    // The pipeline as arguments (the convention), or for one more release inside the input (deprecated).
    const old = input.pipelineId != null || input.pipelineVersion != null;
    if (old && (pipelineId != null || version != null)) {
      throw badInput('Send pipelineId and version as arguments or, deprecated, as input.pipelineId and input.pipelineVersion, not both', 'pipelineId');
    }
    const pipeline = old ? { pipelineId: input.pipelineId, version: input.pipelineVersion } : { pipelineId, version };
    if (pipeline.pipelineId == null) throw badInput('pipelineId is required', 'pipelineId');
    if (pipeline.version == null) throw badInput("version is required: the pipeline's version you read", 'version');
    return addStage(em, pipeline.pipelineId, pipeline.version, input);
  }

  @Allow('pipelines:manage')
  @Mutation(() => Stage)
  async renamePipelineStage(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => RenamePipelineStageInput, { nullable: true, description: inputRequiredFrom('The new name') }) input: RenamePipelineStageInput | null,
    @Arg('name', () => String, { nullable: true, deprecationReason: useInstead('input: { name }') }) name: string | null,
    @Ctx() { em, loaders }: SalesContext,
  ): Promise<Stage> {
    const stage = await renameStage(em, id, version, inputOrDeprecated(input, { name }, ['name']).name);
    // The request's loader keeps names as text: a deal's `stage` later in the same document shows the new one.
    loaders.stageNameById.clear(stage.id);
    return stage;
  }

  @Allow('pipelines:manage')
  @Mutation(() => Pipeline, { description: 'Sets the order of all stages at once' })
  reorderPipelineStages(
    @Arg('pipelineId', () => ID) pipelineId: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => ReorderPipelineStagesInput, { nullable: true, description: inputRequiredFrom('The new order') })
    input: ReorderPipelineStagesInput | null,
    @Arg('stageIds', () => [ID], { nullable: true, deprecationReason: useInstead('input: { stageIds }') }) stageIds: string[] | null,
    @Ctx() { em }: SalesContext,
  ): Promise<Pipeline> {
    return reorderStages(em, pipelineId, version, inputOrDeprecated(input, { stageIds }, ['stageIds']).stageIds);
  }

  @FieldResolver(() => [Stage], { description: 'In pipeline order (a pipeline has a handful of stages, so no paging)' })
  stages(@Root() pipeline: Pipeline, @Ctx() { loaders }: SalesContext): Promise<Stage[]> {
    return loaders.stagesByPipeline.load(pipeline.id);
  }
}
