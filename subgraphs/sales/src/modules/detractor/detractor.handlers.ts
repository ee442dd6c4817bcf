import { platform } from '@crm/kit/config.js';
import { defineHandler } from '@crm/kit/consumer.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { sales } from '../../settings.js';
import { Activity, SalesActivityType } from '../activity/activity.entity.js';
import { createActivity } from '../activity/activity.service.js';
import { customerRepOf } from '../routing/routing.queries.js';

const DAY = 24 * 3600_000;
/** An NPS answer of 6 or less: the customer would not recommend us. */
export const NPS_DETRACTOR_MAX = 6;

/** How a follow-up names its survey answer: the answer is followed up once, whatever is delivered again. */
export const surveyAnswerTag = (surveyResponseId: string) => `survey answer ${surveyResponseId}`;

/**
 * DOMAIN Story 4: an NPS detractor is called back. With NPS_DETRACTOR_FOLLOW_UP=task, the customer's rep (the owner
 * of their most recent open, else most recent, opportunity; else the default queue's manager) gets a task due the
 * next day. (With `case`, service opens a case instead.)
 */
export const npsDetractorTask = defineHandler({
  name: 'sales.nps-detractor-task',
  on: ['SurveyAnswered'],
  when: (event) => event.payload.score <= NPS_DETRACTOR_MAX && platform().NPS_DETRACTOR_FOLLOW_UP === 'task',
  async handle(em, event, log) {
    const { surveyResponseId, score } = event.payload;
    const tag = surveyAnswerTag(surveyResponseId);
    const customerId = await liveCustomerId(em, event.payload.customerId);
    if ((await em.count(Activity, { customerId, notes: { $like: `%${tag}%` } })) > 0) return; // followed up already
    const rep = await customerRepOf(em, customerId);
    const ownerId = rep?.ownerId ?? sales().SALES_LEAD_QUEUE_OWNER_ID?.toLowerCase() ?? null;
    if (!ownerId)
      log.warn({ customerId, surveyResponseId }, 'NPS detractor task has no owner: the customer has no rep and SALES_LEAD_QUEUE_OWNER_ID is not set');
    await createActivity(em, {
      type: SalesActivityType.TASK,
      subject: `Call back an unhappy customer (NPS ${score})`,
      notes: `The customer answered ${score} of 10 in the NPS survey (${tag}); ${rep ? 'you are their rep' : 'they have no rep yet'}.`,
      customerId,
      opportunityId: rep?.open ? rep.opportunityId : null,
      ownerId,
      dueAt: new Date(new Date(event.occurredAt).getTime() + DAY),
    });
  },
  afterExpiry: {
    skip: { lost: 'NPS detractors who answered in the missed events got no call-back task: find them in marketing (surveys, score 6 or less)' },
  },
});
