import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import type { MessageSend } from './message-send.entity.js';
import type { MessageSendFilter } from './message-send.inputs.js';
import { messageSendCounts, messageSendPages } from './message-send.queries.js';

export function createMessageSendLoaders(em: EntityManager) {
  return {
    messageSendsByCustomer: loaderPerArgs<{ page: PageArgs; filter?: MessageSendFilter | null }, string, Page<MessageSend>>(({ page, filter }, customerIds) =>
      messageSendPages(em, customerIds, filter, page),
    ),
    messageSendCountByCustomer: loaderPerArgs<MessageSendFilter | null | undefined, string, number>((filter, customerIds) =>
      messageSendCounts(em, customerIds, filter),
    ),
  };
}
