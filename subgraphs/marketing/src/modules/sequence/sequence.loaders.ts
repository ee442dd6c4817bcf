import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import { Sequence, type SequenceEnrolment } from './sequence.entity.js';
import type { EnrolmentFilter } from './sequence.inputs.js';
import { enrolmentCounts, enrolmentPages } from './sequence.queries.js';

export function createSequenceLoaders(em: EntityManager) {
  return {
    sequenceById: new DataLoader<string, Sequence | null>(async (ids) => byKeys(ids, await em.find(Sequence, { id: { $in: [...ids] } }), (s) => s.id)),
    enrolmentsBySequence: loaderPerArgs<{ page: PageArgs; filter?: EnrolmentFilter | null }, string, Page<SequenceEnrolment>>(({ page, filter }, sequenceIds) =>
      enrolmentPages(em, 'sequenceId', sequenceIds, filter, page),
    ),
    enrolmentsByCustomer: loaderPerArgs<{ page: PageArgs; filter?: EnrolmentFilter | null }, string, Page<SequenceEnrolment>>(({ page, filter }, customerIds) =>
      enrolmentPages(em, 'customerId', customerIds, filter, page),
    ),
    enrolmentCountByCustomer: loaderPerArgs<EnrolmentFilter | null | undefined, string, number>((filter, customerIds) =>
      enrolmentCounts(em, 'customerId', customerIds, filter),
    ),
    enrolmentCountBySequence: loaderPerArgs<EnrolmentFilter | null | undefined, string, number>((filter, sequenceIds) =>
      enrolmentCounts(em, 'sequenceId', sequenceIds, filter),
    ),
  };
}
