import type { EntityManager } from '@mikro-orm/postgresql';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { CaseMessage } from './case-message.entity.js';

/** Each case's conversation, oldest first, one page each, in one statement. */
export async function messagePagesByCase(em: EntityManager, caseIds: readonly string[], page: PageArgs): Promise<Array<Page<CaseMessage>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: CaseMessage, orderBy: { property: 'sentAt', descending: false }, parent: { property: 'caseId', ids: caseIds } },
    page,
  );
  return caseIds.map((id) => pages.get(id)!);
}

export const messageCountsByCase = (em: EntityManager, caseIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: CaseMessage, parent: { property: 'caseId', ids: caseIds } });
