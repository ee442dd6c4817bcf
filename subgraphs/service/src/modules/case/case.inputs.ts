import { Field, ID, InputType } from 'type-graphql';
import { Length, MaxLength } from 'class-validator';
import { CaseChannel, CasePriority, CaseStatus } from './case.entity.js';

@InputType()
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

  @Field(() => CasePriority, { defaultValue: CasePriority.NORMAL })
  priority!: CasePriority;

  @Field(() => ID, { nullable: true })
  assigneeId?: string | null;
}

@InputType()
export class CaseFilter {
  @Field(() => [CaseStatus], { nullable: true })
  statuses?: CaseStatus[] | null;
}
