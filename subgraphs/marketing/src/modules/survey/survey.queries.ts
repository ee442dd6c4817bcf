import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import type { SqlCondition } from '@crm/kit/sql.js';
import { netPromoterScore } from './nps.js';
import { type NpsSummary, SurveyResponse } from './survey.entity.js';
import type { SurveyResponseFilter, SurveyScoreCategory } from './survey.inputs.js';

const SCORE_RANGE: Record<SurveyScoreCategory, [number, number]> = { PROMOTER: [9, 10], PASSIVE: [7, 8], DETRACTOR: [0, 6] };

/** The filter as SQL over `survey_response t`; shared by the page, its count and the NPS summary. */
export function surveyFilterSql(filter: SurveyResponseFilter | null | undefined): SqlCondition | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.customerId) {
    parts.push('customer_id = ?');
    params.push(parseId(filter.customerId, 'Customer', 'customerId'));
  }
  if (filter?.category) {
    parts.push('score between ? and ?');
    params.push(...SCORE_RANGE[filter.category]);
  }
  if (filter?.since) {
    parts.push('responded_at >= ?');
    params.push(filter.since);
  }
  if (filter?.until) {
    parts.push('responded_at < ?');
    params.push(filter.until);
  }
  if (filter?.since && filter.until && filter.since >= filter.until) throw badInput('since must be before until', 'since');
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}

export async function npsSummary(em: EntityManager, filter: SurveyResponseFilter | null | undefined): Promise<NpsSummary> {
  const where = surveyFilterSql(filter);
  const [row] = await em.execute<Array<Record<string, string>>>(
    `select count(*) filter (where score >= 9) as promoters,
            count(*) filter (where score between 7 and 8) as passives,
            count(*) filter (where score <= 6) as detractors
     from survey_response${where ? ` where ${where.sql}` : ''}`,
    where?.params ?? [],
  );
  const counts = { promoters: Number(row?.promoters ?? 0), passives: Number(row?.passives ?? 0), detractors: Number(row?.detractors ?? 0) };
  return { ...counts, responses: counts.promoters + counts.passives + counts.detractors, nps: netPromoterScore(counts) };
}

/** One page of the NPS answers, newest first, and its totalCount. */
export async function surveyResponsesPage(
  em: EntityManager,
  filter: SurveyResponseFilter | null | undefined,
  page: PageArgs,
): Promise<CountedPage<SurveyResponse>> {
  return fetchCountedPage(em, { entity: SurveyResponse, orderBy: { property: 'respondedAt', descending: true }, where: surveyFilterSql(filter) }, page);
}
