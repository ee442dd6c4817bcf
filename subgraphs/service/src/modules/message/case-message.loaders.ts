import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { CaseMessage } from './case-message.entity.js';

export function createCaseMessageLoaders(em: EntityManager) {
  return {
    messagePagesByCase: loaderPerArgs<PageArgs, string, Page<CaseMessage>>(async (page, caseIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: CaseMessage,
          table: 'case_message',
          orderBy: { column: 'sent_at', property: 'sentAt', descending: false },
          parent: { column: 'case_id', ids: caseIds },
        },
        page,
      );
      return caseIds.map((id) => pages.get(id)!);
    }),
    messageCountByCase: loaderPerArgs<null, string, number>((_, caseIds) =>
      countByParent(em, { table: 'case_message', parentColumn: 'case_id', ids: caseIds }),
    ),
  };
}
