import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { recordedEvent } from '../interaction/interaction.service.js';
import { parseId } from '../../../../kit/ids.js';
import { Interaction, InteractionType } from '../interaction/interaction.entity.js';
import { netPromoterScore, npsCategory } from './nps.js';
import { type NpsSummary, SurveyResponse } from './survey.entity.js';
import { type SurveyScoreCategory, type AnswerSurveyInput, type SurveyResponseFilter } from './survey.inputs.js';

const SCORE_RANGE: Record<SurveyScoreCategory, [number, number]> = { PROMOTER: [9, 10], PASSIVE: [7, 8], DETRACTOR: [0, 6] };

/** Stores the answer and puts it on the customer's timeline in the same transaction. */
export async function answerSurvey(em: EntityManager, input: AnswerSurveyInput): Promise<SurveyResponse> {
  if (!Number.isInteger(input.score) || input.score < 0 || input.score > 10) throw badInput('score must be between 0 and 10', 'score');
  const customerId = parseId(input.customerId, 'Customer', 'customerId');
  const response = em.create(SurveyResponse, {
    customerId,
    score: input.score,
    comment: input.comment?.trim() || null,
    channel: input.channel,
    respondedAt: input.respondedAt ?? new Date(),
  });
  const interaction = em.create(Interaction, {
    customerId,
    channel: input.channel,
    type: InteractionType.SURVEY_RESPONSE,
    occurredAt: response.respondedAt,
    sourceSystem: 'survey',
    properties: { surveyResponseId: response.id, score: response.score },
  });
  recordedEvent(em, { id: interaction.id, customerId, anonymousId: null, channel: interaction.channel, type: interaction.type, campaignId: null });
  recordEvent(em, {
    type: 'SurveyAnswered',
    aggregateId: response.id,
    payload: { surveyResponseId: response.id, customerId, score: response.score, category: npsCategory(response.score), interactionId: interaction.id },
  });
  await em.flush();
  return response;
}

export function surveyFilterSql(filter: SurveyResponseFilter | null | undefined): { sql: string; params: unknown[] } | undefined {
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
