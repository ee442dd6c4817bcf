import type DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, fetchCountedPage, fetchKeysetPages, type Beside } from '@crm/kit/pagination/keyset.js';
import { enumArray, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Opportunity } from './opportunity.entity.js';
import type { OpportunityFilter } from './opportunity.inputs.js';
import { StageChange } from './stage-change.entity.js';

/** The filter, within the rows the viewer may see, as SQL over `opportunity`. */
export function opportunityFilterSql(filter: OpportunityFilter | null | undefined, viewer: Viewer): SqlCondition {
  const scope = ownerScopeSql(viewer, 'owner_id');
  const conditions: string[] = [scope.sql];
  const params: unknown[] = [...scope.params];
  if (!filter?.includeArchived) conditions.push('archived_at is null');
  if (filter?.pipelineId) {
    conditions.push('pipeline_id = ?');
    params.push(parseId(filter.pipelineId, 'Pipeline', 'filter.pipelineId'));
  }
  const ids: Array<[string, string[] | null | undefined]> = [
    ['stage_id', filter?.stageIds?.map((id) => parseId(id, 'Stage', 'filter.stageIds'))],
    ['owner_id', filter?.ownerIds?.map((id) => parseId(id, 'User', 'filter.ownerIds'))],
  ];
  for (const [column, values] of ids) {
    if (!values?.length) continue;
    conditions.push(`${column} = any(?::uuid[])`);
    params.push(pgArray(values));
  }
  if (filter?.statuses?.length) conditions.push(`status = any(${enumArray(filter.statuses, 'opportunity_status')})`);
  return { sql: conditions.length ? conditions.join(' and ') : 'true', params };
}

/** One page of Query.opportunities, newest first, and its totalCount. */
export async function opportunitiesPage(
  em: EntityManager,
  filter: OpportunityFilter | null | undefined,
  viewer: Viewer,
  page: PageArgs,
  names: OpportunityNames,
): Promise<CountedPage<Opportunity>> {
  return fetchCountedPage(
    em,
    { entity: Opportunity, orderBy: { property: 'createdAt', descending: true }, where: opportunityFilterSql(filter, viewer), beside: namesBeside(names) },
    page,
  );
}

/** The request's loaders a page of opportunities primes with its stages' and owners' names. */
export interface OpportunityNames {
  stageNameById: DataLoader<string, string | null>;
  staffNameById: DataLoader<string, string | null>;
}

/**
 * The names a list of deals nearly always shows (`stage`, `owner { name }`), read beside each row by primary key
 * in the page's statement: they were two statements more for every page (sales' part of the 360° query was three).
 * An owner sales has no name for yet is left to the loader, which asks identity.
 */
const namesBeside = (names: OpportunityNames): Beside<Opportunity> => ({
  columns: {
    stage_name: 'select s.name from pipeline_stage s where s.id = t.stage_id',
    owner_name: 'select n.name from staff_name n where n.user_id = t.owner_id',
  },
  use: (opportunity, { stage_name: stageName, owner_name: ownerName }) => {
    if (typeof stageName === 'string') names.stageNameById.prime(opportunity.stageId, stageName);
    if (opportunity.ownerId && typeof ownerName === 'string') names.staffNameById.prime(opportunity.ownerId, ownerName);
  },
});

/** Each customer's opportunities, newest first, one page each, in one statement. */
export async function opportunityPagesByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: OpportunityFilter | null | undefined,
  viewer: Viewer,
  page: PageArgs,
  names: OpportunityNames,
): Promise<Array<Page<Opportunity>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Opportunity,
      orderBy: { property: 'createdAt', descending: true },
      parent: { property: 'customerId', ids: customerIds },
      where: opportunityFilterSql(filter, viewer),
      beside: namesBeside(names),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function opportunityCountsByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: OpportunityFilter | null | undefined,
  viewer: Viewer,
): Promise<number[]> {
  return countByParent(em, { entity: Opportunity, parent: { property: 'customerId', ids: customerIds }, where: opportunityFilterSql(filter, viewer) });
}

/** Each opportunity's stage moves, oldest first, one page each, in one statement. */
export async function stageHistoryPages(em: EntityManager, opportunityIds: readonly string[], page: PageArgs): Promise<Array<Page<StageChange>>> {
  const pages = await fetchKeysetPages(
    em,
    { entity: StageChange, orderBy: { property: 'createdAt', descending: false }, parent: { property: 'opportunityId', ids: opportunityIds } },
    page,
  );
  return opportunityIds.map((id) => pages.get(id)!);
}

export const stageHistoryCounts = (em: EntityManager, opportunityIds: readonly string[]): Promise<number[]> =>
  countByParent(em, { entity: StageChange, parent: { property: 'opportunityId', ids: opportunityIds } });
