import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { MessageSend } from './message-send.entity.js';
import type { MessageSendFilter } from './message-send.inputs.js';
import { messageSendFilterSql } from './message-send.inputs.js';

export function createMessageSendLoaders(em: EntityManager) {
  return {
    messageSendsByCustomer: loaderPerArgs<{ page: PageArgs; filter?: MessageSendFilter | null }, string, Page<MessageSend>>(
      async ({ page, filter }, customerIds) => {
        const pages = await fetchKeysetPages(
          em,
          {
            entity: MessageSend,
            table: 'message_send',
            orderBy: { column: 'created_at', property: 'createdAt', descending: true },
            parent: { column: 'customer_id', ids: customerIds },
            where: messageSendFilterSql(filter),
          },
          page,
        );
        return customerIds.map((id) => pages.get(id)!);
      },
    ),
    messageSendCountByCustomer: loaderPerArgs<MessageSendFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'message_send', parentColumn: 'customer_id', ids: customerIds, where: messageSendFilterSql(filter) }),
    ),
  };
}
