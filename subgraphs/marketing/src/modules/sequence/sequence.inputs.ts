import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { InteractionChannel } from '../interaction/interaction.entity.js';
import { SequenceEnrolmentStatus, SequenceStepAction, SequenceStepCondition } from './sequence.entity.js';

@InputType()
export class SequenceStepInput {
  @Field(() => InteractionChannel) channel!: InteractionChannel;

  @Field()
  @Length(1, 200, { message: 'template must be between 1 and 200 characters' })
  template!: string;

  @Field(() => Int)
  @Min(0, { message: 'delayHours must not be negative' })
  @Max(24 * 365)
  delayHours!: number;

  @Field(() => SequenceStepAction, { defaultValue: SequenceStepAction.SEND_MESSAGE, description: 'CREATE_TASK: template is the task' })
  action?: SequenceStepAction;

  @Field(() => SequenceStepCondition, { defaultValue: SequenceStepCondition.ALWAYS })
  condition?: SequenceStepCondition;

  @Field(() => String, { nullable: true, description: "With DEAL_AT_STAGE: the stage's marker" })
  @MaxLength(50)
  stageMarker?: string | null;
}

@InputType()
export class CreateSequenceInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => [SequenceStepInput])
  @ValidateNested()
  @ArrayMinSize(1, { message: 'a sequence needs at least one step' })
  @ArrayMaxSize(20)
  steps!: SequenceStepInput[];
}

@InputType()
export class EnrolInSequenceInput {
  @Field(() => ID) sequenceId!: string;
  @Field(() => ID) customerId!: string;
}

@InputType()
export class ExitSequenceInput {
  @Field(() => String, { nullable: true })
  @MaxLength(500)
  reason?: string | null;
}

@InputType()
export class EnrolmentFilter {
  @Field(() => [SequenceEnrolmentStatus], { nullable: true })
  @ArrayMaxSize(3)
  statuses?: SequenceEnrolmentStatus[] | null;
}
