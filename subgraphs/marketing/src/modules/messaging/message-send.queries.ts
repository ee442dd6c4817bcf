import type { EntityManager } from '@mikro-orm/postgresql';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { MessageSend } from './message-send.entity.js';
import type { MessageSendFilter } from './message-send.inputs.js';

/** The filter as SQL over `message_send t`; shared by the pages and their counts. */
export function messageSendFilterSql(filter: MessageSendFilter | null | undefined): SqlCondition | undefined {
  if (!filter?.statuses?.length) return undefined;
  return { sql: `status = any(${enumArray(filter.statuses, 'message_send_status')})`, params: [] };
}

/** Every attempt to message each customer, newest first, one page each, in one statement. */
export async function messageSendPages(
  em: EntityManager,
  customerIds: readonly string[],
  filter: MessageSendFilter | null | undefined,
  page: PageArgs,
): Promise<Array<Page<MessageSend>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: MessageSend,
      orderBy: { property: 'createdAt', descending: true },
      parent: { property: 'customerId', ids: customerIds },
      where: messageSendFilterSql(filter),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function messageSendCounts(em: EntityManager, customerIds: readonly string[], filter: MessageSendFilter | null | undefined): Promise<number[]> {
  return countByParent(em, { entity: MessageSend, parent: { property: 'customerId', ids: customerIds }, where: messageSendFilterSql(filter) });
}
