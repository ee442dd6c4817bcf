import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize } from 'class-validator';
import { MessageSendStatus } from './message-send.entity.js';

@InputType()
export class MessageSendFilter {
  @Field(() => [MessageSendStatus], { nullable: true })
  @ArrayMaxSize(3)
  statuses?: MessageSendStatus[] | null;
}
