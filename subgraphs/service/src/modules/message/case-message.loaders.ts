import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import type { CaseMessage } from './case-message.entity.js';
import { messageCountsByCase, messagePagesByCase } from './case-message.queries.js';

export function createCaseMessageLoaders(em: EntityManager) {
  return {
    messagePagesByCase: loaderPerArgs<PageArgs, string, Page<CaseMessage>>((page, caseIds) => messagePagesByCase(em, caseIds, page)),
    messageCountByCase: loaderPerArgs<null, string, number>((_, caseIds) => messageCountsByCase(em, caseIds)),
  };
}
