import { Field, ID, InputType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, Length } from 'class-validator';
import { CaseCategory, CaseLine, CasePriority } from '../case/case.enums.js';

@InputType()
export class CreateCaseAssignmentRuleInput {
  @Field()
  @Length(1, 200, { message: 'name must be between 1 and 200 characters' })
  name!: string;

  @Field(() => CaseLine)
  line!: CaseLine;

  @Field(() => CasePriority, { nullable: true })
  priority?: CasePriority | null;

  @Field(() => CaseCategory, { nullable: true })
  category?: CaseCategory | null;

  @Field(() => [ID])
  @ArrayMinSize(1, { message: 'Name at least one agent' })
  @ArrayMaxSize(100)
  agentIds!: string[];
}

@InputType({ description: 'Changes the fields given; omitted fields stay as they are' })
export class UpdateCaseAssignmentRuleInput {
  @Field(() => [ID], { nullable: true })
  @ArrayMinSize(1, { message: 'Name at least one agent' })
  @ArrayMaxSize(100)
  agentIds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'false: the rule no longer assigns cases' })
  active?: boolean | null;
}
