import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import type { Case } from './case.entity.js';
import type { CaseOrder } from './case.enums.js';
import type { CaseFilter } from './case.inputs.js';
import { caseCountsByCustomer, casePagesByCustomer } from './case.queries.js';

export function createCaseLoaders(em: EntityManager, viewer: Viewer) {
  return {
    casePagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: CaseFilter | null; orderBy?: CaseOrder }, string, Page<Case>>(
      ({ page, filter, orderBy }, customerIds) => casePagesByCustomer(em, customerIds, filter, orderBy, viewer, page),
    ),
    caseCountByCustomer: loaderPerArgs<CaseFilter | null | undefined, string, number>((filter, customerIds) =>
      caseCountsByCustomer(em, customerIds, filter, viewer),
    ),
  };
}
