import { Field, ID, InputType } from 'type-graphql';
import { Length } from 'class-validator';
import { CaseChannel } from '../case/case.enums.js';
import { CaseMessageDirection } from './case-message.entity.js';

@InputType()
export class AddCaseMessageInput {
  @Field(() => ID)
  caseId!: string;

  @Field(() => CaseChannel, { description: 'May differ from earlier messages: the conversation follows the customer' })
  channel!: CaseChannel;

  @Field(() => CaseMessageDirection)
  direction!: CaseMessageDirection;

  @Field(() => ID, { nullable: true, description: 'The member of staff who wrote an OUTBOUND message or note; INBOUND messages come from the case customer' })
  authorUserId?: string | null;

  @Field()
  @Length(1, 20000, { message: 'body must be between 1 and 20000 characters' })
  body!: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to now; set it when importing a conversation' })
  sentAt?: Date | null;
}
