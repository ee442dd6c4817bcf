import { Field, InputType } from 'type-graphql';
import { ArrayMaxSize } from 'class-validator';
import { pgArray } from '../../../../kit/pagination.js';
import { MessageSendStatus } from './message-send.entity.js';

@InputType()
export class MessageSendFilter {
  @Field(() => [MessageSendStatus], { nullable: true })
  @ArrayMaxSize(3)
  statuses?: MessageSendStatus[] | null;
}

export function messageSendFilterSql(filter: MessageSendFilter | null | undefined): { sql: string; params: unknown[] } | undefined {
  if (!filter?.statuses?.length) return undefined;
  return { sql: 'status = any(?::message_send_status[])', params: [pgArray(filter.statuses)] };
}
