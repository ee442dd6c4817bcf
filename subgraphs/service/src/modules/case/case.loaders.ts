import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../../../kit/access/viewer.js';
import { loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Case } from './case.entity.js';
import { CaseOrder } from './case.enums.js';
import type { CaseFilter } from './case.inputs.js';
import { CASE_ORDERS, caseFilterSql } from './case.service.js';

export function createCaseLoaders(em: EntityManager, viewer: Viewer) {
  return {
    casePagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: CaseFilter | null; orderBy?: CaseOrder }, string, Page<Case>>(
      async ({ page, filter, orderBy }, customerIds) => {
        const pages = await fetchKeysetPages(
          em,
          {
            entity: Case,
            table: 'support_case',
            orderBy: CASE_ORDERS[orderBy ?? CaseOrder.NEWEST_FIRST],
            parent: { column: 'customer_id', ids: customerIds },
            where: caseFilterSql(filter, viewer),
          },
          page,
        );
        return customerIds.map((id) => pages.get(id)!);
      },
    ),
    caseCountByCustomer: loaderPerArgs<CaseFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'support_case', parentColumn: 'customer_id', ids: customerIds, where: caseFilterSql(filter, viewer) }),
    ),
  };
}
