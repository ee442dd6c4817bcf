import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { Max, MaxLength, Min } from 'class-validator';
import { InteractionChannel } from '../interaction/interaction.entity.js';

@InputType()
export class AnswerSurveyInput {
  @Field(() => ID) customerId!: string;

  @Field(() => Int)
  @Min(0, { message: 'score must be between 0 and 10' })
  @Max(10, { message: 'score must be between 0 and 10' })
  score!: number;

  @Field(() => String, { nullable: true })
  @MaxLength(5000)
  comment?: string | null;

  @Field(() => InteractionChannel) channel!: InteractionChannel;

  @Field({ nullable: true, description: 'Defaults to now' })
  respondedAt?: Date;
}

export enum SurveyScoreCategory {
  PROMOTER = 'PROMOTER',
  PASSIVE = 'PASSIVE',
  DETRACTOR = 'DETRACTOR',
}
registerEnumType(SurveyScoreCategory, { name: 'SurveyScoreCategory' });

@InputType()
export class SurveyResponseFilter {
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => SurveyScoreCategory, { nullable: true }) category?: SurveyScoreCategory | null;
  @Field({ nullable: true, description: 'At or after' }) since?: Date;
  @Field({ nullable: true, description: 'Before' }) until?: Date;
}
