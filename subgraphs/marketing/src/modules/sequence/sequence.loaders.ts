import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Sequence, SequenceEnrolment } from './sequence.entity.js';
import type { EnrolmentFilter } from './sequence.inputs.js';
import { enrolmentFilterSql } from './sequence.service.js';

export function createSequenceLoaders(em: EntityManager) {
  return {
    sequenceById: new DataLoader<string, Sequence | null>(async (ids) => byKeys(ids, await em.find(Sequence, { id: { $in: [...ids] } }), (s) => s.id)),
    enrolmentsBySequence: loaderPerArgs<{ page: PageArgs; filter?: EnrolmentFilter | null }, string, Page<SequenceEnrolment>>(
      async ({ page, filter }, sequenceIds) => {
        const pages = await fetchKeysetPages(
          em,
          {
            entity: SequenceEnrolment,
            table: 'sequence_enrolment',
            orderBy: { column: 'created_at', property: 'createdAt', descending: true },
            parent: { column: 'sequence_id', ids: sequenceIds },
            where: enrolmentFilterSql(filter),
          },
          page,
        );
        return sequenceIds.map((id) => pages.get(id)!);
      },
    ),
    enrolmentsByCustomer: loaderPerArgs<{ page: PageArgs; filter?: EnrolmentFilter | null }, string, Page<SequenceEnrolment>>(
      async ({ page, filter }, customerIds) => {
        const pages = await fetchKeysetPages(
          em,
          {
            entity: SequenceEnrolment,
            table: 'sequence_enrolment',
            orderBy: { column: 'created_at', property: 'createdAt', descending: true },
            parent: { column: 'customer_id', ids: customerIds },
            where: enrolmentFilterSql(filter),
          },
          page,
        );
        return customerIds.map((id) => pages.get(id)!);
      },
    ),
    enrolmentCountByCustomer: loaderPerArgs<EnrolmentFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'sequence_enrolment', parentColumn: 'customer_id', ids: customerIds, where: enrolmentFilterSql(filter) }),
    ),
    enrolmentCountBySequence: loaderPerArgs<EnrolmentFilter | null | undefined, string, number>((filter, sequenceIds) =>
      countByParent(em, { table: 'sequence_enrolment', parentColumn: 'sequence_id', ids: sequenceIds, where: enrolmentFilterSql(filter) }),
    ),
  };
}
