import type { EntityManager } from '@mikro-orm/postgresql';
import { allOf, caseScopeSql, type CaseScopeColumns } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { countByParent, countWhere, fetchKeysetPage, fetchKeysetPages, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { service } from '../../settings.js';
import { LONGEST_DEADLINE_MINUTES } from '../sla/sla.policy.js';
import { Case } from './case.entity.js';
import { CaseLine, CaseOrder } from './case.enums.js';
import type { CaseFilter } from './case.inputs.js';

/** The columns of support_case an agent's row scope compares: its line as the enum, so the line's index serves. */
export const CASE_SCOPE: CaseScopeColumns = { line: 'line', lineType: 'case_line', lineValues: Object.values(CaseLine), assignee: 'assignee_id' };

/**
 * Unsettled cases with a deadline still to meet before `?` (the first response or the resolution). It says
 * `resolved_at is null` so the partial indexes of the unresolved cases serve it
 * (Migration20261206162500_case_deadline_indexes): the resolved history, every deadline of it passed, is not read.
 */
const DEADLINE_BEFORE = 'resolved_at is null and ((first_responded_at is null and first_response_due_at < ?) or resolution_due_at < ?)';

/** The filter, within the cases the viewer may see, as SQL over `support_case`. */
export function caseFilterSql(filter: CaseFilter | null | undefined, viewer: Viewer): SqlCondition | undefined {
  const scope = caseScopeSql(viewer, CASE_SCOPE);
  const parts: SqlCondition[] = scope.params.length ? [scope] : [];
  if (filter?.statuses?.length) parts.push({ sql: `status = any(${enumArray(filter.statuses, 'case_status')})`, params: [] });
  if (filter?.priorities?.length) parts.push({ sql: `priority = any(${enumArray(filter.priorities, 'case_priority')})`, params: [] });
  if (filter?.categories?.length) parts.push({ sql: `category = any(${enumArray(filter.categories, 'case_category')})`, params: [] });
  if (filter?.line) parts.push({ sql: 'line = ?', params: [filter.line] });
  if (filter?.assigneeId) parts.push({ sql: 'assignee_id = ?', params: [parseId(filter.assigneeId, 'User', 'assigneeId')] });
  if (filter?.breachingBefore) {
    const before = filter.breachingBefore.toISOString();
    parts.push({ sql: DEADLINE_BEFORE, params: [before, before] });
  }
  return joinConditions(parts);
}

/**
 * Unsettled cases with a deadline still to meet (not yet passed) that is at risk now: due within the next `minutes`
 * when asked so, else within its own at-risk window, the last `fraction` of its length from the opening (SLA_AT_RISK_FRACTION),
 * of its business time when it runs in a working calendar's (fixed as the deadline was set).
 */
export function atRiskSql(minutes: number | null | undefined, now = new Date(), fraction = service().SLA_AT_RISK_FRACTION): SqlCondition {
  const from = now.toISOString();
  if (minutes == null) {
    const until = new Date(now.getTime() + LONGEST_DEADLINE_MINUTES * fraction * 60_000).toISOString();
    // In business time each deadline has its at-risk moment; in calendar time it is the last fraction of its length.
    const within = (due: string, atRisk: string) =>
      `${due} > ? and (${atRisk} <= ? or (${atRisk} is null and ${due} <= ? and ${due} - (${due} - created_at) * ?::float8 <= ?))`;
    return {
      sql: `resolved_at is null and ((first_responded_at is null and ${within('first_response_due_at', 'first_response_at_risk_at')})
        or (${within('resolution_due_at', 'resolution_at_risk_at')}))`,
      params: [from, from, until, fraction, from, from, from, until, fraction, from],
    };
  }
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) throw badInput('within must be between 1 minute and 7 days', 'within');
  const until = new Date(now.getTime() + minutes * 60_000).toISOString();
  return {
    sql: `resolved_at is null and ((first_responded_at is null and first_response_due_at > ? and first_response_due_at <= ?)
      or (resolution_due_at > ? and resolution_due_at <= ?))`,
    params: [from, until, from, until],
  };
}

export function joinConditions(parts: SqlCondition[]): SqlCondition | undefined {
  if (parts.length === 0) return undefined;
  return { sql: parts.map((p) => `(${p.sql})`).join(' and '), params: parts.flatMap((p) => p.params) };
}

export const CASE_ORDERS: Record<CaseOrder, KeysetOrder<Case>> = {
  [CaseOrder.NEWEST_FIRST]: { property: 'createdAt', descending: true },
  [CaseOrder.OLDEST_FIRST]: { property: 'createdAt', descending: false },
  [CaseOrder.FIRST_RESPONSE_DUE_SOONEST]: { property: 'firstResponseDueAt', descending: false },
  [CaseOrder.RESOLUTION_DUE_SOONEST]: { property: 'resolutionDueAt', descending: false },
};

/** Counts the cases of the service queue matching a condition (totalCount of a top-level list). */
export const countCases = (em: EntityManager, where: SqlCondition | undefined): Promise<number> => countWhere(em, Case, where);

/** One page of the service queue in the chosen order, and its totalCount. */
export async function casesPage(
  em: EntityManager,
  filter: CaseFilter | null | undefined,
  orderBy: CaseOrder,
  viewer: Viewer,
  page: PageArgs,
): Promise<CountedPage<Case>> {
  const where = caseFilterSql(filter, viewer);
  const found = await fetchKeysetPage(em, { entity: Case, orderBy: CASE_ORDERS[orderBy], where }, page);
  return { ...found, count: () => countCases(em, where) };
}

/**
 * One page of the unsettled cases at risk (a deadline in the next `minutes`, or without them in its at-risk window),
 * the resolution due soonest first, and its totalCount.
 */
export async function casesAtRiskPage(
  em: EntityManager,
  minutes: number | null | undefined,
  viewer: Viewer,
  page: PageArgs,
  now = new Date(),
): Promise<CountedPage<Case>> {
  const where = allOf(atRiskSql(minutes, now), caseScopeSql(viewer, CASE_SCOPE));
  const found = await fetchKeysetPage(em, { entity: Case, orderBy: CASE_ORDERS.RESOLUTION_DUE_SOONEST, where }, page);
  return { ...found, count: () => countCases(em, where) };
}

/** Each customer's cases, one page each, in one statement. */
export async function casePagesByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: CaseFilter | null | undefined,
  orderBy: CaseOrder | undefined,
  viewer: Viewer,
  page: PageArgs,
): Promise<Array<Page<Case>>> {
  const pages = await fetchKeysetPages(
    em,
    {
      entity: Case,
      orderBy: CASE_ORDERS[orderBy ?? CaseOrder.NEWEST_FIRST],
      parent: { property: 'customerId', ids: customerIds },
      where: caseFilterSql(filter, viewer),
    },
    page,
  );
  return customerIds.map((id) => pages.get(id)!);
}

export async function caseCountsByCustomer(
  em: EntityManager,
  customerIds: readonly string[],
  filter: CaseFilter | null | undefined,
  viewer: Viewer,
): Promise<number[]> {
  return countByParent(em, { entity: Case, parent: { property: 'customerId', ids: customerIds }, where: caseFilterSql(filter, viewer) });
}
