import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { recordedEvent } from '../interaction/interaction.service.js';
import { parseId } from '@crm/kit/ids.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { Interaction, InteractionType } from '../interaction/interaction.entity.js';
import { npsCategory } from './nps.js';
import { SurveyResponse } from './survey.entity.js';
import type { AnswerSurveyInput } from './survey.inputs.js';

/** Stores the answer and puts it on the customer's timeline in the same transaction. */
export async function answerSurvey(em: EntityManager, input: AnswerSurveyInput): Promise<SurveyResponse> {
  if (!Number.isInteger(input.score) || input.score < 0 || input.score > 10) throw badInput('score must be between 0 and 10', 'score');
  // The customer as it is now, locked until this write commits: a merge moving their answers waits for it (ADR 16).
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
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
