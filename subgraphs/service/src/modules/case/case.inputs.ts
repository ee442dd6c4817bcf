import { Field, ID, InputType } from 'type-graphql';
import { Length, MaxLength } from 'class-validator';
import { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from './case.enums.js';

@InputType({ description: 'Without category or priority, the case is classified from its text by the classification rules' })
export class OpenCaseInput {
  @Field(() => ID)
  customerId!: string;

  @Field()
  @Length(1, 300, { message: 'subject must be between 1 and 300 characters' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(20000)
  description?: string | null;

  @Field(() => CaseChannel)
  channel!: CaseChannel;

  @Field(() => CasePriority, { nullable: true })
  priority?: CasePriority | null;

  @Field(() => CaseCategory, { nullable: true })
  category?: CaseCategory | null;

  @Field(() => CaseLine, { nullable: true })
  line?: CaseLine | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;
}

@InputType({ description: 'Changes the fields given; omitted fields stay as they are' })
export class UpdateCaseInput {
  @Field(() => String, { nullable: true })
  @Length(1, 300, { message: 'subject must be between 1 and 300 characters' })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(20000)
  description?: string | null;

  @Field(() => CaseCategory, { nullable: true })
  category?: CaseCategory | null;

  @Field(() => CasePriority, { nullable: true, description: 'A new priority recomputes the SLA deadlines' })
  priority?: CasePriority | null;
}

@InputType()
export class ChangeCaseStatusInput {
  @Field(() => CaseStatus)
  status!: CaseStatus;
}

@InputType()
export class AssignCaseInput {
  @Field(() => ID)
  assigneeId!: string;
}

@InputType()
export class EscalateCaseInput {
  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  reason?: string | null;

  @Field(() => ID, { nullable: true, description: 'The second-line agent taking over' })
  assigneeId?: string | null;
}

@InputType()
export class CaseFilter {
  @Field(() => [CaseStatus], { nullable: true })
  statuses?: CaseStatus[] | null;

  @Field(() => [CasePriority], { nullable: true })
  priorities?: CasePriority[] | null;

  @Field(() => [CaseCategory], { nullable: true })
  categories?: CaseCategory[] | null;

  @Field(() => CaseLine, { nullable: true })
  line?: CaseLine | null;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Unsettled cases with a deadline still to meet before this moment (breached ones included)' })
  breachingBefore?: Date | null;
}
