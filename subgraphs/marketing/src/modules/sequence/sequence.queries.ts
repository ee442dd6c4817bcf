import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchKeysetPage, fetchKeysetPages } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { Sequence, SequenceEnrolment } from './sequence.entity.js';
import type { EnrolmentFilter } from './sequence.inputs.js';

/** The enrolment filter as SQL over `sequence_enrolment t`; shared by the pages and their counts. */
export function enrolmentFilterSql(filter: EnrolmentFilter | null | undefined): SqlCondition | undefined {
  if (!filter?.statuses?.length) return undefined;
  return { sql: `status = any(${enumArray(filter.statuses, 'sequence_enrolment_status')})`, params: [] };
}

/** One page of all sequences, newest first; totalCount counts them all. */
export async function sequencesPage(em: EntityManager, page: PageArgs): Promise<CountedPage<Sequence>> {
  const found = await fetchKeysetPage(em, { entity: Sequence, orderBy: { property: 'createdAt', descending: true } }, page);
  return { ...found, count: () => em.count(Sequence) };
}

/** What a sequence's or a customer's enrolments hang by. */
export type EnrolmentParent = 'sequenceId' | 'customerId';

/** Each parent's enrolments, newest first, one page each, in one statement. */
export async function enrolmentPages(
  em: EntityManager,
  parent: EnrolmentParent,
  ids: readonly string[],
  filter: EnrolmentFilter | null | undefined,
  page: PageArgs,
): Promise<Array<Page<SequenceEnrolment>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: SequenceEnrolment, orderBy: { property: 'createdAt', descending: true }, parent: { property: parent, ids }, where: enrolmentFilterSql(filter) },
    page,
  );
  return ids.map((id) => pages.get(id)!);
}

export async function enrolmentCounts(
  em: EntityManager,
  parent: EnrolmentParent,
  ids: readonly string[],
  filter: EnrolmentFilter | null | undefined,
): Promise<number[]> {
  return countByParent(em, { entity: SequenceEnrolment, parent: { property: parent, ids }, where: enrolmentFilterSql(filter) });
}
