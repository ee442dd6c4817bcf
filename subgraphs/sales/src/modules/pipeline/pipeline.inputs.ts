import { ArrayMinSize, Length, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { StageMarker } from './pipeline.entity.js';
import { useInstead } from '@crm/kit/argument-forms.js';

@InputType()
export class StageInput {
  @Field()
  @Length(1, 100, { message: 'stage name must be between 1 and 100 characters' })
  name!: string;

  @Field(() => Int)
  @Min(0, { message: 'probability must be between 0 and 100' })
  @Max(100, { message: 'probability must be between 0 and 100' })
  probability!: number;

  @Field({ defaultValue: false })
  isWon!: boolean;

  @Field({ defaultValue: false })
  isLost!: boolean;

  @Field(() => StageMarker, { nullable: true })
  marker?: StageMarker | null;
}

@InputType()
export class CreatePipelineInput {
  @Field()
  @Length(1, 200, { message: 'pipeline name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => [StageInput])
  @ArrayMinSize(1, { message: 'a pipeline needs at least one stage' })
  @ValidateNested({ each: true })
  stages!: StageInput[];

  @Field({ defaultValue: false, description: 'Opportunities created without a pipeline land in the default one' })
  isDefault!: boolean;
}

@InputType()
export class AddStageInput extends StageInput {
  @Field(() => ID, { nullable: true, deprecationReason: useInstead('addPipelineStage(pipelineId)') })
  pipelineId?: string | null;

  @Field(() => Int, { nullable: true, deprecationReason: useInstead('addPipelineStage(version)') })
  pipelineVersion?: number | null;

  @Field(() => Int, { nullable: true, description: 'Where to insert it; at the end when omitted' })
  @Min(0)
  position?: number | null;
}

@InputType()
export class RenamePipelineStageInput {
  @Field({ description: '1 to 100 characters, unique in its pipeline' })
  name!: string;
}

@InputType()
export class ReorderPipelineStagesInput {
  @Field(() => [ID], { description: 'Every stage of the pipeline, in the new order' })
  stageIds!: string[];
}
